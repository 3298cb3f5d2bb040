"""How a value in a history row reads to a person: the tracked object rebuilt from the
row (for its name and page), and each field's value with choices by their label,
yes/no, B.E. dates, names of related objects and national IDs masked."""

import json
import re
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.postgres.fields import RangeField
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from otop_portal.lib.natid import mask_national_id, validate_national_id
from otop_portal.lib.thaidate import format_numeric_date, format_numeric_datetime

MAX_VALUE_LENGTH = 300


def relations(model) -> list:
    """The model's foreign keys and one-to-one fields."""
    return [
        f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)
    ]


def no_key(model):
    """A primary key value no row has (in_bulk() of nothing would skip the query)."""
    pk = model._meta.pk
    target = pk.target_field if pk.is_relation else pk
    return 0 if isinstance(target, models.IntegerField) else ""


def rebuilt(model, data: dict, related: dict):
    """The tracked object as the event row saw it (unsaved; fields the history does not
    keep are deferred), its foreign keys filled from `related`."""
    fields = [f for f in model._meta.concrete_fields if f.attname in data]
    instance = model.from_db(
        None, [f.attname for f in fields], [python_value(f, data[f.attname]) for f in fields]
    )
    for relation in relations(model):
        target = related.get(relation.related_model, {}).get(data.get(relation.attname))
        if target is not None:
            relation.set_cached_value(instance, target)
    return instance


class _QueryRefused(Exception):
    pass


def _refuse_queries(execute, sql, params, many, context):
    raise _QueryRefused


def safe_str(make: Callable[[], Any], fallback: Any) -> Any:
    """str() of a half-known object without touching the database: a name that would
    need a query (a deferred field, an object since deleted) falls back instead, so
    the page's query count stays the same whatever the rows."""
    try:
        with ExitStack() as guards:
            for alias in connections:  # the replica too, when reads go there
                guards.enter_context(connections[alias].execute_wrapper(_refuse_queries))
            return str(make())
    # A model's __str__ may fail on a row of a deleted or half-kept object in any way.
    except Exception:
        return fallback


def link(instance) -> str | None:
    """The object's own page, else its admin page."""
    if hasattr(instance, "get_absolute_url"):
        url = safe_str(instance.get_absolute_url, None)
        if url:
            return url
    meta = instance._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])
    except NoReverseMatch:
        return None


_RANGE = re.compile(r'^([\[(])"?([^",]*)"?,"?([^",]*)"?([\])])$')


def python_value(model_field, raw):
    if raw is None:
        return None
    try:
        if isinstance(model_field, RangeField) and isinstance(raw, str):
            return _range(model_field, raw)
        return model_field.to_python(raw)
    except (ValidationError, ValueError, TypeError, AttributeError):
        return raw


def _range(model_field, raw: str):
    match = _RANGE.match(raw)
    if not match:
        return raw
    opening, lower, upper, closing = match.groups()
    base = model_field.base_field
    return model_field.range_type(
        base.to_python(lower) if lower else None,
        base.to_python(upper) if upper else None,
        bounds=opening + closing,
    )


def _is_national_id(model_field) -> bool:
    return "national_id" in model_field.name or validate_national_id in model_field.validators


def _masked(raw) -> str:
    try:
        return mask_national_id(str(raw))
    except ValidationError:
        text = str(raw)
        return "X" * max(len(text) - 3, 0) + text[-3:]


def display(model_field, raw, related: dict | None = None) -> str:
    """A field's value from an event row as a person reads it: choices by their
    label, yes/no, B.E. dates, names of related objects, national IDs masked."""
    if raw is None or raw == "":
        return ""
    if _is_national_id(model_field):
        return _masked(raw)
    if model_field.is_relation:
        target = (related or {}).get(model_field.related_model, {}).get(raw)
        return safe_str(lambda: target, f"#{raw}") if target is not None else f"#{raw}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(raw, raw))
    return _plain(model_field, python_value(model_field, raw))


def _plain(model_field, value) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime):
        return format_numeric_datetime(value)
    if isinstance(value, date):
        return format_numeric_date(value)
    if isinstance(value, Decimal) and isinstance(model_field, models.DecimalField):
        return f"{value:,.{model_field.decimal_places}f}"
    if isinstance(model_field, RangeField) and not isinstance(value, str):
        lower, upper = value.lower, value.upper
        start = _plain(model_field, lower) if lower is not None else "…"
        end = _plain(model_field, upper) if upper is not None else "…"
        return f"{start} – {end}"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    return text if len(text) <= MAX_VALUE_LENGTH else text[: MAX_VALUE_LENGTH - 1] + "…"
