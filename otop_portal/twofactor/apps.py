"""The logins package's app, and django-otp's device apps under Thai names in the admin."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticDefaultConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDefaultConfig


class TOTPConfig(TOTPDefaultConfig):
    default = False
    verbose_name = _("Second factor: authenticator apps")


class StaticConfig(StaticDefaultConfig):
    default = False
    verbose_name = _("Second factor: recovery codes")


class TwoFactorConfig(AppConfig):
    """The logins package: no models; it records the time of each login for the idle
    session check (so the first page after a login writes nothing) and for the
    absolute limit of SESSION_COOKIE_AGE after the login."""

    default = True
    name = "otop_portal.twofactor"
    label = "twofactor"
    verbose_name = _("Logins")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_logged_in, dispatch_uid="twofactor_record_activity")


def _logged_in(sender, request, user, **kwargs):
    from otop_portal.twofactor.middleware import record_login

    if request is not None and hasattr(request, "session"):
        record_login(request)
