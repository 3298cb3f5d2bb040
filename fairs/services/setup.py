"""Setting a fair up: policy versions and publishing them."""

from math import ceil, floor

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fairs.models import Fair, FairCategory, Policy, PolicyQuota, QuotaKind
from fairs.services.common import lock_fair, require_manager
from members.models import District


def province_districts():
    return District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE).order_by("code")


def default_quotas(booths: int, districts: int) -> tuple[int, int]:
    """The research's proposed district quota: min ⌊0.5·N/D⌋, max ⌈1.5·N/D⌉."""
    if not districts:
        return 0, booths
    return floor(0.5 * booths / districts), ceil(1.5 * booths / districts)


@transaction.atomic
def policy_new_version(*, fair: Fair, by) -> Policy:
    """A new draft version: a copy of the latest version, or the proposed defaults
    (district quotas from the number of drawable booths, no category limits)."""
    require_manager(by)
    fair = lock_fair(fair)
    if hasattr(fair, "frozen_list"):
        raise ValidationError(_("The list is frozen: the policy can no longer change."))
    latest = fair.policies.order_by("-version").first()
    if latest is not None and not latest.is_published:
        return latest  # one draft at a time
    policy = Policy(fair=fair, version=(latest.version + 1) if latest else 1)
    if latest is not None:
        for name in ("star_bonus", "miss_bonus_cap", "offer_hours", "payment_days", "notes"):
            setattr(policy, name, getattr(latest, name))
    policy.full_clean()
    policy.save()
    if latest is not None:
        PolicyQuota.objects.bulk_create(
            PolicyQuota(policy=policy, kind=q.kind, key=q.key, minimum=q.minimum, maximum=q.maximum)
            for q in latest.quotas.all()
        )
    else:
        districts = list(province_districts())
        low, high = default_quotas(fair.booths.drawable().count(), len(districts))
        PolicyQuota.objects.bulk_create(
            [
                PolicyQuota(
                    policy=policy, kind=QuotaKind.DISTRICT, key=d.code, minimum=low, maximum=high
                )
                for d in districts
            ]
            + [
                PolicyQuota(policy=policy, kind=QuotaKind.CATEGORY, key=c, minimum=0, maximum=None)
                for c in FairCategory.values
            ]
        )
    return policy


def policy_in_force(fair: Fair) -> Policy | None:
    """The latest published version."""
    return fair.policies.filter(published_at__isnull=False).order_by("-version").first()


@transaction.atomic
def policy_publish(*, policy: Policy, by) -> Policy:
    require_manager(by)
    fair = lock_fair(policy.fair)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    if policy.is_published:
        raise ValidationError(_("This version is already published."))
    if hasattr(fair, "frozen_list"):
        raise ValidationError(_("The list is frozen: the policy can no longer change."))
    if not fair.booths.drawable().exists():
        raise ValidationError(_("Add the booths to draw before publishing the policy."))
    policy.published_at = timezone.now()
    policy.published_by = by
    policy.save(update_fields=["published_at", "published_by"])
    return policy


def check_draft(policy: Policy) -> None:
    if policy.is_published:
        raise ValidationError(_("A published version cannot change; make a new version."))
