"""CSV written by PostgreSQL's COPY (otop_portal/lib/copy_csv.py): the same bytes as the
Python writer for the same export, streamed in chunks, stopping cleanly when the
download stops."""

import codecs
import csv
import io
import threading
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import DataError, connection
from django.db.models import Func, IntegerField, Value
from django.utils import translation

from members.exports import producers_export
from members.models import Person, Producer, ProducerType
from members.selectors import producers_for
from otop_portal.lib import copy_csv, exports
from otop_portal.lib.exports import Column, Export, csv_response
from tests.factories import (
    PersonFactory,
    ProducerFactory,
    ProductFactory,
    StarRatingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def _body(response) -> bytes:
    """The file, with Python's CRLF row ends as COPY's LF (Excel reads either)."""
    return b"".join(response.streaming_content).replace(b"\r\n", b"\n")


def _by_python(export: Export) -> Export:
    return replace(export, columns=[replace(column, sql=None) for column in export.columns])


def _tricky_producers() -> None:
    """Producers whose cells test every rule: formula-like and quoted text, commas and
    line breaks, no contact, no subdistrict, registration just after midnight in
    Bangkok (the day before in UTC), ratings and products."""
    odd = ProducerFactory(
        name='=HYPERLINK("x"), กลุ่ม "ทอผ้า"\nบ้านใหม่',
        phone="+668123456",
        cdd_code="-27-001",
        producer_type=ProducerType.SME,
    )
    ProductFactory(producer=odd, name="@ผ้าไหม, ลายขิด")
    StarRatingFactory(product=ProductFactory(producer=odd, name="น้ำพริก"), stars=4)
    Producer.objects.filter(pk=odd.pk).update(created_at=datetime(2025, 3, 9, 17, 30, tzinfo=UTC))
    alone = ProducerFactory(name="ร้านเดี่ยว", subdistrict_id=None)
    Producer.objects.filter(pk=alone.pk).update(contact_person=None)
    person = PersonFactory(title="", first_name="สมใจ", last_name="", national_id="")
    nameless = ProducerFactory(name="กลุ่มไม่มีเลขบัตร")
    Producer.objects.filter(pk=nameless.pk).update(contact_person=person)
    Person.objects.filter(pk=person.pk).update(title="ดร.")


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("full_ids", [True, False])
def test_the_producer_export_by_copy_is_byte_for_byte_the_python_one(language, full_ids):
    _tricky_producers()
    staff = UserFactory(staff=True)
    with translation.override(language):
        export = producers_export(producers_for(staff), full_ids=full_ids)
        assert exports.by_copy(export)
        by_copy = _body(csv_response(export))
        by_python = _body(csv_response(_by_python(export)))
    assert by_copy.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(by_copy.decode("utf-8-sig"))))
    assert len(rows) == 1 + 3 + 0  # the header and the three producers
    assert by_copy == by_python


def test_every_kind_of_cell_is_formatted_as_in_python():
    """int, decimal, date, datetime and guarded text, from constant expressions."""
    staff = UserFactory(staff=True)
    moment = datetime(2025, 10, 24, 17, 5, tzinfo=UTC)  # 25 Oct 00:05 in Bangkok
    values = {
        "int": (Value(-5), -5),
        "decimal": (Value(Decimal("1234.5")), Decimal("1234.5")),
        "date": (Value(moment.date()), moment.date()),
        "datetime": (Value(moment), moment),
        "text": (Value("-2+3"), "-2+3"),
        "id": (Value("0812345678"), "0812345678"),
    }
    columns = [
        Column(kind, lambda _row, value=value: value, kind=kind, sql=expression)
        for kind, (expression, value) in values.items()
    ]
    columns.append(
        Column(
            "local date", lambda _row: moment, kind="date", sql=copy_csv.local_date(Value(moment))
        )
    )
    export = Export("x", columns, type(staff).objects.filter(pk=staff.pk))
    by_copy = _body(csv_response(export))
    assert by_copy == _body(csv_response(_by_python(export)))
    assert by_copy.decode("utf-8-sig").splitlines()[1] == (
        "-5,1234.50,24/10/2568,25/10/2568 00:05,'-2+3,0812345678,25/10/2568"
    )


def test_a_large_export_comes_in_chunks_and_a_stopped_download_cancels_the_query():
    staff = UserFactory(staff=True)
    numbers = (
        type(staff)
        .objects.filter(pk=staff.pk)
        .annotate(
            n=Func(
                Value(1), Value(500_000), function="generate_series", output_field=IntegerField()
            )
        )
    )
    statement = copy_csv.copy_sql(numbers, [copy_csv.cell("n", "int")], "default")
    chunks = copy_csv.copy_chunks(statement, "default")
    first = next(chunks)
    assert len(first) >= copy_csv.CHUNK_BYTES
    assert first.startswith(b"1\n2\n3\n")
    chunks.close()  # the browser went away: the query is cancelled, the thread ends
    assert not [t for t in threading.enumerate() if t.name == "copy-export"]
    with connection.cursor() as cursor:  # and the connection (and transaction) go on
        cursor.execute("SELECT count(*) FROM members_user WHERE id = %s", [staff.pk])
        assert cursor.fetchone() == (1,)


def test_a_failing_query_raises_to_the_reader():
    staff = UserFactory(staff=True)
    broken = (
        type(staff)
        .objects.filter(pk=staff.pk)
        .annotate(n=Func(Value(1), Value(0), function="div", output_field=IntegerField()))
    )
    export = Export("x", [Column("n", str, kind="int", sql="n")], broken)
    with pytest.raises(DataError):
        _body(csv_response(export))
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_journal_lines_export_by_copy_is_byte_for_byte_the_python_one(language):
    from savings import selectors_books
    from savings.models import JournalEntry
    from savings.views.books import journal_lines_export
    from tests.savings.builders import admitted_saver

    admitted_saver()  # the entry fee and first pledge: lines with and without a member
    lines = selectors_books.journal_lines(JournalEntry.objects.all())
    with translation.override(language):
        export = journal_lines_export(lines)
        assert exports.by_copy(export)
        by_copy = _body(csv_response(export))
        assert by_copy == _body(csv_response(_by_python(export)))
    assert by_copy.count(b"\n") == 1 + lines.count()
