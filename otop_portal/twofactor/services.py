"""Writing second-factor devices: confirm a new authenticator, replace the recovery
codes, turn the second factor off, and remove a user's devices (a lost phone)."""

import logging
import time
from binascii import unhexlify

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

log = logging.getLogger(__name__)

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"


def totp_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _matching_step(key_hex: str, code: str) -> TOTP | None:
    """The TOTP state that accepts `code` for a key not yet saved (one step either side)."""
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(unhexlify(key_hex.encode()))
    totp.time = time.time()
    return totp if totp.verify(int(code), tolerance=1) else None


def _new_recovery_codes(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_confirm(*, user, key_hex: str, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Save the authenticator whose key the user scanned, once they typed a code it
    made, with a fresh set of recovery codes; None (and nothing saved) if the code is
    wrong. A device counts only once confirmed: there is no unconfirmed one."""
    totp = _matching_step(key_hex, code)
    if totp is None:
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        device = TOTPDevice(
            user=user, name=DEVICE_NAME, key=key_hex, confirmed=True, last_t=totp.t()
        )
        device.drift = totp.drift
        device.full_clean()
        device.save()
        codes = _new_recovery_codes(StaticDevice.objects.create(user=user, name="recovery"))
    log.info("second factor turned on for user %s", user.username)
    return device, codes


def recovery_codes_replace(*, user) -> list[str]:
    """New recovery codes; the old ones stop working."""
    with transaction.atomic():
        device = recovery_device(user) or StaticDevice.objects.create(user=user, name="recovery")
        codes = _new_recovery_codes(device)
    log.info("recovery codes replaced for user %s", user.username)
    return codes


def second_factor_turn_off(*, user) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    log.info("second factor turned off by user %s", user.username)


def devices_remove(*, user, by) -> int:
    """Staff remove a user's devices (a lost phone): the user logs in with the password
    alone and sets up a new authenticator. Logged, as it weakens that account."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
    log.warning(
        "second factor removed for user %s by %s (%d rows)", user.username, by.username, removed
    )
    return removed
