"""Several app servers behind a load balancer: nothing lives on one server's disk or
memory except through a shared service, and reports may read from a replica."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections, transaction

from members.models import Province, User
from otop_portal.lib.replica import ReplicaRouter, reading_from_replica, reads_from_replica
from tests.utils import run_manage

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-of-more-than-fifty-characters-0123456789abcdef",
    "ALLOWED_HOSTS": "otop.sakaeo.example.org",
}
ROUTER = "otop_portal.lib.replica.ReplicaRouter"


def _project_sources():
    for folder in ("otop_portal", "members", "equipment", "savings", "fairs"):
        yield from (BASE_DIR / folder).rglob("*.py")


def test_sessions_and_login_lockouts_live_in_the_database():
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert django_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_no_code_keeps_state_in_the_per_server_cache():
    """Django's default cache is each process's own memory: the day code uses it, CACHES
    must point at a shared cache (a database cache or Redis) first."""
    using = [
        str(path.relative_to(BASE_DIR))
        for path in _project_sources()
        if re.search(r"django\.core\.cache|cache_page|caches\[", path.read_text())
    ]
    assert using == []


def test_a_replica_url_adds_the_replica_alias_and_its_router():
    shown = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['replica']; "
        "print(d['HOST'], d['NAME'], d['TEST']['MIRROR'], settings.DATABASE_ROUTERS)",
        env={**PRODUCTION, "READ_REPLICA_URL": "postgres://reader:pw@replica.example.org/otop"},
    )
    assert shown.stdout.strip() == f"replica.example.org otop default ['{ROUTER}']", shown.stderr


def test_without_a_replica_url_there_is_one_database():
    assert set(django_settings.DATABASES) == {"default"}


@pytest.fixture
def replica(settings):
    """A `replica` alias mirroring the test database, as READ_REPLICA_URL would add."""
    mirror = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    settings.DATABASES = {**settings.DATABASES, "replica": mirror}
    settings.DATABASE_ROUTERS = [ROUTER]
    # Made while the alias is known, then forgotten by the handler: Django's test case
    # lets such a connection through (it only guards the aliases set up before it).
    connections.settings["replica"] = mirror
    connections["replica"]
    del connections.settings["replica"]
    yield "replica"
    connections["replica"].close()
    del connections["replica"]


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@pytest.mark.django_db(transaction=True)
def test_reads_go_to_the_replica_only_inside_reading_from_replica(replica, staff):
    assert User.objects.all().db == "default"
    with reading_from_replica():
        users = User.objects.all()
        assert users.db == "replica"
        assert list(users) == [staff], "the replica holds what the primary committed"
        with transaction.atomic():
            assert User.objects.all().db == "default", "a transaction reads the primary"
    assert User.objects.all().db == "default"


def test_writes_always_go_to_the_primary():
    router = ReplicaRouter()
    with reading_from_replica():
        assert router.db_for_write(Province) == "default"
    assert router.allow_migrate("replica", "members") is False
    assert router.allow_migrate("default", "members") is True


def test_without_a_replica_the_router_reads_the_primary():
    with reading_from_replica():
        assert ReplicaRouter().db_for_read(Province) is None


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@pytest.mark.django_db(transaction=True)
def test_a_streamed_export_reads_its_rows_from_the_replica(replica, rf):
    from django.http import StreamingHttpResponse

    seen = []

    def rows():
        seen.append(Province.objects.all().db)
        yield b"row\n"

    @reads_from_replica
    def export(request):
        seen.append(Province.objects.all().db)
        return StreamingHttpResponse(rows())

    response = export(rf.get("/"))
    assert b"".join(response.streaming_content) == b"row\n"
    assert seen == ["replica", "replica"]
    assert Province.objects.all().db == "default"


HEAVY_EXPORTS = [
    ("members:producer_export", {"fmt": "csv"}),
    ("members:report_export", {"kind": "members", "fmt": "csv"}),
    ("savings:saver_export", {"fmt": "csv"}),
    ("savings:loan_export", {"fmt": "csv"}),
    ("audit:events_export", {"fmt": "csv"}),
]


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "kwargs"), HEAVY_EXPORTS)
def test_the_heavy_exports_read_from_the_replica(replica, client, staff, name, kwargs):
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client.force_login(staff)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200
        b"".join(response.streaming_content) if response.streaming else response.content
    assert len(on_replica) > 0, f"{name} read nothing from the replica"
