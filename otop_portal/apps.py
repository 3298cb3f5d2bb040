from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _
from pghistory.apps import PGHistoryConfig


class PortalConfig(AppConfig):
    default = True  # this module also holds the configs below
    name = "otop_portal"
    verbose_name = "OTOP portal"

    def ready(self):
        connection_created.connect(_check_new_database, dispatch_uid="otop_check_ctype")


_checked: set[str] = set()


def _check_new_database(sender, connection, **kwargs):
    """Check each database once per process, on its first connection."""
    if connection.alias in _checked:
        return
    from otop_portal.lib.database import check_character_type

    check_character_type(connection)
    _checked.add(connection.alias)


# Third-party apps under Thai names in the admin (their own configs have none).
class LoginAttemptsConfig(AxesAppConfig):
    verbose_name = _("Login attempts")


class HistoryConfig(PGHistoryConfig):
    verbose_name = _("Change history")
