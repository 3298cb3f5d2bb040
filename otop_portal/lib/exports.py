"""The one export mechanism every app uses: CSV that opens in Excel with Thai intact,
and XLSX.

An `Export` is a file name, columns and rows; the rows come from the same scoped
selectors as the pages, so an export never shows more than its page. CSV streams
with constant memory: rows are read with a server-side iterator and written as they
come. XLSX is written by openpyxl's write-only workbook to a temporary file.

Every text cell is guarded against formula injection: a cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with an apostrophe, which
Excel and LibreOffice show as text and never evaluate.
"""

import codecs
import csv
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from otop_portal.lib.thaidate import format_numeric_date, format_numeric_datetime

# Excel's last row is 1,048,576; one row is the header.
XLSX_MAX_ROWS = 1_048_575
ITERATOR_CHUNK = 2_000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
KINDS = ("text", "id", "int", "decimal", "date", "datetime")


@dataclass(frozen=True)
class Column:
    """One column: its header, how to read its value from a row, and its kind.

    Kinds: "text" (guarded), "id" (national IDs, phone numbers: always text, also in
    XLSX, so Excel keeps leading zeros), "int", "decimal" (2 places), "date" and
    "datetime" (B.E., Bangkok time).
    """

    header: Any
    value: Callable[[Any], Any]
    kind: str = "text"
    # The same cell as a field name or expression of the row, for the CSV PostgreSQL
    # writes itself (otop_portal/lib/copy_csv.py): when every column has one and the
    # rows are a queryset, the CSV is streamed by COPY, formatted as `kind` in SQL.
    sql: Any = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class Export:
    filename: Any  # without extension; Thai is fine
    columns: list[Column]
    rows: Iterable


class ExportTooLarge(Exception):
    pass


def guard(text: str) -> str:
    """Neutralise a text cell that a spreadsheet would take for a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def format_cell(value: Any, kind: str) -> str:
    """A value as CSV text: decimals with 2 places, B.E. dates, guarded text."""
    if value is None:
        return ""
    if kind == "decimal":
        return f"{Decimal(value):.2f}"
    if kind == "int":
        return str(int(value))
    if kind == "datetime" and isinstance(value, datetime):
        return format_numeric_datetime(value)
    if kind == "date" and isinstance(value, datetime):
        return format_numeric_date(timezone.localtime(value).date())
    if kind in ("date", "datetime") and isinstance(value, date):
        return format_numeric_date(value)
    return guard(str(value))


def _iterate(rows: Iterable) -> Iterable:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=ITERATOR_CHUNK)
    return rows


class _Echo:
    def write(self, value):
        return value


def csv_lines(export: Export, language: str | None = None) -> Iterable[str]:
    """The CSV text, a line at a time. A streamed response is written after the view
    has returned, so the request's language is passed in and held while writing."""
    writer = csv.writer(_Echo())
    with translation.override(language or translation.get_language()):
        yield codecs.BOM_UTF8.decode("utf-8") + writer.writerow(
            [guard(str(column.header)) for column in export.columns]
        )
        for row in _iterate(export.rows):
            yield writer.writerow([format_cell(c.value(row), c.kind) for c in export.columns])


def by_copy(export: Export) -> bool:
    """Whether the CSV is written by PostgreSQL's COPY (every column says its SQL)."""
    return isinstance(export.rows, QuerySet) and all(c.sql is not None for c in export.columns)


def csv_response(export: Export) -> StreamingHttpResponse:
    language = translation.get_language()
    if by_copy(export):
        from otop_portal.lib import copy_csv

        with translation.override(language):
            header = next(iter(csv_lines(Export(export.filename, export.columns, []), language)))
        chunks = copy_csv.copy_lines(export.rows, export.columns, header.encode("utf-8"), language)
    else:
        chunks = (line.encode("utf-8") for line in csv_lines(export, language))
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, _filename(export, "csv"))
    return response


def xlsx_response(export: Export) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    if _count(export.rows) > XLSX_MAX_ROWS:
        raise ExportTooLarge
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(export.filename))
    sheet.append([str(column.header) for column in export.columns])
    for row in _iterate(export.rows):
        cells = []
        for column in export.columns:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(column.value(row), column.kind))
            if isinstance(cell.value, str):
                # openpyxl takes a string starting with "=" for a formula; this one is text.
                cell.data_type = "s"
            if column.kind == "id":
                cell.number_format = "@"
            elif column.kind == "decimal":
                cell.number_format = "#,##0.00"
            cells.append(cell)
        sheet.append(cells)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=_filename(export, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _xlsx_value(value: Any, kind: str):
    """A value as an XLSX cell: numbers as numbers; text, IDs and B.E. dates as text
    cells, which a spreadsheet shows but never evaluates (so no apostrophe is needed)."""
    if value is None:
        return None
    if kind == "decimal":
        return Decimal(value).quantize(Decimal("0.01"))
    if kind == "int":
        return int(value)
    if kind in ("date", "datetime"):
        return format_cell(value, kind)
    return str(value)


_FORBIDDEN_IN_SHEET_TITLES = set("[]:*?/\\")


def _sheet_title(filename) -> str:
    """Excel refuses sheet titles longer than 31 characters or with []:*?/\\ in them."""
    title = "".join(" " if char in _FORBIDDEN_IN_SHEET_TITLES else char for char in str(filename))
    return title.strip()[:31] or "export"


def _count(rows: Iterable) -> int:
    if isinstance(rows, QuerySet):
        return rows.count()
    return len(rows)  # type: ignore[arg-type]


def _filename(export: Export, extension: str) -> str:
    today = timezone.localdate()
    stamp = f"{today.year + 543}{today.month:02d}{today.day:02d}"  # B.E., like every date we show
    return f"{export.filename}-{stamp}.{extension}"


def export_response(request, export: Export, fmt: str):
    """The response for `fmt` "csv" or "xlsx": the file, or a Thai page saying why not."""
    if fmt == "xlsx":
        try:
            return xlsx_response(export)
        except ExportTooLarge:
            message = _(
                "This list has more rows than Excel can hold (%(limit)s): "
                "narrow it with the filters or download it as CSV."
            ) % {"limit": f"{XLSX_MAX_ROWS:,}"}
            return render(request, "export_refused.html", {"message": message}, status=400)
    return csv_response(export)
