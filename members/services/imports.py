"""Writing a producer import: the whole file in one transaction, through the registry's
services, and only when no row has an error (members/imports.py checks the rows)."""

from collections import Counter
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from members import imports
from members.models import User
from members.services.registry import person_join, producer_register, producer_update, record_save

# Imports run one at a time: a file is checked and written in one transaction, and two
# at once could each create a producer the other does not see yet.
IMPORT_LOCK = 0x4F544F50


@dataclass(frozen=True)
class ImportResult:
    preview: "imports.Preview"
    producers_created: int
    producers_updated: int
    people_added: int  # joined a producer, new or registered persons
    products_saved: int
    ratings_saved: int

    @property
    def summary(self) -> str:
        return _(
            "%(created)s producers created, %(updated)s updated; %(people)s people added to "
            "groups, %(products)s products and %(ratings)s star ratings saved."
        ) % {
            "created": self.producers_created,
            "updated": self.producers_updated,
            "people": self.people_added,
            "products": self.products_saved,
            "ratings": self.ratings_saved,
        }


class ImportRefused(ValidationError):
    """The file was not written: `preview` holds every row's errors."""

    def __init__(self, preview: "imports.Preview"):
        super().__init__(preview.error_lines() or [_("The file has errors.")], code="refused")
        self.preview = preview


class _WriteRefused(Exception):
    def __init__(self, row: "imports.RowResult", error: Exception):
        super().__init__(str(error))
        self.row, self.error = row, error


def producers_import(
    *,
    rows: list[dict] | None = None,
    file: bytes | BinaryIO | None = None,
    by: User | None,
    district_scope,
) -> ImportResult:
    """Import producers, with their people, products and star ratings, from a CSV or
    XLSX file (bytes or a binary file) or from rows given as {header: value}.

    The rows are checked again inside the transaction that writes them, so what is
    written is what was checked. Nothing is written unless every row is accepted:
    ImportRefused (a ValidationError) carries the preview with each row's errors,
    also when the database refuses a row while writing, after everything before it
    was rolled back. Registered producers the rows match (by CDD code or juristic
    ID, or by exact name and subdistrict when a row has neither), people matched by
    national ID and products matched by name are updated or linked, so importing
    the same file twice duplicates nothing; imports run one at a time, so this holds
    for two at once too. `district_scope` is the districts the importer may write
    producers in; `by` is recorded as the registering user of new producers.
    """
    if (rows is None) == (file is None):
        raise TypeError("producers_import needs either rows or a file")
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
            preview = _preview(rows, file, district_scope)
            if preview.has_errors:
                raise ImportRefused(preview)
            return _write(preview, by)
    except _WriteRefused as refused:
        # the transaction is rolled back by now: say which row the database refused
        messages = refused.error.messages if isinstance(refused.error, ValidationError) else []
        for text in messages or [_("The database refused this row.")]:
            refused.row.errors.append(imports.Message("refused", text))
        raise ImportRefused(preview) from refused.error


def _preview(rows, file, district_scope) -> "imports.Preview":
    if rows is not None:
        return imports.preview_rows(rows, district_scope=district_scope)
    data = file if isinstance(file, bytes) else file.read()
    return imports.preview_file(data, district_scope=district_scope)


def _at(row: "imports.RowResult", write):
    """Run one write; a refusal names the row it came from."""
    try:
        return write()
    except (ValidationError, IntegrityError) as error:
        raise _WriteRefused(row, error) from error


def _write(preview: "imports.Preview", by: User | None) -> ImportResult:
    counts = Counter()
    for plan in preview.plans:
        _write_producer(plan, by, counts)
    return ImportResult(
        preview=preview,
        producers_created=counts["created"],
        producers_updated=counts["updated"],
        people_added=counts["people"],
        products_saved=counts["products"],
        ratings_saved=counts["ratings"],
    )


def _write_producer(plan: "imports.ProducerPlan", by: User | None, counts: Counter):
    producer, people = plan.producer, list(plan.people)
    if plan.existing:
        if plan.changed:  # an unchanged producer is not saved, so its history stays quiet
            _at(plan.row, partial(producer_update, producer=producer))
        counts["updated"] += 1
    else:
        contact = people.pop(0)
        _at(
            plan.row,
            partial(
                producer_register,
                producer=producer,
                contact=contact.person,
                role=contact.role,
                by=by,
            ),
        )
        counts["created"] += 1
        counts["people"] += 1
    for member in people:
        if member.joins:
            _at(
                member.row,
                partial(person_join, producer=producer, person=member.person, role=member.role),
            )
            counts["people"] += 1
    for item in plan.products:
        item.product.producer = producer
        if item.changed:
            _at(item.row, partial(record_save, record=item.product))
            counts["products"] += 1
        if item.rating is not None:
            item.rating.product = item.product
            _at(item.row, partial(record_save, record=item.rating))
            counts["ratings"] += 1
