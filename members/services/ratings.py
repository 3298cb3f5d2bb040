"""Star rating writes: provincial staff verify the OPC ratings districts enter."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from members.models import StarRating, User


def _require_provincial_staff(user: User) -> None:
    # Checked here, not only in the admin: a rating counts for fair tickets once it is
    # verified, so no other page or command may verify on anyone else's say-so.
    if not user.is_provincial_staff:
        raise PermissionDenied


@transaction.atomic
def star_ratings_verify(*, ratings: QuerySet[StarRating], by: User) -> int:
    """Mark the unverified ratings among `ratings` as verified by `by`, now; return how
    many were verified.

    Only active provincial staff may verify: a verified rating counts for fair tickets,
    so it must rest on someone who checked the certificate. Already verified ratings
    keep who verified them and when. The rows are locked first, and PostgreSQL
    re-checks "still unverified" after waiting for a lock, so two staff verifying the
    same list at once cannot both claim a rating.
    """
    _require_provincial_staff(by)
    # Start again from the table: the caller's queryset may carry DISTINCT or joins
    # (an admin changelist's does), which FOR UPDATE refuses.
    unverified = StarRating.objects.filter(
        pk__in=ratings.values("pk"), verified_at__isnull=True
    ).select_for_update(of=("self",))
    now = timezone.now()
    count = 0
    for rating in unverified.order_by("pk"):
        rating.verified_at = now
        rating.verified_by = by
        rating.full_clean()
        rating.save(update_fields=["verified_at", "verified_by", "updated_at"])
        count += 1
    return count


@transaction.atomic
def star_rating_unverify(*, rating: StarRating, by: User) -> None:
    """Withdraw a rating's verification (a mistaken verification, or a certificate
    found wrong), so it stops counting for fair tickets until verified again.

    Only active provincial staff may do this, as only they may verify. Who verified
    it before is not lost: the rating's history keeps every change.
    """
    _require_provincial_staff(by)
    locked = StarRating.objects.select_for_update(of=("self",)).get(pk=rating.pk)
    locked.verified_at = None
    locked.verified_by = None
    locked.full_clean()
    locked.save(update_fields=["verified_at", "verified_by", "updated_at"])
    rating.verified_at = locked.verified_at
    rating.verified_by = None
