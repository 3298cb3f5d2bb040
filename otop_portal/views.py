"""Pages of the portal itself: the home page that joins the apps' sections, the
About page, the health check and the error pages."""

import contextlib
import functools
import logging
import sys

import psycopg2.errorcodes
import psycopg2.errors
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from otop_portal.lib.sections import HOME, registry


@require_safe
def home(request):
    sections = registry.sections_for(HOME, request)
    return render(request, "home.html", {"sections": sections})


@login_not_required
@require_safe
def about(request):
    import geothai

    return render(request, "about.html", {"geothai_version": geothai.DATA_VERSION})


@login_not_required
@never_cache
@require_safe
def health(request):
    """For the service monitor: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError:
        database = "unreachable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database}, status=status
    )


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this when a username is locked after repeated failed logins."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


# --- Error pages -------------------------------------------------------------------

# What Django raises when the database went away under a request (stopped, restarting,
# unplugged, every connection refused) is psycopg2's error wrapped in an OperationalError
# or InterfaceError. PostgreSQL's error classes for a lost connection: 08 (connection
# exception) and the server shutting down (57P01 admin shutdown, 57P02 crash shutdown,
# 57P03 cannot connect now). A deadlock, a lock or statement timeout is an
# OperationalError too, but the database is there: that is a bug or a load problem,
# logged with its traceback.
_CONNECTION_LOST_CODES = ("57P01", "57P02", "57P03")


@functools.cache
def _sqlstate_of_class() -> dict[type, str]:
    """psycopg2's error class for each SQLSTATE, the other way round."""
    found = {}
    for name in dir(psycopg2.errorcodes):
        code = getattr(psycopg2.errorcodes, name)
        if isinstance(code, str) and len(code) == 5 and name.isupper():
            with contextlib.suppress(KeyError):
                found.setdefault(psycopg2.errors.lookup(code), code)
    return found


def is_database_gone(exc: BaseException | None) -> bool:
    """Whether `exc` says the connection to the database was lost or never made."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    code = getattr(cause, "pgcode", None) or _sqlstate_of_class().get(type(cause))
    # No SQLSTATE: the client library's own "could not connect" / "server closed the
    # connection unexpectedly".
    return code is None or code.startswith("08") or code in _CONNECTION_LOST_CODES


RETRY_AFTER_SECONDS = 30
fault_log = logging.getLogger("otop_portal.faults")


def database_unavailable(request, exc: Exception) -> HttpResponse:
    """The Thai "try again" page (503, Retry-After) for a request the database failed
    under. PostgreSQL has rolled back the transaction the error cut off, so nothing is
    half-written; Django drops the broken connection when the request ends
    (`close_if_unusable_or_obsolete`), and the next request connects afresh.

    Rendered without a request context: a context processor would ask the database
    again. htmx requests get the notice alone, to put at the top of the page."""
    detail = (str(exc).strip().splitlines() or [""])[0]
    fault_log.error(
        "Database unavailable: %s %s (%s: %s)",
        request.method,
        request.path,
        type(exc).__name__,
        detail,
    )
    htmx = request.headers.get("HX-Request") == "true"
    body = loader.render_to_string("503.html#notice" if htmx else "503.html")
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    if htmx:
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "afterbegin"
    # Logged in one line above: Django must not log it again with the traceback.
    response._has_been_logged = True
    return response


def server_error(request):
    """handler500. A database that went away under a middleware (the session, the login
    check) gives the 503 page too; any other error Django's static 500.html."""
    exc = sys.exc_info()[1]
    if is_database_gone(exc):
        return database_unavailable(request, exc)
    return defaults.server_error(request)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent from a page too old (or from elsewhere)."""
    return render(request, "403_csrf.html", status=403)
