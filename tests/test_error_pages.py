"""The error pages with DEBUG off: 400, 403 (and a failed CSRF check), 404 and 500 in
Thai, and the Thai "try again" page (503) when the database goes away under a request,
whether a view or a middleware met the error."""

import logging

import psycopg2.errors
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from otop_portal import views

GONE = OperationalError("server closed the connection unexpectedly\n\tThis probably means…")


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


@pytest.fixture
def member_client(client, district_member):
    client.force_login(district_member)
    return client


def text(response) -> str:
    return response.content.decode()


def test_a_missing_page_is_a_thai_404(member_client):
    response = member_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in text(response)


def test_a_page_for_staff_only_is_a_thai_403(member_client):
    response = member_client.get(reverse("members:account_list"))
    assert response.status_code == 403
    assert "ไม่มีสิทธิ์" in text(response)


def test_a_forged_host_header_is_a_thai_400(client, db):
    response = client.get(reverse("login"), HTTP_HOST="portal.example.com")
    assert response.status_code == 400
    assert "คำขอไม่ถูกต้อง" in text(response)


def test_a_broken_multipart_body_is_a_thai_400(client, db):
    response = client.post(
        reverse("login"), data=b"--x\r\nbroken", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "คำขอไม่ถูกต้อง" in text(response)


def test_a_form_without_its_csrf_token_is_a_thai_page_saying_to_reload(district_member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(district_member)
    response = client.post(reverse("members:producer_create"), {"producer-name": "x"})
    assert response.status_code == 403
    assert "แบบฟอร์มนี้หมดอายุแล้ว" in text(response)
    assert "โหลดหน้าใหม่" in text(response)


def test_an_unexpected_error_is_the_thai_500_page(member_client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.registry, "sections_for", broken)
    member_client.raise_request_exception = False
    response = member_client.get(reverse("home"))
    assert response.status_code == 500
    assert "ระบบขัดข้องชั่วคราว" in text(response)


def assert_try_again(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "ลองใหม่" in text(response)


@pytest.fixture
def database_gone_in_the_view(monkeypatch):
    def gone(*args, **kwargs):
        raise GONE

    monkeypatch.setattr(views.registry, "sections_for", gone)


def test_a_view_the_database_failed_under_gives_the_thai_try_again_page(
    member_client, database_gone_in_the_view, caplog
):
    member_client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        response = member_client.get(reverse("home"))
    assert_try_again(response)
    assert "<html" in text(response)
    # one line in the log, without a traceback
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert [record.name for record in errors] == ["otop_portal.faults"]
    assert "GET / (OperationalError: server closed the connection" in errors[0].getMessage()
    assert errors[0].exc_info is None


def _operational_error(pgcode):
    """An OperationalError as Django raises it: psycopg2's error as its cause."""
    cause = psycopg2.errors.lookup(pgcode)("the server said so")
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize("pgcode", ["57P01", "57P03", "08006"])
def test_a_lost_connection_with_its_sqlstate_is_the_try_again_page(
    member_client, monkeypatch, pgcode
):
    def gone(*args, **kwargs):
        raise _operational_error(pgcode)

    monkeypatch.setattr(views.registry, "sections_for", gone)
    member_client.raise_request_exception = False
    assert_try_again(member_client.get(reverse("home")))


@pytest.mark.parametrize("pgcode", ["40P01", "55P03", "57014"])
def test_a_deadlock_or_timeout_is_a_logged_server_error_not_try_again(
    member_client, monkeypatch, caplog, pgcode
):
    """The database is there: a deadlock, a lock or statement timeout is a bug or a load
    problem, logged with its traceback, not hidden behind "the database is away"."""

    def stuck(*args, **kwargs):
        raise _operational_error(pgcode)

    monkeypatch.setattr(views.registry, "sections_for", stuck)
    member_client.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        response = member_client.get(reverse("home"))
    assert response.status_code == 500
    assert "ระบบขัดข้องชั่วคราว" in text(response)
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert logged and logged[0].exc_info is not None


def test_htmx_gets_the_try_again_notice_alone_for_the_top_of_the_page(
    member_client, database_gone_in_the_view
):
    member_client.raise_request_exception = False
    response = member_client.get(reverse("home"), headers={"HX-Request": "true"})
    assert_try_again(response)
    assert "<html" not in text(response)
    assert 'role="alert"' in text(response)
    assert response["HX-Retarget"] == "#main"
    assert response["HX-Reswap"] == "afterbegin"


def test_a_database_gone_before_the_view_gives_the_try_again_page_too(
    member_client, monkeypatch, caplog
):
    """The session is read by the login check, a middleware: the error never reaches a
    view, and handler500 turns it into the same page."""

    def gone(self):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(SessionStore, "load", gone)
    member_client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        response = member_client.get(reverse("home"))
    assert_try_again(response)
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert [record.name for record in errors] == ["otop_portal.faults"]


def test_the_try_again_page_asks_nothing_of_the_database(
    district_member, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = district_member
    with django_assert_num_queries(0):
        response = views.database_unavailable(request, GONE)
    assert_try_again(response)


def test_the_try_again_page_is_in_english_for_who_chose_english(
    member_client, database_gone_in_the_view
):
    member_client.cookies["django_language"] = "en"
    member_client.raise_request_exception = False
    response = member_client.get(reverse("home"))
    assert response.status_code == 503
    assert "Try again" in text(response)
