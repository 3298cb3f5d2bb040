"""CSV exports written by PostgreSQL's own `COPY … TO STDOUT WITH (FORMAT csv)`.

The largest exports (every producer in the country, a million ledger lines) are
formatted by the database: each column of an `Export` may say, in `Column.sql`, which
expression of the row it shows, and this module wraps it in the SQL that formats it the
way `exports.format_cell` does in Python (B.E. dates in Bangkok time, 2-place decimals,
text guarded against formula injection, labels of choices in the request's language).
The export's queryset, with the same scoping and filters as its page, becomes the
`SELECT` inside the `COPY`, and the CSV PostgreSQL writes is sent on as it comes.

psycopg2 writes `COPY` output into a file object and returns only at the end; so the
copy runs in a worker thread whose "file" hands 64 KB chunks to the response through a
queue of a few chunks: memory stays the same whatever the number of rows. When the
download stops early (the browser went away), the query is cancelled on the server
and the thread is waited for, so the connection is left clean.
"""

import contextlib
import logging
import queue
import threading
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connections
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Case, Expression, F, Func, TextField, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf, Substr
from django.db.models.query import QuerySet
from django.utils import translation

from otop_portal.lib.language import reads_english

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
QUEUED_CHUNKS = 8  # at most this many chunks wait between the database and the response

# `exports.guard` in SQL: a cell that starts with = + - @ tab or CR gets an apostrophe.
_GUARD = r"""regexp_replace(({x})::text, '^([=+@\t\r-])', '''\1')"""
_BE_DATE = "to_char({x}, 'DD/MM/') || (extract(year FROM {x})::int + 543)::text"


def _patterns() -> dict[str, str]:
    local = f"(({{x}}) AT TIME ZONE '{settings.TIME_ZONE}')"
    return {
        "text": _GUARD,
        "id": _GUARD,
        "int": "(({x})::bigint)::text",
        "decimal": "to_char(({x})::numeric, 'FM999999999999990.00')",
        "date": _BE_DATE,
        # a timestamp's date, or its date and time, in the portal's time zone
        "date_of_datetime": _BE_DATE.replace("{x}", local),
        "datetime": _BE_DATE.replace("{x}", local) + f" || to_char({local}, ' HH24:MI')",
    }


class Formatted(Func):
    """An expression formatted for CSV by a pattern in which `{x}` stands for it (the
    expression is compiled once; its SQL and parameters repeat where `{x}` does)."""

    output_field = TextField()

    def __init__(self, expression, pattern: str):
        super().__init__(expression)
        self.pattern = pattern

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        # NULLIF: COPY writes an empty text as "" (to tell it from NULL); Python's csv
        # module writes nothing, and so does this
        formatted = "NULLIF(" + self.pattern.replace("{x}", f"({sql})") + ", '')"
        return formatted, tuple(params) * self.pattern.count("{x}")


def label(field: str, choices) -> Case:
    """The display label of a choices field, in the active language."""
    return Case(
        *(When(**{field: value}, then=Value(str(text))) for value, text in choices),
        default=Value(""),
        output_field=TextField(),
    )


def cell(expression, kind: str) -> Expression:
    """`expression` (a field name or an expression) as the CSV text of a cell of `kind`
    (an expression already `Formatted` is left as it is)."""
    if isinstance(expression, Formatted):
        return expression
    if isinstance(expression, str):
        expression = F(expression)
    return Formatted(expression, _patterns()[kind])


def local_date(expression) -> Formatted:
    """A timestamp's date in the portal's time zone, B.E. (a "date" column of a
    timestamp, like a producer's registration)."""
    if isinstance(expression, str):
        expression = F(expression)
    return Formatted(expression, _patterns()["date_of_datetime"])


def area_name(prefix: str):
    """NamedArea.name in SQL: the English name when reading English and there is one."""
    if reads_english():
        return Coalesce(NullIf(f"{prefix}name_en", Value("")), f"{prefix}name_th")
    return F(f"{prefix}name_th")


def full_name(prefix: str):
    """Person.full_name in SQL: "นางสมศรี ใจดี" (title and first name, then last name)."""
    return Func(
        Value(" "),
        NullIf(Concat(f"{prefix}title", f"{prefix}first_name"), Value("")),
        NullIf(f"{prefix}last_name", Value("")),
        function="concat_ws",
        output_field=TextField(),
    )


def national_id(field: str, *, full: bool):
    """format_national_id (1-2345-67890-12-1) or mask_national_id (X-XXXX-XXXXX-12-1) in
    SQL, of the 13 digits the registry stores; empty when there is none."""
    digits = NullIf(field, Value(""))
    parts = [
        Substr(digits, 1, 1) if full else Value("X"),
        Substr(digits, 2, 4) if full else Value("XXXX"),
        Substr(digits, 6, 5) if full else Value("XXXXX"),
        Substr(digits, 11, 2),
        Substr(digits, 13, 1),
    ]
    return Case(
        When(**{f"{field}__gt": ""}, then=Func(Value("-"), *parts, function="concat_ws")),
        default=Value(""),
        output_field=TextField(),
    )


def copy_sql(queryset: QuerySet, cells: list[Expression], alias: str) -> str:
    """The `COPY` statement for the queryset's rows, one column per cell."""
    names = [f"copy_cell_{n}" for n in range(len(cells))]
    rows = queryset.annotate(**dict(zip(names, cells, strict=True))).values_list(*names)
    sql, params = rows.query.get_compiler(using=alias).as_sql()
    connection = connections[alias]
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        select = cursor.mogrify(sql, params).decode()
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv)"


class _Pipe:
    """The file psycopg2 writes the COPY into: rows gathered into chunks, chunks into a
    bounded queue (the writer waits while the reader is behind)."""

    _END = object()

    def __init__(self):
        self.chunks: queue.Queue = queue.Queue(maxsize=QUEUED_CHUNKS)
        self.buffer: list[bytes] = []
        self.size = 0
        self.cancelled = False
        self.ended = False  # the reader has had the end (or the error)

    def write(self, data) -> None:
        if self.cancelled:  # the reader went away: drop the rest (the query is cancelled)
            return
        self.buffer.append(data)
        self.size += len(data)
        if self.size >= CHUNK_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.buffer and not self.cancelled:
            self.chunks.put(b"".join(self.buffer))
        self.buffer, self.size = [], 0

    def finish(self, error: BaseException | None = None) -> None:
        self.flush()
        self.chunks.put(error if error is not None else self._END)

    def __iter__(self) -> Iterator[bytes]:
        while True:
            chunk = self.chunks.get()
            if chunk is self._END or isinstance(chunk, BaseException):
                self.ended = True
                if chunk is self._END:
                    return
                raise chunk
            yield chunk

    def drain(self) -> None:
        self.cancelled = True
        while True:
            chunk = self.chunks.get()
            if chunk is self._END or isinstance(chunk, BaseException):
                return


def copy_chunks(statement: str, alias: str) -> Iterator[bytes]:
    """The output of a `COPY … TO STDOUT`, in chunks, as the database sends it."""
    connection = connections[alias]
    connection.ensure_connection()
    raw = connection.connection
    pipe = _Pipe()

    # Inside a transaction (a test, a caller's atomic block) the COPY runs in a savepoint,
    # so that a cancelled download does not leave the whole transaction aborted.
    savepoint = connection.in_atomic_block

    # Django's cursor, made here (a connection belongs to its thread): with DEBUG or in
    # a test it logs the COPY like any other query.
    logged = connection.cursor()
    log = logged.debug_sql(statement) if isinstance(logged, CursorDebugWrapper) else None

    def work():
        cursor = logged.cursor
        try:
            with connection.wrap_database_errors:  # Django's exceptions, not psycopg2's
                if savepoint:
                    cursor.execute("SAVEPOINT otop_copy_export")
                with log or contextlib.nullcontext():
                    cursor.copy_expert(statement, pipe)
                if savepoint:
                    cursor.execute("RELEASE SAVEPOINT otop_copy_export")
        except BaseException as error:  # handed to the reader, who raises it
            if savepoint:
                cursor.execute("ROLLBACK TO SAVEPOINT otop_copy_export")
            pipe.finish(error)
        else:
            pipe.finish()
        finally:
            cursor.close()

    worker = threading.Thread(target=work, name="copy-export", daemon=True)
    worker.start()
    try:
        yield from pipe
    finally:
        if not pipe.ended:  # stopped early: cancel the query, let the thread end
            with contextlib.suppress(Exception):  # (a connection already closed)
                raw.cancel()
            pipe.drain()
            logger.info("COPY export stopped before its end; the query was cancelled")
        worker.join()


def copy_lines(queryset: QuerySet, columns: list, header: bytes, language: str) -> Iterable[bytes]:
    """The header, then the rows as PostgreSQL writes them (read from the database the
    queryset reads, which is the replica inside `reading_from_replica()`). The cells are
    built when the download starts, in the request's language (labels are in the SQL)."""
    yield header
    alias = queryset.db
    with translation.override(language):
        cells = [cell(column.sql, column.kind) for column in columns]
        statement = copy_sql(queryset, cells, alias)
    yield from copy_chunks(statement, alias)
