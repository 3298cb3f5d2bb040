"""Backups of the portal's database: `manage.py backup` and `manage.py restore`.

A backup is a pg_dump custom-format archive (`pg_dump -Fc`) of the database the
portal uses (the embedded PostgreSQL or the server DATABASE_URL names), written to
BACKUP_DIR (default `backups/` in the project folder) as `otop-YYYYmmdd-HHMMSS.dump`;
the newest BACKUP_KEEP (default 14) are kept. pg_dump and pg_restore are taken at
the server's own major version: the embedded wheel's when it matches, else
/usr/lib/postgresql/<major>/bin, else the one on PATH when its version matches.

Archives hold every member's personal data: the folder is made 0700 and each file
0600; copy them off the machine to somewhere as well guarded.
"""

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from otop_portal.lib.env import env_int

SYSTEM_ROOT = Path("/usr/lib/postgresql")
ARCHIVE_NAME = re.compile(r"^otop-\d{8}-\d{6}(-\d+)?\.dump$")
DEFAULT_KEEP = 14
RESTORE_OPTIONS = (
    "--clean",
    "--if-exists",
    "--no-owner",
    # grants name roles the target server may not have; the portal grants nothing
    "--no-privileges",
    "--single-transaction",
    "--exit-on-error",
)
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


class BackupProblem(Exception):
    """A backup or restore that cannot go on; its message is one sentence saying why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    seconds: float
    deleted: list[Path] = field(default_factory=list)


# --- Which PostgreSQL client ----------------------------------------------------------


def server_major() -> int:
    """The major version of the server the portal's database is on (15, 18, …)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def embedded_bin() -> Path | None:
    from otop_portal.lib.database import _wheel

    try:
        return Path(_wheel().__file__).parent / "pginstall" / "bin"
    except ImportError:
        return None


def tool_major(path: Path | str) -> int | None:
    """The major version `PATH --version` reports, or None if it does not run."""
    try:
        output = subprocess.run(  # noqa: S603 - a PostgreSQL client binary we located
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except OSError:
        return None
    match = _VERSION.search(output)
    return int(match.group(1)) if match else None


def find_tool(
    name: str,
    major: int,
    *,
    embedded: Path | None = None,
    system_root: Path = SYSTEM_ROOT,
    which: Callable[[str], str | None] = shutil.which,
    version_of: Callable[[Path | str], int | None] = tool_major,
) -> Path:
    """pg_dump or pg_restore of the server's major version, or BackupProblem."""
    candidates: list[Path] = []
    if embedded is not None:
        candidates.append(embedded / name)
    candidates.append(system_root / str(major) / "bin" / name)
    on_path = which(name)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if Path(candidate).is_file() and version_of(candidate) == major:
            return Path(candidate)
    raise BackupProblem(
        f"No {name} of PostgreSQL {major} (the server's version) was found: install the "
        f"PostgreSQL {major} client tools (on Debian or Ubuntu: apt-get install "
        f"postgresql-client-{major}), so that {system_root / str(major) / 'bin' / name} exists."
    )


def client_tool(name: str) -> Path:
    return find_tool(name, server_major(), embedded=embedded_bin())


def client_environment() -> dict[str, str]:
    """The libpq variables that reach the portal's database (its socket or server)."""
    params = connection.get_connection_params()
    variables = {
        "host": "PGHOST",
        "port": "PGPORT",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "database": "PGDATABASE",
        "dbname": "PGDATABASE",
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
    }
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("PG") and k != "DATABASE_URL"
    }
    for key, variable in variables.items():
        value = params.get(key)
        if value not in (None, ""):
            environment[variable] = str(value)
    return environment


def database_name() -> str:
    return connection.get_connection_params().get("dbname") or connection.settings_dict["NAME"]


# --- Backup ---------------------------------------------------------------------------


def backup_dir() -> Path:
    folder = os.environ.get("BACKUP_DIR", "").strip()
    return Path(folder) if folder else Path(settings.BASE_DIR) / "backups"


def backup_keep() -> int:
    return env_int("BACKUP_KEEP", DEFAULT_KEEP)


def backup(*, to_dir: Path, keep: int) -> BackupResult:
    """Dump the database into TO_DIR and keep the newest KEEP archives (0: all)."""
    started = time.monotonic()
    pg_dump = client_tool("pg_dump")
    to_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = _new_archive_path(to_dir)
    partial = path.with_name(f".{path.name}.partial")
    _sweep_partials(to_dir)
    # made 0600 before pg_dump writes a byte into it: the archive holds personal data
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    result = subprocess.run(  # noqa: S603 - pg_dump of the server's version
        [str(pg_dump), "--format=custom", "--file", str(partial)],
        env=client_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupProblem(f"pg_dump failed: {_first_line(result.stderr)}")
    partial.chmod(0o600)
    partial.rename(path)
    deleted = prune(to_dir, keep=keep)
    return BackupResult(path, path.stat().st_size, time.monotonic() - started, deleted)


def _sweep_partials(folder: Path) -> None:
    """Delete what a dump killed more than a day ago left behind."""
    for leftover in folder.glob(".otop-*.dump.partial"):
        if time.time() - leftover.stat().st_mtime > 24 * 60 * 60:
            leftover.unlink(missing_ok=True)


def _new_archive_path(folder: Path) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = folder / f"otop-{stamp}.dump"
    number = 2
    while path.exists():
        path = folder / f"otop-{stamp}-{number}.dump"
        number += 1
    return path


def archives(folder: Path) -> list[Path]:
    """The backups in FOLDER, oldest first (other files are never touched)."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_file() and ARCHIVE_NAME.match(p.name)]
    return sorted(found, key=lambda p: _sort_key(p.name))


def _sort_key(name: str) -> tuple[str, int]:
    stem = name.removesuffix(".dump")
    parts = stem.split("-")
    return ("-".join(parts[:3]), int(parts[3]) if len(parts) > 3 else 1)


def prune(folder: Path, *, keep: int) -> list[Path]:
    if keep <= 0:
        return []
    old = archives(folder)[:-keep]
    for path in old:
        path.unlink()
    return old


# --- Restore --------------------------------------------------------------------------


def check_archive(path: Path, pg_restore: Path) -> None:
    """BackupProblem unless PATH is a pg_dump custom-format archive pg_restore can read."""
    if not path.is_file():
        raise BackupProblem(f"{path} does not exist.")
    result = subprocess.run(  # noqa: S603 - pg_restore of the server's version
        [str(pg_restore), "--list", str(path)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupProblem(
            f"{path} is not a pg_dump custom-format archive this pg_restore can read "
            f"(make one with manage.py backup): {_first_line(result.stderr)}"
        )


def restore(path: Path) -> float:
    """Replace the database's contents with the archive's; the seconds it took."""
    started = time.monotonic()
    pg_restore = client_tool("pg_restore")
    check_archive(path, pg_restore)
    environment = client_environment()
    dbname = environment["PGDATABASE"]
    connection.close()  # our own session must not hold locks the restore waits for
    result = subprocess.run(  # noqa: S603 - pg_restore of the server's version
        [str(pg_restore), *RESTORE_OPTIONS, "--dbname", dbname, str(path)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupProblem(
            f"pg_restore failed and changed nothing (it runs in one transaction): "
            f"{_first_line(result.stderr)}"
        )
    return time.monotonic() - started


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "no message"


# --- The check after a restore ----------------------------------------------------------

COUNTED = (
    ("members", "User"),
    ("members", "Producer"),
    ("members", "Person"),
    ("equipment", "EquipmentUnit"),
    ("equipment", "Booking"),
    ("savings", "Saver"),
    ("savings", "JournalEntry"),
    ("savings", "JournalLine"),
    ("fairs", "Fair"),
    ("fairs", "Application"),
    ("fairs", "Holding"),
)


def restored_counts() -> list[tuple[str, int]]:
    from django.apps import apps

    counts = []
    for app_label, model_name in COUNTED:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        counts.append((f"{app_label}.{model_name}", model._base_manager.count()))
    return counts


def unbalanced_entries() -> list[int]:
    """Savings journal entries whose debits and credits differ (through the app
    registry: otop_portal imports no app)."""
    from django.apps import apps
    from django.db.models import F, Sum

    lines = apps.get_model("savings", "JournalLine").objects
    return list(
        lines.values("entry")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .exclude(debit=F("credit"))
        .values_list("entry", flat=True)
    )
