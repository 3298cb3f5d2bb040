"""Reads of the registry that pages and exports share."""

from django.conf import settings
from django.db.models import Count, QuerySet

from members.models import District, Subdistrict, User


def districts_for(user) -> QuerySet[District]:
    """The districts of the portal's province this user may see, with subdistrict counts."""
    return (
        District.objects.for_user(user)
        .filter(province_id=settings.PORTAL_PROVINCE_CODE)
        .select_related("province")
        .annotate(subdistrict_count=Count("subdistricts"))
        .order_by("code")
    )


def subdistricts_of(district: District) -> QuerySet[Subdistrict]:
    return Subdistrict.objects.filter(district=district).order_by("code")


def accounts_for(user) -> QuerySet[User]:
    """Accounts as provincial staff list and export them."""
    return (
        User.objects.for_user(user)
        .select_related("district")
        .prefetch_related("groups")
        .order_by("username")
    )
