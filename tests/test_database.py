"""The database: PostgreSQL only, UTF-8 character type, clear sentences on failure."""

import uuid
from types import SimpleNamespace

import psycopg2
import pytest
from django.db import connection

from otop_portal.lib.database import (
    DatabaseProblem,
    check_character_type,
    database_config,
    start_embedded_server,
    stop_embedded_server,
)
from tests.utils import run_manage


def _manage(*args, **env):
    return run_manage(*args, env={"DEBUG": "1", **env}, keep_database_url=False)


def _admin_connection():
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    raw = psycopg2.connect(**params)
    raw.autocommit = True
    return raw


def test_the_test_database_classifies_thai_letters(db):
    check_character_type(connection)  # raises if not
    with connection.cursor() as cursor:
        cursor.execute("SELECT show_trgm('สระแก้ว')")
        assert cursor.fetchone()[0], "pg_trgm sees Thai letters"


def test_btree_gist_and_pg_trgm_are_installed(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        assert {"btree_gist", "pg_trgm"} <= {row[0] for row in cursor.fetchall()}


def test_a_plain_c_database_is_refused_with_a_clear_sentence(db):
    name = f"otop_c_{uuid.uuid4().hex[:8]}"
    admin = _admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name} TEMPLATE template0 LC_CTYPE 'C' LC_COLLATE 'C'")
    params = {**connection.get_connection_params(), "dbname": name}
    try:
        with psycopg2.connect(**params) as raw:
            shim = SimpleNamespace(settings_dict={"NAME": name}, cursor=raw.cursor)
            with pytest.raises(DatabaseProblem, match=r"sees no Thai letters.*C\.UTF-8"):
                check_character_type(shim)
        raw.close()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE {name} WITH (FORCE)")
        admin.close()


def test_only_postgresql_is_accepted(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///portal.db")
    with pytest.raises(DatabaseProblem, match="PostgreSQL"):
        database_config(base_dir=tmp_path, conn_max_age=0)


def test_database_url_chooses_the_server(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://portal:secret@db.example.org:5433/otop")
    config = database_config(base_dir=tmp_path, conn_max_age=0)
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example.org", 5433, "otop")
    assert config["ENGINE"] == "otop_portal.lib.postgres"


def test_without_database_url_the_embedded_server_is_chosen_but_not_started(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_config(base_dir=tmp_path, conn_max_age=0)
    assert config["EMBEDDED_PGDATA"] == str(tmp_path / ".pgdata")
    assert not (tmp_path / ".pgdata").exists(), "started on the first connection, not before"


def test_a_data_folder_with_a_space_is_refused_with_a_sentence(tmp_path):
    with pytest.raises(DatabaseProblem, match="EMBEDDED_PGDATA"):
        start_embedded_server(tmp_path / "my project" / ".pgdata")


def test_an_unreadable_list_of_handles_does_not_stop_the_next_start(tmp_path):
    from otop_portal.lib.database import _repair_handle_list

    (tmp_path / ".handle_pids.json").write_text("")
    _repair_handle_list(tmp_path)
    assert (tmp_path / ".handle_pids.json").read_text() == "[]"


def test_test_databases_are_created_with_a_utf8_character_type(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        assert cursor.fetchone()[0] == "C.UTF-8"


def test_an_unreachable_server_stops_the_command_with_one_sentence():
    result = _manage("migrate", DATABASE_URL="postgres://postgres@127.0.0.1:1/otop")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: PostgreSQL cannot be reached")
    assert "Traceback" not in result.stderr


def test_an_embedded_server_that_cannot_start_stops_with_one_sentence():
    result = _manage("migrate", EMBEDDED_PGDATA="/nonexistent/folder/pgdata")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "could not be started" in lines[0]
    assert "DATABASE_URL" in lines[0]


@pytest.mark.slow
def test_the_embedded_server_keeps_its_data_between_runs(tmp_path):
    pgdata = tmp_path / "pgdata"
    server = start_embedded_server(pgdata)
    server.psql("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('สระแก้ว');")
    assert stop_embedded_server(pgdata)
    assert not stop_embedded_server(pgdata), "already stopped"
    server = start_embedded_server(pgdata)
    try:
        assert "สระแก้ว" in server.psql("SELECT v FROM kept;")
        assert "C.UTF-8" in server.psql(
            "SELECT datctype FROM pg_database WHERE datname = 'postgres';"
        )
    finally:
        stop_embedded_server(pgdata)


def test_the_portal_checked_the_character_type_on_its_first_connection(db):
    from otop_portal.apps import _checked

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert connection.alias in _checked
