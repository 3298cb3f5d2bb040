"""Reads of the audit pages and their exports: the history triggers' event rows of every
tracked model, newest first, and the log of full national ID views.

The event tables can be large, so a page is found in two steps that each cost one
query whatever the number of rows: a light keyset query over all event tables at once
(only time, kind and id, filtered in every table), then the page's rows themselves
with the row before each (for old values), the request's user and URL, and whether
the object still exists. Objects that foreign keys point to (for names) are fetched
once per related model, so the query count does not grow with the rows shown.
"""

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections, models, router
from django.db.models import CharField, Q, Value
from django.db.models.functions import Collate
from django.utils import timezone
from django.utils.translation import gettext as _
from pghistory.models import Context, Event

from otop_portal.audit import values
from otop_portal.lib.history import LABELS

PAGE_SIZE = 50
EXPORT_CHUNK = 500
ACTIONS = tuple(LABELS)  # insert, update, delete
# Bookkeeping and secrets: never shown as a change.
HIDDEN_FIELDS = {"created_at", "updated_at", "password", "last_login"}


# --- What is tracked --------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One event table: the model it tracks and how its rows belong to a district."""

    key: str  # the tracked model's label_lower ("members.producer"): the kind in URLs
    event_model: type
    tracked: type
    district_lookup: str | None  # lookup from the event row to a district code, or None

    @property
    def name(self):
        return self.tracked._meta.verbose_name


@cache
def sources() -> dict[str, Source]:
    """Every event table, keyed by the tracked model's label_lower."""
    found = {}
    for model in apps.get_models():
        tracked = getattr(model, "pgh_tracked_model", None)
        if not issubclass(model, Event) or tracked is None:
            continue
        key = tracked._meta.label_lower
        found[key] = Source(key, model, tracked, _district_lookup(model, tracked))
    return dict(sorted(found.items()))


def _district_lookup(event_model, tracked) -> str | None:
    """The tracked model's `district_path`, read on the event row (which copies the
    tracked fields) or, failing that, through the live object."""
    path = getattr(tracked._default_manager.get_queryset(), "district_path", None)
    if not path:
        return None
    for candidate in (path, f"pgh_obj__{path}"):
        if _resolves(event_model, candidate):
            return candidate
    return None


def _resolves(model, path: str) -> bool:
    *hops, last = path.split("__")
    try:
        for hop in hops:
            relation = model._meta.get_field(hop)
            if not relation.is_relation or relation.related_model is None:
                return False
            model = relation.related_model
        model._meta.get_field(last)
    except FieldDoesNotExist:
        return False
    return True


# --- Filters and keyset pagination ------------------------------------------------------


@dataclass(frozen=True)
class EventFilters:
    user_id: int | None = None
    system: bool = False  # only changes made without a login (commands, migrations)
    kind: str | None = None
    object_id: str | None = None
    district: str | None = None
    since: date | None = None
    until: date | None = None
    action: str | None = None


# (when, kind, event id): the order of the list, newest first, and its cursor.
Key = tuple[datetime, str, int]


def encode_cursor(key: Key) -> str:
    at, kind, pgh_id = key
    return f"{at.isoformat()}~{kind}~{pgh_id}"


def decode_cursor(text: str | None) -> Key | None:
    """The key a cursor names, or None for a cursor that is not one (typed by hand)."""
    if not text:
        return None
    try:
        at_text, kind, id_text = text.split("~")
        at, pgh_id = datetime.fromisoformat(at_text), int(id_text)
        if kind not in sources() or timezone.is_naive(at) or not 0 < pgh_id < 2**31:
            return None
        timezone.localtime(at)  # a time the database can take
    except (ValueError, OverflowError):
        return None
    return at, kind, pgh_id


def day_start(day: date) -> datetime:
    """Midnight at the start of `day`, Bangkok time."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _branch(source: Source, filters: EventFilters) -> models.QuerySet | None:
    """The filtered event rows of one table, or None when the filters exclude it."""
    if filters.kind and filters.kind != source.key:
        return None
    rows = source.event_model.objects.all()
    if filters.district:
        if source.district_lookup is None:  # province-wide objects belong to no district
            return None
        rows = rows.filter(**{source.district_lookup: filters.district})
    if filters.object_id:
        try:
            rows = rows.filter(pgh_obj_id=source.tracked._meta.pk.to_python(filters.object_id))
        except ValidationError:  # "abc" for a number: no such object here
            return None
    if filters.user_id:
        rows = rows.filter(pgh_context__metadata__user=filters.user_id)
    elif filters.system:
        rows = rows.filter(
            Q(pgh_context__isnull=True)
            | Q(pgh_context__metadata__user=None)
            | Q(pgh_context__metadata__user__isnull=True)
        )
    if filters.since:
        rows = rows.filter(pgh_created_at__gte=day_start(filters.since))
    if filters.until:
        rows = rows.filter(pgh_created_at__lt=day_start(filters.until + timedelta(days=1)))
    if filters.action:
        rows = rows.filter(pgh_label=filters.action)
    return rows


def _beyond(source: Source, cursor: Key, newer: bool) -> Q:
    """Rows of `source` after `cursor` in the list's order (newest first), or before
    it when `newer`. The kind is constant within a table, so the tuple comparison
    (when, kind, id) becomes a condition on time and id only."""
    at, kind, pgh_id = cursor
    if newer:
        if source.key > kind:
            return Q(pgh_created_at__gte=at)
        if source.key == kind:
            return Q(pgh_created_at__gt=at) | Q(pgh_created_at=at, pgh_id__gt=pgh_id)
        return Q(pgh_created_at__gt=at)
    if source.key < kind:
        return Q(pgh_created_at__lte=at)
    if source.key == kind:
        return Q(pgh_created_at__lt=at) | Q(pgh_created_at=at, pgh_id__lt=pgh_id)
    return Q(pgh_created_at__lt=at)


def _union(filters: EventFilters, cursor: Key | None = None, newer: bool = False):
    branches = []
    for source in sources().values():
        rows = _branch(source, filters)
        if rows is None:
            continue
        if cursor is not None:
            rows = rows.filter(_beyond(source, cursor, newer))
        branches.append(
            # "C": the order of kinds must be the code-point order _beyond() compares
            # in, whatever the database's own collation
            rows.annotate(audit_kind=Collate(Value(source.key, output_field=CharField()), "C"))
            .order_by()
            .values_list("pgh_created_at", "audit_kind", "pgh_id")
        )
    if not branches:
        return None
    first, *rest = branches
    return first.union(*rest, all=True) if rest else first


def _keys(filters: EventFilters, *, cursor: Key | None, newer: bool, limit: int) -> list[Key]:
    union = _union(filters, cursor, newer)
    if union is None:
        return []
    order = ("pgh_created_at", "audit_kind", "pgh_id")
    if not newer:
        order = tuple(f"-{name}" for name in order)
    return list(union.order_by(*order)[:limit])


def count_events(filters: EventFilters) -> int:
    union = _union(filters)
    return 0 if union is None else union.count()


# --- One page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass
class AuditEvent:
    at: datetime
    kind: str
    kind_name: Any
    action: str  # insert, update, delete
    object_id: str
    object_text: str
    link: str | None
    user: Any  # the User, or None for a command or the system
    who: str
    url: str
    changes: list[Change] = field(default_factory=list)

    @property
    def action_name(self):
        return LABELS.get(self.action, self.action)

    @property
    def changes_text(self) -> str:
        return "; ".join(
            f"{change.field}: {change.old or '—'} → {change.new or '—'}" for change in self.changes
        )


@dataclass
class Page:
    events: list[AuditEvent]
    newer: str | None  # cursor of the link to newer changes, None on the first page
    older: str | None


def events_page(
    filters: EventFilters,
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """A page of changes, newest first: the first, the one older than `after`, or
    the one newer than `before` (cursors of an earlier page)."""
    before_key = decode_cursor(before)
    if before_key is not None:
        keys = _keys(filters, cursor=before_key, newer=True, limit=size + 1)
        has_newer, has_older = len(keys) > size, True
        keys = list(reversed(keys[:size]))
    else:
        after_key = decode_cursor(after)
        keys = _keys(filters, cursor=after_key, newer=False, limit=size + 1)
        has_newer, has_older = after_key is not None, len(keys) > size
        keys = keys[:size]
    return Page(
        events=describe(keys),
        newer=encode_cursor(keys[0]) if keys and has_newer else None,
        older=encode_cursor(keys[-1]) if keys and has_older else None,
    )


class EventRows:
    """Every change the filters select, newest first, read a chunk at a time (for the
    exports: constant memory, a constant number of queries per chunk)."""

    def __init__(self, filters: EventFilters, chunk: int = EXPORT_CHUNK):
        self.filters = filters
        self.chunk = chunk

    def __iter__(self) -> Iterator[AuditEvent]:
        after = None
        while True:
            page = events_page(self.filters, after=after, size=self.chunk)
            yield from page.events
            if page.older is None:
                return
            after = page.older

    def __len__(self) -> int:
        return count_events(self.filters)


@dataclass
class _Row:
    source: Source
    pgh_id: int
    current: dict
    previous: dict | None
    context: dict
    alive: bool


def _json(value) -> Any:
    """A jsonb value from a raw cursor (Django's psycopg2 setup leaves it as text);
    decimals stay exact."""
    if value is None or not isinstance(value, str | bytes):
        return value
    return json.loads(value, parse_float=Decimal)


def _fetch_rows(keys: list[Key]) -> dict[tuple[str, int], _Row]:
    """The page's event rows with, for each, the row before it of the same object,
    the request context and whether the object still exists: one query."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for _at, kind, pgh_id in keys:
        wanted[kind].append(pgh_id)
    if not wanted:
        return {}
    selects, params = [], []
    for kind, ids in wanted.items():
        selects.append(_row_select(sources()[kind]))
        params += [kind, ids]
    rows = {}
    # the replica when the export reads from it (otop_portal/lib/replica.py)
    connection = connections[router.db_for_read(Context) or "default"]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        for kind, pgh_id, current, previous, context, alive in cursor.fetchall():
            rows[kind, pgh_id] = _Row(
                sources()[kind],
                pgh_id,
                _json(current),
                _json(previous),
                _json(context) or {},
                alive,
            )
    return rows


def _row_select(source: Source) -> str:
    quote = connections["default"].ops.quote_name  # the same on the replica
    table = quote(source.event_model._meta.db_table)
    tracked = quote(source.tracked._meta.db_table)
    pk = quote(source.tracked._meta.pk.column)
    # Identifiers come from the models' own metadata, quoted; values are parameters.
    return f"""
        SELECT %s::text, e.pgh_id, row_to_json(e)::jsonb,
          (SELECT row_to_json(p)::jsonb FROM {table} p
            WHERE p.pgh_obj_id = e.pgh_obj_id AND p.pgh_id < e.pgh_id
            ORDER BY p.pgh_id DESC LIMIT 1),
          c.metadata,
          EXISTS (SELECT 1 FROM {tracked} o WHERE o.{pk} = e.pgh_obj_id)
        FROM {table} e LEFT JOIN {quote(Context._meta.db_table)} c ON c.id = e.pgh_context_id
        WHERE e.pgh_id = ANY(%s)"""  # noqa: S608


def describe(keys: list[Key]) -> list[AuditEvent]:
    """The events of `keys`, in their order, ready to show."""
    rows = _fetch_rows(keys)
    related = _related_objects(rows.values())
    users = related.get(get_user_model(), {})
    events = []
    for at, kind, pgh_id in keys:
        row = rows.get((kind, pgh_id))
        if row is not None:
            events.append(_event(at, row, related, users))
    return events


def _event(at: datetime, row: _Row, related: dict, users: dict) -> AuditEvent:
    tracked = row.source.tracked
    instance = values.rebuilt(tracked, row.current, related)
    object_id = str(row.current.get(tracked._meta.pk.attname, ""))
    user_id = row.context.get("user")
    user = users.get(user_id)
    if user is not None:
        who = values.safe_str(lambda: user, f"#{user_id}")
    elif user_id:
        who = f"#{user_id}"
    else:  # a request without a login (a password reset), or a command
        who = _("not logged in") if row.context.get("url") else _("system / command")
    return AuditEvent(
        at=at,
        kind=row.source.key,
        kind_name=tracked._meta.verbose_name,
        action=row.current.get("pgh_label", ""),
        object_id=object_id,
        object_text=values.safe_str(lambda: instance, f"{tracked._meta.verbose_name} #{object_id}"),
        link=values.link(instance) if row.alive else None,
        user=user,
        who=who,
        url=str(row.context.get("url") or ""),
        changes=_changes(row, related),
    )


# --- Reading event data ---------------------------------------------------------------


def _related_objects(rows) -> dict[type, dict]:
    """The objects the page's foreign keys and users point to: one query per model
    the page's kinds of record refer to, whether or not a row holds a value, so the
    count does not depend on the rows (an empty set asks for a key no row has)."""
    wanted: dict[type, set] = defaultdict(set)
    wanted[get_user_model()] = set()
    for row in rows:
        user_id = row.context.get("user")
        if user_id:
            wanted[get_user_model()].add(user_id)
        for relation in values.relations(row.source.tracked):
            wanted.setdefault(relation.related_model, set())
            for data in (row.current, row.previous or {}):
                value = data.get(relation.attname)
                if value is not None:
                    wanted[relation.related_model].add(value)
    fetched = {}
    for model, ids in wanted.items():
        onward = [f.name for f in values.relations(model)]
        fetched[model] = model._base_manager.select_related(*onward).in_bulk(
            list(ids) or [values.no_key(model)]
        )
    return fetched


def _shown_fields(model) -> dict[str, Any]:
    return {
        f.attname: f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in HIDDEN_FIELDS and not getattr(f, "generated", False)
    }


def _changes(row: _Row, related: dict) -> list[Change]:
    """Old → new per field: every value kept for an addition or deletion, the
    differences from the row before for a change."""
    fields = _shown_fields(row.source.tracked)
    action = row.current.get("pgh_label")
    changes = []
    for attname, model_field in fields.items():
        if attname not in row.current:
            continue
        value = row.current[attname]
        if action == "update":
            if row.previous is None or attname not in row.previous:
                continue
            before = row.previous[attname]
            if before == value:
                continue
            old, new = (
                values.display(model_field, before, related),
                values.display(model_field, value, related),
            )
        elif value in (None, ""):
            continue
        elif action == "delete":
            old, new = values.display(model_field, value, related), ""
        else:
            old, new = "", values.display(model_field, value, related)
        changes.append(Change(str(model_field.verbose_name), old, new))
    return changes


# --- National ID views ----------------------------------------------------------------


@dataclass(frozen=True)
class ViewFilters:
    user_id: int | None = None
    district: str | None = None
    since: date | None = None
    until: date | None = None


def national_id_views(user, filters: ViewFilters) -> models.QuerySet:
    """Every full view of a national ID the user may see, newest first."""
    views = (
        apps.get_model("members", "NationalIdView")
        .objects.for_user(user)
        .select_related("viewed_by", "person", "person__district")
        .order_by("-viewed_at", "-pk")
    )
    if filters.user_id:
        views = views.filter(viewed_by_id=filters.user_id)
    if filters.district:
        views = views.filter(person__district_id=filters.district)
    if filters.since:
        views = views.filter(viewed_at__gte=day_start(filters.since))
    if filters.until:
        views = views.filter(viewed_at__lt=day_start(filters.until + timedelta(days=1)))
    return views
