"""Pages of the logins: the second factor (overview, set up, verify, new recovery
codes, turn off) and the password reset with its throttle and lockout reset."""

import base64
import io
import logging
import math
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import urlencode

import segno
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from otop_portal.twofactor import services
from otop_portal.twofactor.forms import CodeForm, VerifyForm
from otop_portal.twofactor.resets import RESET_LIMIT, reset_request_allowed

log = logging.getLogger(__name__)

PENDING_KEY = "twofactor_pending_key"
NEW_CODES = "twofactor_new_codes"


# --- helpers -------------------------------------------------------------------------


def _may_use(user) -> bool:
    """Eligible users, and anybody who still has a device (losing eligibility locks
    nobody out: they can still turn it off)."""
    return user.second_factor_eligible or services.totp_device(user) is not None


def _next_url(request, fallback: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # a path on this site only: a bare word would reach redirect() as a view name
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(fallback)


def _throttle_message(device) -> str | None:
    """A Thai sentence when the device refuses codes for now (after wrong codes)."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    wait = (data or {}).get("locked_until")
    seconds = max(1, math.ceil((wait - timezone.now()).total_seconds())) if wait else 1
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second and try again.",
        "Too many wrong codes. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def _check_app_code(form, device, field: str) -> bool:
    """Checks the form's code against the device (django-otp counts wrong codes and
    makes the next try wait); puts a Thai message on the field when it fails."""
    refused = _throttle_message(device)
    if refused:
        form.add_error(field, refused)
        return False
    if verify_token(device.user, device.persistent_id, form.cleaned_data[field]) is None:
        form.add_error(field, _("That code is not right. Check the code in the app and try again."))
        log.info("wrong second-factor code for user %s", device.user.username)
        return False
    return True


def _qr_data_uri(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=5, border=3, dark="#000", light="#fff", xmldecl=False
    )
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _secret_groups(key_hex: str) -> list[str]:
    secret = b32encode(unhexlify(key_hex.encode())).decode()
    return [secret[i : i + 4] for i in range(0, len(secret), 4)]


# --- second factor ------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD"])
def overview(request):
    user = request.user
    if not _may_use(user):
        raise PermissionDenied
    device = services.totp_device(user)
    context = {
        "device": device,
        "codes_left": services.recovery_codes_left(user) if device else 0,
        "required": settings.OTP_REQUIRED and user.second_factor_eligible,
    }
    return render(request, "registration/two_factor/overview.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request):
    user = request.user
    if not user.second_factor_eligible:
        raise PermissionDenied
    if services.totp_device(user) is not None:
        return redirect("twofactor:overview")
    if PENDING_KEY not in request.session:  # one key until confirmed: the QR stays valid
        request.session[PENDING_KEY] = random_hex(20)
    key_hex = request.session[PENDING_KEY]
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = services.second_factor_confirm(
            user=user, key_hex=key_hex, code=form.cleaned_data["code"]
        )
        if done is None:
            form.add_error(
                "code",
                _("That code is not right. Check that the phone's clock is right and try again."),
            )
        else:
            device, codes = done
            del request.session[PENDING_KEY]
            otp_login(request, device)
            request.session[NEW_CODES] = codes
            messages.success(request, _("The second factor is on."))
            query = urlencode({"next": _next_url(request, "twofactor:overview")})
            return redirect(f"{reverse('twofactor:codes')}?{query}")
    config_url = TOTPDevice(user=user, key=key_hex).config_url
    context = {
        "form": form,
        "qr": _qr_data_uri(config_url),
        "secret_groups": _secret_groups(key_hex),
        "required": settings.OTP_REQUIRED,
        "next": request.GET.get("next", ""),
    }
    return render(request, "registration/two_factor/setup.html", context)


@never_cache
@require_GET  # not HEAD: a link preview's HEAD would take the codes out unseen
def codes(request):
    """The new recovery codes, shown once: they are taken out of the session here."""
    new_codes = request.session.pop(NEW_CODES, None)
    if not new_codes:
        return redirect("twofactor:overview")
    context = {"codes": new_codes, "next": _next_url(request, "twofactor:overview")}
    return render(request, "registration/two_factor/codes.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    user = request.user
    device = services.totp_device(user)
    if device is None or user.is_verified():
        return redirect(_next_url(request))
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        used = device if form.is_app_code else services.recovery_device(user)
        if used is not None and _check_app_code(form, used, "token"):
            otp_login(request, used)
            if used != device:
                _recovery_code_used(request, user)
            return redirect(_next_url(request))
        if used is None:
            form.add_error("token", _("That code is not right."))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "registration/two_factor/verify.html", context)


def _recovery_code_used(request, user) -> None:
    left = services.recovery_codes_left(user)
    log.info("recovery code used by user %s (%d left)", user.username, left)
    messages.warning(
        request,
        ngettext(
            "You used a recovery code: %(count)d is left. Make new ones if your phone is lost.",
            "You used a recovery code: %(count)d are left. Make new ones if your phone is lost.",
            left,
        )
        % {"count": left},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def regenerate(request):
    device = _own_device(request)
    if device is None:
        return redirect("twofactor:overview")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check_app_code(form, device, "code"):
        request.session[NEW_CODES] = services.recovery_codes_replace(user=request.user)
        messages.success(request, _("New recovery codes made: the old ones no longer work."))
        return redirect("twofactor:codes")
    return render(request, "registration/two_factor/regenerate.html", {"form": form})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def disable(request):
    device = _own_device(request)
    if device is None:
        return redirect("twofactor:overview")
    user = request.user
    required = settings.OTP_REQUIRED and user.second_factor_eligible
    form = CodeForm(request.POST or None)
    if required and request.method == "POST":
        messages.error(request, _("The second factor is required for your account."))
        return redirect("twofactor:overview")
    if request.method == "POST" and form.is_valid() and _check_app_code(form, device, "code"):
        services.second_factor_turn_off(user=user)
        messages.success(request, _("The second factor is off."))
        return redirect("twofactor:overview")
    context = {"form": form, "required": required}
    return render(request, "registration/two_factor/disable.html", context)


def _own_device(request):
    user = request.user
    if not _may_use(user):
        raise PermissionDenied
    return services.totp_device(user)


# --- password reset -----------------------------------------------------------------

_password_reset = auth_views.PasswordResetView.as_view()


@login_not_required
def password_reset(request):
    """Django's reset form, answering 429 after RESET_LIMIT requests within the hour
    from one address or for one e-mail address."""
    if request.method == "POST" and not reset_request_allowed(
        request=request, email=request.POST.get("email", "")
    ):
        log.warning("password reset throttled")
        context = {"limit": RESET_LIMIT}
        return render(request, "registration/two_factor/reset_throttled.html", context, status=429)
    return _password_reset(request)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's: and a new password set through the e-mailed link also lifts a lockout
    of that username after failed logins."""

    def form_valid(self, form):
        response = super().form_valid(form)
        username = form.user.get_username()
        if axes_reset(username=username):
            log.info("login lockout of %s lifted by a password reset", username)
        return response
