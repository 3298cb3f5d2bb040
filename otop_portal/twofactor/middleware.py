"""Two middlewares of the logins.

IdleSessionMiddleware logs out a session left idle longer than SESSION_IDLE_MINUTES,
and one logged in longer ago than SESSION_COOKIE_AGE however active it is (each write
of the last activity makes Django send the cookie again with a new expiry, so the
cookie's age alone would never end an active session).
SecondFactorMiddleware sends an eligible user who has a second factor, and has not
used it in this session, to the code page first (and, with OTP_REQUIRED on, one who
has none to the set-up page). Both need the session, the user (after django-otp's
OTPMiddleware) and the messages.
"""

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from otop_portal.twofactor.services import totp_device

LAST_ACTIVITY = "last_activity"
# When the user logged in (seconds since the epoch): the absolute limit counts from it.
LOGGED_IN_AT = "logged_in_at"
# The last activity is written to the session at most this often: a page view within
# the minute does not cost a session write.
WRITE_EVERY_SECONDS = 60

# Pages an unverified user may still open (by URL name).
OPEN_PAGES = {
    "login",
    "logout",
    "set_language",
    "health",
    "about",
    "admin:logout",
    "twofactor:verify",
    "twofactor:setup",
    "twofactor:codes",
}


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _go(request, url_name: str):
    """A redirect with ?next= back to this page; htmx gets HX-Redirect instead."""
    url = f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"
    if _is_htmx(request):
        current = request.headers.get("HX-Current-URL")
        if current:
            # the browser's page, an absolute URL: only its path and query, on this site
            url = reverse(url_name)
            if url_has_allowed_host_and_scheme(current, allowed_hosts={request.get_host()}):
                parts = urlsplit(current)
                page = parts.path or "/"
                if parts.query:
                    page = f"{page}?{parts.query}"
                url = f"{url}?{urlencode({'next': page})}"
        return HttpResponseClientRedirect(url)
    return redirect(url)


def record_login(request) -> None:
    """At a login: the start of the absolute limit, and the first activity."""
    now = int(time.time())
    request.session[LOGGED_IN_AT] = now
    request.session[LAST_ACTIVITY] = now


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request):
        now = int(time.time())
        logged_in_at = request.session.get(LOGGED_IN_AT)
        if not isinstance(logged_in_at, int):
            # a session from before the login time was recorded: its limit starts now
            request.session[LOGGED_IN_AT] = logged_in_at = now
        if now - logged_in_at >= settings.SESSION_COOKIE_AGE:
            hours = max(1, settings.SESSION_COOKIE_AGE // 3600)
            return self._logged_out(
                request,
                ngettext(
                    "You have been logged in for %(hours)d hour: log in again.",
                    "You have been logged in for %(hours)d hours: log in again.",
                    hours,
                )
                % {"hours": hours},
            )
        last = request.session.get(LAST_ACTIVITY)
        idle_seconds = settings.SESSION_IDLE_MINUTES * 60
        if isinstance(last, int) and now - last > idle_seconds:
            return self._logged_out(
                request, _("You were logged out because the session was idle for too long.")
            )
        if not isinstance(last, int) or now - last >= WRITE_EVERY_SECONDS:
            request.session[LAST_ACTIVITY] = now
        return None

    @staticmethod
    def _logged_out(request, message: str):
        logout(request)
        messages.info(request, message)
        if _is_htmx(request):
            return HttpResponseClientRedirect(reverse("login"))
        return None  # the page goes on as for anybody not logged in


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not user.second_factor_eligible:
            return None
        if user.is_verified() or self._is_open(request):
            return None
        if totp_device(user) is not None:
            return _go(request, "twofactor:verify")
        if settings.OTP_REQUIRED:
            return _go(request, "twofactor:setup")
        return None

    @staticmethod
    def _is_open(request) -> bool:
        match = request.resolver_match
        if match is None:
            return True
        if match.view_name in OPEN_PAGES:
            return True
        path = request.path_info.lstrip("/")
        return any(
            prefix and path.startswith(prefix.lstrip("/"))
            for prefix in (settings.STATIC_URL, settings.MEDIA_URL)
        )
