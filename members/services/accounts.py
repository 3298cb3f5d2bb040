"""Account writes."""

from django.db import transaction

from members.models import User


@transaction.atomic
def users_set_active(*, users, active: bool, by: User) -> int:
    """Deactivate (or reactivate) accounts. A staff member cannot deactivate themself,
    so the office is never left without a working admin login by accident."""
    targets = users.exclude(is_active=active)
    if not active:
        targets = targets.exclude(pk=by.pk)
    count = 0
    for user in targets.select_for_update(of=("self",)):
        user.is_active = active
        user.save(update_fields=["is_active"])
        count += 1
    return count
