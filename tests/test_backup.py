"""manage.py backup and restore: a backup of the demo data restores to the same database,
with the server's own pg_dump, and restore refuses what is not an archive."""

import uuid
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg2 import sql

from equipment.models import Booking
from equipment.models.bookings import BLOCKING
from fairs.models import Holding
from members.models import Function, User
from otop_portal.lib import backup
from otop_portal.lib.database import UTF8_CTYPE
from savings.models import JournalLine, SaverAccount
from savings.services import reconcile

# --- Choosing pg_dump -------------------------------------------------------------------


def _fake_tools(tmp_path, versions):
    """Executable-looking files at the given paths, with the versions they report."""
    for path in versions:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    return lambda path: versions.get(Path(path))


def test_the_embedded_pg_dump_is_chosen_when_it_matches_the_server(tmp_path):
    embedded, system = tmp_path / "wheel", tmp_path / "usr"
    version_of = _fake_tools(tmp_path, {embedded / "pg_dump": 18, system / "18/bin/pg_dump": 18})
    chosen = backup.find_tool(
        "pg_dump",
        18,
        embedded=embedded,
        system_root=system,
        which=lambda name: None,
        version_of=version_of,
    )
    assert chosen == embedded / "pg_dump"


def test_the_system_pg_dump_of_the_servers_major_version_is_chosen_otherwise(tmp_path):
    embedded, system = tmp_path / "wheel", tmp_path / "usr"
    path_tool = tmp_path / "bin/pg_dump"
    version_of = _fake_tools(
        tmp_path,
        {embedded / "pg_dump": 18, system / "15/bin/pg_dump": 15, path_tool: 15},
    )
    chosen = backup.find_tool(
        "pg_dump",
        15,
        embedded=embedded,
        system_root=system,
        which=lambda name: str(path_tool),
        version_of=version_of,
    )
    assert chosen == system / "15/bin/pg_dump"


def test_the_pg_dump_on_path_is_chosen_only_when_its_version_matches(tmp_path):
    embedded, system = tmp_path / "wheel", tmp_path / "usr"
    path_tool = tmp_path / "bin/pg_dump"
    version_of = _fake_tools(tmp_path, {embedded / "pg_dump": 18, path_tool: 16})

    def choose(major):
        return backup.find_tool(
            "pg_dump",
            major,
            embedded=embedded,
            system_root=system,
            which=lambda name: str(path_tool),
            version_of=version_of,
        )

    assert choose(16) == path_tool
    with pytest.raises(backup.BackupProblem, match=r"No pg_dump of PostgreSQL 17.*client-17"):
        choose(17)


def test_the_pg_dump_chosen_here_is_the_servers_major_version(db):
    major = backup.server_major()
    for name in ("pg_dump", "pg_restore"):
        tool = backup.client_tool(name)
        assert backup.tool_major(tool) == major, tool


# --- Keeping the newest -------------------------------------------------------------------


def test_only_older_backups_of_the_same_pattern_are_deleted(tmp_path):
    names = [
        "otop-20250101-010000.dump",
        "otop-20250102-010000.dump",
        "otop-20250102-010000-2.dump",
        "otop-20250103-010000.dump",
    ]
    for name in [*names, "otop-keep-me.dump", "notes.txt", "other-20250101-010000.dump"]:
        (tmp_path / name).write_text("x")
    deleted = backup.prune(tmp_path, keep=2)
    assert [path.name for path in deleted] == names[:2]
    left = sorted(path.name for path in tmp_path.iterdir())
    others = ["otop-keep-me.dump", "notes.txt", "other-20250101-010000.dump"]
    assert left == sorted([*names[2:], *others])
    assert backup.prune(tmp_path, keep=0) == []


def test_a_backup_is_private_from_its_first_byte_and_old_leftovers_are_swept(
    db, tmp_path, monkeypatch
):
    """The archive holds personal data: pg_dump writes into a file already made 0600,
    and what a killed dump left behind more than a day ago is deleted."""
    import os
    import time

    stale = tmp_path / ".otop-20250101-010000.dump.partial"
    fresh = tmp_path / ".otop-20250102-010000.dump.partial"
    for leftover in (stale, fresh):
        leftover.write_text("x")
    two_days_ago = time.time() - 2 * 24 * 60 * 60
    os.utime(stale, (two_days_ago, two_days_ago))
    modes = []
    real_run = backup.subprocess.run

    def watching(command, **kwargs):
        if "--file" in command:  # the dump itself, not a --version check
            partial = Path(command[command.index("--file") + 1])
            modes.append(partial.stat().st_mode & 0o777)
        return real_run(command, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", watching)
    made = backup.backup(to_dir=tmp_path, keep=0)
    assert modes == [0o600]
    assert made.path.stat().st_mode & 0o777 == 0o600
    assert not stale.exists() and fresh.exists()


def test_backup_dir_and_keep_come_from_the_environment(monkeypatch, settings, tmp_path):
    monkeypatch.delenv("BACKUP_DIR", raising=False)
    monkeypatch.delenv("BACKUP_KEEP", raising=False)
    assert backup.backup_dir() == Path(settings.BASE_DIR) / "backups"
    assert backup.backup_keep() == 14
    monkeypatch.setenv("BACKUP_DIR", str(tmp_path))
    monkeypatch.setenv("BACKUP_KEEP", "3")
    assert backup.backup_dir() == tmp_path
    assert backup.backup_keep() == 3


# --- Restore refuses ---------------------------------------------------------------------


def test_restore_refuses_a_file_that_is_not_an_archive(db, tmp_path):
    not_an_archive = tmp_path / "otop.sql"
    not_an_archive.write_text("SELECT 1;\n")
    with pytest.raises(CommandError, match="is not a pg_dump custom-format archive"):
        call_command("restore", str(not_an_archive), "--yes", stdout=StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.dump"), "--yes", stdout=StringIO())


# --- The round trip ------------------------------------------------------------------------


def _admin():
    raw = psycopg2.connect(**{**connection.get_connection_params(), "dbname": "postgres"})
    raw.autocommit = True
    return raw


@contextmanager
def _scratch_database():
    """A fresh, empty database beside the test database, dropped afterwards."""
    name = f"otop_restore_{uuid.uuid4().hex[:8]}"
    admin = _admin()
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE {} LC_CTYPE {}"
            ).format(sql.Identifier(name), sql.Literal(UTF8_CTYPE), sql.Literal(UTF8_CTYPE))
        )
    try:
        yield name
    finally:
        with admin.cursor() as cursor:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            cursor.execute(drop.format(sql.Identifier(name)))
        admin.close()


@contextmanager
def _connected_to(name):
    """The portal's connection (and so manage.py restore) points at database NAME."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def _scalar(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def _rows(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _tables():
    return [
        row[0]
        for row in _rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    ]


def _overlaps(table, key, period, condition=""):
    return _scalar(
        f'SELECT count(*) FROM "{table}" a JOIN "{table}" b '  # noqa: S608 - our model tables
        f'ON a."{key}" = b."{key}" AND a.id < b.id AND a."{period}" && b."{period}" {condition}'
    )


def _fingerprint():
    """Every table's row count and contents, the schema's constraints, triggers, indexes
    and sequences, every savings balance, and the invariants the portal relies on."""
    tables = {}
    for table in _tables():
        tables[table] = _rows(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')) "  # noqa: S608
            f'FROM "{table}" t'
        )[0]
    booking = Booking._meta.db_table
    blocking = ", ".join(f"'{status}'" for status in BLOCKING)
    holding = Holding._meta.db_table
    return {
        "tables": tables,
        "constraints": _rows(
            # names and kinds: PostgreSQL prints some CHECK expressions differently once
            # they have been through pg_dump (the same condition, other casts)
            "SELECT conrelid::regclass::text, conname, contype "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
        ),
        "triggers": _rows(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
            "WHERE NOT tgisinternal ORDER BY 1, 2"
        ),
        "indexes": _rows(
            "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2"
        ),
        "sequences": _rows(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = 'public' ORDER BY 1"
        ),
        "balances": list(
            SaverAccount.objects.order_by("saver_id").values_list(
                "saver_id", "pledged", "deposits", "held", "loan_principal"
            )
        ),
        "unbalanced_entries": _rows(
            f"SELECT entry_id FROM {JournalLine._meta.db_table} "  # noqa: S608
            "GROUP BY entry_id HAVING sum(debit) <> sum(credit)"
        ),
        "trial_balance": _scalar(
            f"SELECT coalesce(sum(debit) - sum(credit), 0) FROM {JournalLine._meta.db_table}"  # noqa: S608
        ),
        "ledger_mismatches": [str(mismatch) for mismatch in reconcile()],
        "unbalanced_by_the_restore_check": backup.unbalanced_entries(),
        "overlapping_bookings": _overlaps(
            booking,
            "unit_id",
            "blocked_period",
            f"WHERE a.status IN ({blocking}) AND b.status IN ({blocking})",
        ),
        "booths_held_twice": _overlaps(holding, "booth_id", "period"),
        "applications_holding_two": _overlaps(holding, "application_id", "period"),
    }


def _assert_sound(print_):
    assert print_["unbalanced_entries"] == []
    assert print_["trial_balance"] == 0
    assert print_["ledger_mismatches"] == []
    assert print_["unbalanced_by_the_restore_check"] == []
    assert print_["overlapping_bookings"] == 0
    assert print_["booths_held_twice"] == print_["applications_holding_two"] == 0


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_demo_restores_to_the_same_database(
    geography, settings, tmp_path, monkeypatch
):
    settings.DEBUG = True
    # an earlier transactional test emptied every table, the functions' groups too, which
    # a migration creates on a real database
    for function in Function:
        Group.objects.get_or_create(name=function.value)
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("backup", "--to", str(tmp_path), stdout=out)
    [archive] = backup.archives(tmp_path)
    assert str(archive) in out.getvalue()
    assert archive.stat().st_mode & 0o077 == 0, "backups are readable by their owner only"

    before = _fingerprint()
    _assert_sound(before)
    counts = {table: count for table, (count, _) in before["tables"].items()}
    assert counts[SaverAccount._meta.db_table] >= 50
    assert counts[User._meta.db_table] > 0 and counts[Holding._meta.db_table] > 0
    assert any(table.endswith("event") and count for table, count in counts.items())

    with _scratch_database() as scratch, _connected_to(scratch):
        # asked for the database name, a wrong answer restores nothing
        monkeypatch.setattr("builtins.input", lambda prompt: "otop-wrong")
        with pytest.raises(CommandError, match="Not restored"):
            call_command("restore", str(archive), stdout=StringIO())
        assert _tables() == []

        # into the empty database
        monkeypatch.setattr("builtins.input", lambda prompt: scratch)
        out = StringIO()
        call_command("restore", str(archive), stdout=out)
        assert "Savings books reconcile: no mismatch." in out.getvalue()
        assert _fingerprint() == before

        # over a database changed since (--clean)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {User._meta.db_table} SET first_name = 'เปลี่ยน'")  # noqa: S608
            cursor.execute("DELETE FROM django_session")
        assert _fingerprint() != before
        call_command("restore", str(archive), "--yes", stdout=StringIO())
        assert _fingerprint() == before
