"""One-time keys for money forms (research/savings.md §3.5): a double click, a
resubmitted form or a retried request posts once; the same key with other values is
refused."""

import hashlib
import json
from collections.abc import Callable
from uuid import UUID

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from members.models import User
from savings.models import IdempotencyKey


class KeyReused(ValidationError):
    pass


def payload_hash(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _result(found: IdempotencyKey, action: str, digest: str) -> models.Model:
    if found.action != action or found.payload_hash != digest:
        raise KeyReused(
            _(
                "This form was already sent with other values. Nothing new was recorded: "
                "open the form again to record another."
            )
        )
    label, pk = found.result.rsplit(":", 1)
    return apps.get_model(label)._default_manager.get(pk=pk)


def once(
    *, key: UUID | None, action: str, payload: dict, by: User, run: Callable[[], models.Model]
) -> tuple[models.Model, bool]:
    """Run `run` once for `key`: (its result, True) the first time; (the first result,
    False) on a repeat with the same payload. Without a key it simply runs."""
    if key is None:
        return run(), True
    digest = payload_hash(payload)
    found = IdempotencyKey.objects.filter(key=key).first()
    if found is not None:
        return _result(found, action, digest), False
    try:
        with transaction.atomic():
            result = run()
            IdempotencyKey.objects.create(
                key=key,
                action=action,
                payload_hash=digest,
                result=f"{result._meta.label}:{result.pk}",
                created_by=by,
            )
    except IntegrityError:
        # Another request with the same key committed first: its result stands and
        # everything this one wrote was rolled back.
        found = IdempotencyKey.objects.filter(key=key).first()
        if found is None:
            raise
        return _result(found, action, digest), False
    return result, True
