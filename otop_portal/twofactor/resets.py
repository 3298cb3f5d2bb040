"""The password reset form's throttle: at most RESET_LIMIT requests an hour from one
client address and for one e-mail address. Requests are counted in the database, so
every app server behind a load balancer sees the same count."""

import ipaddress
from datetime import timedelta

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from otop_portal.lib.client_ip import client_ip

RESET_LIMIT = 5
RESET_WINDOW = timedelta(hours=1)
# Rows older than this are of no use any more and are deleted as new ones come in.
KEEP = timedelta(hours=2)
_LOCK_KEY = 7_001  # serialises the count-and-record of concurrent requests


def email_hash(email: str) -> str:
    """A keyed hash: the table never holds the address itself."""
    normalised = (email or "").strip().lower()
    return salted_hmac("otop.password-reset", normalised, algorithm="sha256").hexdigest()


def _address(request) -> str | None:
    raw = client_ip(request)
    try:
        return str(ipaddress.ip_address(raw)) if raw else None
    except ValueError:
        return None


def reset_request_allowed(*, request, email: str) -> bool:
    """Record this request and say True, or say False (and record nothing) when the
    address or the e-mail address already made RESET_LIMIT requests within the hour."""
    # by name: otop_portal does not import the apps (tests/test_architecture.py)
    PasswordResetRequest = apps.get_model("members", "PasswordResetRequest")
    now = timezone.now()
    address, hashed = _address(request), email_hash(email)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        recent = PasswordResetRequest.objects.filter(at__gt=now - RESET_WINDOW)
        if address and recent.filter(address=address).count() >= RESET_LIMIT:
            return False
        if recent.filter(email_hash=hashed).count() >= RESET_LIMIT:
            return False
        PasswordResetRequest.objects.filter(at__lt=now - KEEP).delete()
        PasswordResetRequest.objects.create(at=now, address=address, email_hash=hashed)
    return True
