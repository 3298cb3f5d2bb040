"""seed_demo: deterministic Sa Kaeo demo logins, refused on a real database."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from members.models import Function, Role, User
from otop_portal.lib import demo
from otop_portal.lib.demo import DEMO_PASSWORD
from savings.models import JournalEntry, Saver


@pytest.fixture(autouse=True)
def _savings_history_only_where_asked(request, monkeypatch):
    """The savings group's two years of history take seconds to write and have their
    own tests (tests/savings/test_demo_savings.py): here only the tests that ask for
    `savings_history` write it."""
    if "savings_history" not in request.fixturenames:
        monkeypatch.setitem(demo._seeders, "savings", demo.Seeder("savings", lambda: [], 50))


@pytest.fixture
def savings_history():
    """The savings seeder runs in this test."""


def _seed(settings, *args):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_it_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_it_runs_with_debug_off_only_when_told_explicitly(db, settings):
    settings.DEBUG = False
    call_command("seed_demo", "--not-a-demo-i-know", stdout=StringIO())
    assert User.objects.filter(username="cdd.staff").exists()


def test_it_runs_on_a_server_database_that_holds_only_demo_accounts(db, settings, monkeypatch):
    from otop_portal.lib import database

    monkeypatch.setattr(database, "uses_embedded_database", lambda: False)
    _seed(settings)
    _seed(settings)
    assert User.objects.filter(username="cdd.staff").exists()


def test_it_prints_one_login_per_persona(db, settings):
    output = _seed(settings)
    assert DEMO_PASSWORD in output
    for username in [
        "cdd.staff",
        "officer.savings",
        "mueangsakaeo.chair",
        "aranyaprathet.secretary",
    ]:
        assert username in output


def test_every_persona_and_function_has_a_login(db, settings):
    _seed(settings)
    assert User.objects.filter(role=Role.PROVINCIAL_STAFF).exists()
    members = User.objects.filter(role=Role.DISTRICT_MEMBER)
    assert members.values("district").distinct().count() == 9
    for function in Function.values:
        holder = User.objects.filter(groups__name=function, role=Role.NETWORK_OFFICER)
        assert holder.exists(), function
    assert User.objects.get(username="mueangsakaeo.secretary").has_function(
        Function.SAVINGS_TREASURER
    )
    assert User.objects.get(username="mueangsakaeo.chair").check_password(DEMO_PASSWORD)


def test_running_it_twice_gives_the_same_data(db, settings, savings_history):
    _seed(settings)
    first = list(
        User.objects.order_by("username").values_list("username", "first_name", "district")
    )
    books = (Saver.objects.count(), JournalEntry.objects.count())
    assert books[0] >= 50
    _seed(settings)
    assert (
        list(User.objects.order_by("username").values_list("username", "first_name", "district"))
        == first
    )
    # the savings books are append-only: the history is written once
    assert (Saver.objects.count(), JournalEntry.objects.count()) == books


def test_it_refuses_a_server_database_that_holds_real_accounts(db, settings, monkeypatch):
    from otop_portal.lib import database
    from tests.factories import UserFactory

    UserFactory(email="somchai@sakaeo.go.th")
    settings.DEBUG = True
    monkeypatch.setattr(database, "uses_embedded_database", lambda: False)
    with pytest.raises(CommandError, match="1 accounts that are not demo accounts"):
        call_command("seed_demo")
    assert not User.objects.filter(username="cdd.staff").exists()
