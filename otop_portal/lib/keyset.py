"""Long lists read by their sort key (keyset pagination), not by OFFSET.

A page number makes the database read and throw away every row before the page: the
last page of 100,000 producers read all of them. Here a page remembers the sort key of
its first and last rows, and the next page asks for the rows after that key, which an
index on the key answers directly, so the first, a middle and the last page cost the
same. The links are first, previous, next and last; the total is counted only up to
COUNT_LIMIT ("more than 1,000"), for the same reason.

The queryset must be ordered by `keys` (the last one unique, e.g. the primary key), and
an index on those columns (after any equality filter) keeps it fast. A cursor in the
URL is the key of a row, signed so that a made-up value is simply the first page.
"""

import json
from dataclasses import dataclass, field
from datetime import date

from django.core import signing
from django.db import models
from django.db.models import F, Func, Value
from django.db.models.lookups import GreaterThan as _Greater
from django.db.models.lookups import LessThan as _Less

COUNT_LIMIT = 1000
SALT = "otop_portal.lib.keyset"


@dataclass
class KeysetPage:
    """One page: its rows, the cursors around it and how many rows there are (up to
    COUNT_LIMIT; `count_more` when there are more)."""

    rows: list
    count: int
    count_more: bool
    first: bool = True  # no rows before this page
    last: bool = True  # no rows after it
    previous_cursor: str = ""
    next_cursor: str = ""
    query: str = field(default="")  # the list's other parameters, for the links

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_other_pages(self) -> bool:
        return not (self.first and self.last)


def _row(values) -> Func:
    """(a, b) as PostgreSQL compares rows: by a, then by b; an index on (a, b) answers it."""
    return Func(*values, function="ROW", output_field=models.TextField())


def _encode(obj, keys: tuple[str, ...]) -> str:
    values = [getattr(obj, "pk" if key == "pk" else key) for key in keys]
    # a date key travels as its ISO text, which PostgreSQL compares as the date it is
    values = [value.isoformat() if isinstance(value, date) else value for value in values]
    return signing.dumps(values, salt=SALT, compress=True)


def _decode(cursor: str, keys: tuple[str, ...]) -> list | None:
    try:
        values = signing.loads(cursor, salt=SALT)
    except (signing.BadSignature, json.JSONDecodeError, ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != len(keys):
        return None
    return values


def bounded_count(queryset: models.QuerySet, limit: int | None = None) -> tuple[int, bool]:
    """How many rows, counting no further than `limit` (COUNT_LIMIT unless given), and
    whether there are more."""
    limit = COUNT_LIMIT if limit is None else limit
    counted = queryset.order_by().values("pk")[: limit + 1].count()
    return min(counted, limit), counted > limit


def keyset_page(
    queryset: models.QuerySet,
    params,
    *,
    keys: tuple[str, ...] = ("name_sort", "pk"),
    per_page: int = 25,
    newest_first: bool = False,
) -> KeysetPage:
    """The page `params` ask for: `after=<cursor>` the rows after a row, `before=` the
    rows before one, `last=1` the last page; anything else (or a bad cursor) the first.
    Two queries: the rows (one extra, to know whether there are more) and the count.
    `newest_first`: the list runs from the highest key down (a journal, newest first)."""
    ascending = [F(key).asc() for key in keys]
    descending = [F(key).desc() for key in keys]
    columns = [F(key) for key in keys]
    earlier, later = _Less, _Greater  # a row before or after a cursor, in the list's order
    if newest_first:
        ascending, descending = descending, ascending
        earlier, later = _Greater, _Less
    after = _decode(params.get("after", ""), keys) if params.get("after") else None
    before = _decode(params.get("before", ""), keys) if params.get("before") else None
    count, count_more = bounded_count(queryset)

    if before is not None:
        rows = list(
            queryset.filter(earlier(_row(columns), _row([Value(v) for v in before]))).order_by(
                *descending
            )[: per_page + 1]
        )
        more_before = len(rows) > per_page
        rows = rows[:per_page][::-1]
        page = KeysetPage(rows, count, count_more, first=not more_before, last=False)
    elif params.get("last") == "1":
        rows = list(queryset.order_by(*descending)[: per_page + 1])
        more_before = len(rows) > per_page
        rows = rows[:per_page][::-1]
        page = KeysetPage(rows, count, count_more, first=not more_before, last=True)
    else:
        rows_qs = queryset.order_by(*ascending)
        if after is not None:
            rows_qs = rows_qs.filter(later(_row(columns), _row([Value(v) for v in after])))
        rows = list(rows_qs[: per_page + 1])
        more_after = len(rows) > per_page
        rows = rows[:per_page]
        page = KeysetPage(rows, count, count_more, first=after is None, last=not more_after)
        if after is not None and not rows:  # past the end (an old link): the last page
            return keyset_page(
                queryset, {"last": "1"}, keys=keys, per_page=per_page, newest_first=newest_first
            )
    if page.rows:
        page.previous_cursor = _encode(page.rows[0], keys)
        page.next_cursor = _encode(page.rows[-1], keys)
    return page
