"""Helpers the fair services share."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from fairs.models import OVERLAP_SQLSTATE, Fair, manages_fairs


def require_manager(user) -> None:
    if not manages_fairs(user):
        raise PermissionDenied(_("Only provincial staff and the fair committee may do this."))


def lock_fair(fair: Fair) -> Fair:
    """Lock the fair's row: the services that number applications, freeze the list,
    run the draw or move booths take turns on one fair."""
    return Fair.objects.select_for_update().get(pk=fair.pk)


def sqlstate(error: IntegrityError) -> str | None:
    return getattr(error.__cause__, "pgcode", None)


def booth_taken(error: IntegrityError) -> ValidationError:
    if sqlstate(error) == OVERLAP_SQLSTATE:
        if "application_holds_one_booth" in str(error):
            return ValidationError(_("This application already holds a booth."))
        return ValidationError(_("This booth is already held by another application."))
    raise error
