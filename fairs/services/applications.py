"""Applications: submit (on a producer's behalf), change, withdraw, review."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fairs.models import (
    LIVE,
    Application,
    ApplicationStatus,
    BoothType,
    EndReason,
    Fair,
    Zone,
    manages_fairs,
)
from fairs.services.common import lock_fair, require_manager
from fairs.services.setup import policy_in_force
from members.models import Producer
from otop_portal.lib.scoping import default_can_write

MAX_ZONES = 3


def may_apply_for(user, producer: Producer) -> bool:
    """District members for their district's producers; staff and the fair committee
    for anyone."""
    return manages_fairs(user) or default_can_write(user, producer)


def may_change(user, application: Application) -> bool:
    return manages_fairs(user) or (
        user.is_district_member and user.district_id == application.district_id
    )


def _check_choices(
    fair: Fair, booth_type: BoothType, zones: list[Zone], products, producer
) -> None:
    errors = {}
    if booth_type.fair_id != fair.pk:
        errors["booth_type"] = _("Choose a booth type of this fair.")
    zones = [z for z in zones if z is not None]
    if len(zones) > MAX_ZONES:
        errors["zone_1"] = _("Choose at most three zones.")
    if any(z.fair_id != fair.pk for z in zones):
        errors["zone_1"] = _("Choose zones of this fair.")
    if len({z.pk for z in zones}) != len(zones):
        errors["zone_2"] = _("Choose each zone only once.")
    if any(p.producer_id != producer.pk for p in products):
        errors["products"] = _("Choose products of this producer.")
    if errors:
        raise ValidationError(errors)


def _set_zones(application: Application, zones: list[Zone]) -> None:
    zones = [z for z in zones if z is not None] + [None, None, None]
    application.zone_1, application.zone_2, application.zone_3 = zones[:3]


@transaction.atomic
def application_submit(
    *,
    fair: Fair,
    producer: Producer,
    by,
    category: str,
    booth_type: BoothType,
    zones: list[Zone],
    products=(),
    products_note: str = "",
    needs: str = "",
    today=None,
) -> Application:
    if not may_apply_for(by, producer):
        raise PermissionDenied
    fair = lock_fair(fair)
    today = today or timezone.localdate()
    if policy_in_force(fair) is None:
        raise ValidationError(_("Applications open once the allocation policy is published."))
    if not fair.window_is_open(today) and not manages_fairs(by):
        raise ValidationError(_("Applications for this fair are not open today."))
    if hasattr(fair, "frozen_list"):
        raise ValidationError(_("The list is frozen: no more applications."))
    if producer.merged_into_id is not None:
        raise ValidationError(
            _("This producer was merged into another record; apply for that one.")
        )
    products = list(products)
    _check_choices(fair, booth_type, zones, products, producer)
    if not products and not products_note.strip():
        raise ValidationError({"products": _("List the products to sell.")})
    if fair.applications.live().filter(producer=producer).exists():
        raise ValidationError(_("This producer has already applied for this fair."))
    number = (fair.applications.aggregate(n=Max("number"))["n"] or 0) + 1
    application = Application(
        fair=fair,
        number=number,
        producer=producer,
        district_id=producer.district_id,
        category=category,
        booth_type=booth_type,
        products_note=products_note.strip(),
        needs=needs.strip(),
        submitted_by=by,
        on_behalf=True,
    )
    _set_zones(application, zones)
    application.full_clean()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(_("This producer has already applied for this fair.")) from None
    application.products.set(products)
    return application


@transaction.atomic
def application_change(
    *,
    application: Application,
    by,
    category: str,
    booth_type: BoothType,
    zones: list[Zone],
    products=(),
    products_note: str = "",
    needs: str = "",
) -> Application:
    """Change an application before the list is frozen. An application that needed
    information goes back to the committee."""
    if not may_change(by, application):
        raise PermissionDenied
    lock_fair(application.fair)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if hasattr(application.fair, "frozen_list"):
        raise ValidationError(_("The list is frozen: applications can no longer change."))
    if application.status not in (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.NEEDS_INFO,
        ApplicationStatus.ELIGIBLE,
    ):
        raise ValidationError(_("Only an application still in review can change."))
    products = list(products)
    _check_choices(application.fair, booth_type, zones, products, application.producer)
    if not products and not products_note.strip():
        raise ValidationError({"products": _("List the products to sell.")})
    application.category = category
    application.booth_type = booth_type
    application.products_note = products_note.strip()
    application.needs = needs.strip()
    _set_zones(application, zones)
    if application.status in (ApplicationStatus.NEEDS_INFO, ApplicationStatus.ELIGIBLE):
        # A changed application is reviewed again.
        application.status = ApplicationStatus.SUBMITTED
        application.review_reason = ""
    application.full_clean()
    application.save()
    application.products.set(products)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, by, reason: str = "") -> Application:
    """Withdraw. After the freeze the application keeps its line in the published list
    (nobody else's key changes) and is skipped; a booth it holds is freed and offered
    to the waitlist."""
    from fairs.services.holdings import end_holding, waitlist_refill

    if not may_change(by, application):
        raise PermissionDenied
    fair = lock_fair(application.fair)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status == ApplicationStatus.WITHDRAWN:
        raise ValidationError(_("This application is already withdrawn."))
    if timezone.localdate() > fair.ends_on:
        raise ValidationError(_("The fair is over."))
    now = timezone.now()
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = now
    application.withdraw_reason = reason.strip()[:300]
    application.full_clean()
    application.save()
    freed = False
    for holding in application.holdings.active_at(now):
        end_holding(holding, EndReason.WITHDRAWN, now=now)
        freed = True
    if freed:
        waitlist_refill(fair=fair, by=by, now=now)
    return application


@transaction.atomic
def application_review(*, application: Application, by, status: str, reason: str) -> Application:
    """The fair committee's decision: eligible, needs information or rejected; a reason
    is required for the last two (and kept for the first)."""
    require_manager(by)
    lock_fair(application.fair)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if hasattr(application.fair, "frozen_list"):
        raise ValidationError(_("The list is frozen: decisions can no longer change."))
    if application.status not in LIVE:
        raise ValidationError(_("A withdrawn application cannot be reviewed."))
    allowed = (ApplicationStatus.ELIGIBLE, ApplicationStatus.NEEDS_INFO, ApplicationStatus.REJECTED)
    if status not in allowed:
        raise ValidationError({"status": _("Choose eligible, needs information or rejected.")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the decision.")})
    application.status = status
    application.review_reason = reason[:500]
    application.reviewed_by = by
    application.reviewed_at = timezone.now()
    application.full_clean()
    application.save()
    return application
