"""District scoping: the one place that decides who may see and change what.

The rule (DOMAIN.md §2): provincial staff and network officers see every district;
a district member sees only their own. An object belongs to a district through the
lookup path its QuerySet declares (`district_path`); province-wide objects declare
`None` and every login may read them. Outside the user's reach an object answers
**404** (a 403 would tell that it exists); visible but not writable answers **403**.

Views fetch through `get_for_user()`; lists start from `Model.objects.for_user(user)`.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404


class ScopedQuerySet(models.QuerySet):
    """A QuerySet that knows how its rows belong to a district.

    `district_path` is the lookup from the model to a District's primary key
    ("district", "producer__district", "code" for District itself), or None for
    province-wide models.
    """

    district_path: str | None = None

    def for_user(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if self.district_path is None or user.sees_all_districts:
            return self
        return self.filter(**{self.district_path: user.district_id})


def owner_district_id(obj) -> str | None:
    """The code of the district `obj` belongs to, following its QuerySet's path."""
    path = obj.__class__._default_manager.get_queryset().district_path
    if path is None:
        return None
    *hops, last = path.split("__")
    target = obj
    for hop in hops:
        target = getattr(target, hop)
        if target is None:
            return None
    return getattr(target, target._meta.get_field(last).attname)


def can_write(user, obj) -> bool:
    """Whether `user` may change `obj` (which they can already see).

    A model may decide for itself with `is_writable_by(user)`; by default
    provincial staff may change anything, a district member what belongs to their
    district, and network officers only read.
    """
    decide = getattr(obj, "is_writable_by", None)
    if decide is not None:
        return bool(decide(user))
    return default_can_write(user, obj)


def default_can_write(user, obj) -> bool:
    """The rule `can_write` applies when a model does not decide for itself."""
    if user.is_provincial_staff:
        return True
    district_id = owner_district_id(obj)
    return user.is_district_member and district_id is not None and district_id == user.district_id


def get_for_user(request, model_or_queryset, *, for_write: bool = False, **lookup):
    """Fetch one object the way every view must: 404 outside the user's reach,
    403 when `for_write` and the user may only read it."""
    if isinstance(model_or_queryset, models.QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    obj = get_object_or_404(queryset.for_user(request.user), **lookup)
    if for_write and not can_write(request.user, obj):
        raise PermissionDenied
    return obj


def role_required(test: Callable[[object], bool]):
    """A view decorator: 403 for logged-in users failing `test(user)`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(lambda user: user.is_provincial_staff)
