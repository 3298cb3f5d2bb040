"""Fixtures every test may use: the geography, the personas, and a clean media folder."""

import pytest
from django.core.management import call_command

from otop_portal.lib.database import DatabaseProblem, unreachable_sentence
from tests.factories import UserFactory, sa_kaeo_district

OWN_DISTRICT = "2701"  # เมืองสระแก้ว
OTHER_DISTRICT = "2706"  # อรัญประเทศ


def pytest_sessionstart(session):
    """Stop the run with one sentence, not a failure per test, when there is no database."""
    import psycopg2
    from django.db import connection

    try:
        # the server's maintenance database: the test database does not exist yet
        psycopg2.connect(**{**connection.get_connection_params(), "dbname": "postgres"}).close()
    except DatabaseProblem as problem:
        pytest.exit(f"Error: {problem}", returncode=1)
    except psycopg2.OperationalError as exc:
        pytest.exit(f"Error: {unreachable_sentence(exc)}", returncode=1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the whole country's geography once for the session (transactional tests
    that empty the tables load it again through the `geography` fixture)."""
    with django_db_blocker.unblock():
        call_command("load_geography", verbosity=0)


@pytest.fixture
def geography(db):
    call_command("load_geography", verbosity=0)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts without the fragments an earlier one cached (the filter bars)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _thai_first():
    """Each test starts in Thai, whatever language an earlier test's last request chose
    (the locale middleware leaves the request's language active on the thread)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def staff(db):
    return UserFactory(staff=True, username="staff")


@pytest.fixture
def officer(db):
    return UserFactory(officer=True, username="officer")


@pytest.fixture
def district_member(db):
    return UserFactory(username="member", district=sa_kaeo_district(OWN_DISTRICT))


@pytest.fixture
def other_district_member(db):
    return UserFactory(username="other", district=sa_kaeo_district(OTHER_DISTRICT))
