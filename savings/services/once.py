"""One-time keys for money forms (research/savings.md §3.5): a double click, a
resubmitted form or a retried request posts once; the same key with other values is
refused.

A key remembers its result as "model label:primary key". A form that records several
things at once (a collection sheet: one receipt per payment) remembers a list: the key
holds "many:<count>" and each item has a key of its own derived from it."""

import hashlib
import json
import uuid
from collections.abc import Callable
from uuid import UUID

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from members.models import User
from savings.models import IdempotencyKey

MANY = "many:"


class KeyReused(ValidationError):
    pass


def payload_hash(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _item_key(key: UUID, index: int) -> UUID:
    return uuid.uuid5(key, str(index))


def _reference(result: models.Model) -> str:
    return f"{result._meta.label}:{result.pk}"


def _load(reference: str) -> models.Model:
    label, pk = reference.rsplit(":", 1)
    return apps.get_model(label)._default_manager.get(pk=pk)


def _results(found: IdempotencyKey) -> models.Model | list:
    if not found.result.startswith(MANY):
        return _load(found.result)
    keys = [_item_key(found.key, i) for i in range(int(found.result.removeprefix(MANY)))]
    references = dict(IdempotencyKey.objects.filter(key__in=keys).values_list("key", "result"))
    by_label: dict[str, list[str]] = {}
    for reference in references.values():
        label, pk = reference.rsplit(":", 1)
        by_label.setdefault(label, []).append(pk)
    loaded = {}
    for label, pks in by_label.items():
        for obj in apps.get_model(label)._default_manager.filter(pk__in=pks):
            loaded[f"{label}:{obj.pk}"] = obj
    return [loaded[references[key]] for key in keys]


def _result(found: IdempotencyKey, action: str, digest: str) -> models.Model | list:
    if found.action != action or found.payload_hash != digest:
        raise KeyReused(
            _(
                "This form was already sent with other values. Nothing new was recorded: "
                "open the form again to record another."
            )
        )
    return _results(found)


def _remember(key: UUID, action: str, digest: str, result, by: User) -> None:
    many = isinstance(result, list | tuple)
    IdempotencyKey.objects.create(
        key=key,
        action=action,
        payload_hash=digest,
        result=f"{MANY}{len(result)}" if many else _reference(result),
        created_by=by,
    )
    if many:
        IdempotencyKey.objects.bulk_create(
            IdempotencyKey(
                key=_item_key(key, index),
                action=action,
                payload_hash=digest,
                result=_reference(item),
                created_by=by,
            )
            for index, item in enumerate(result)
        )


def once(
    *, key: UUID | None, action: str, payload: dict, by: User, run: Callable[[], models.Model]
) -> tuple[models.Model | list, bool]:
    """Run `run` once for `key`: (its result, True) the first time; (the first result,
    False) on a repeat with the same payload. Without a key it simply runs. `run` may
    return one model instance or a list of them."""
    if key is None:
        return run(), True
    digest = payload_hash(payload)
    found = IdempotencyKey.objects.filter(key=key).first()
    if found is not None:
        return _result(found, action, digest), False
    try:
        with transaction.atomic():
            result = run()
            _remember(key, action, digest, result, by)
    except IntegrityError:
        # Another request with the same key committed first: its result stands and
        # everything this one wrote was rolled back.
        found = IdempotencyKey.objects.filter(key=key).first()
        if found is None:
            raise
        return _result(found, action, digest), False
    return result, True


def recorded(*, key: UUID, action: str, by: User) -> models.Model | list | None:
    """What `by` recorded with `key` for `action` (a page showing the outcome after
    its redirect), or None when there is no such record."""
    found = IdempotencyKey.objects.filter(key=key, action=action, created_by=by).first()
    return None if found is None else _results(found)
