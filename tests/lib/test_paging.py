"""KeysFirstPaginator gives the pages Django's Paginator gives, reading the skipped rows'
keys only."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Producer
from otop_portal.lib.paging import KeysFirstPaginator
from tests.factories import ProducerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("orphans", [0, 2])
def test_every_page_holds_what_django_s_paginator_gives(orphans):
    ProducerFactory.create_batch(13)
    rows = Producer.objects.select_related("district").order_by("-name", "pk")
    plain = Paginator(rows, 4, orphans=orphans)
    keys_first = KeysFirstPaginator(rows, 4, orphans=orphans)
    assert keys_first.num_pages == plain.num_pages
    for number in plain.page_range:
        expected, got = plain.page(number), keys_first.page(number)
        assert list(got) == list(expected)
        assert (got.start_index(), got.end_index()) == (
            expected.start_index(),
            expected.end_index(),
        )
    assert list(keys_first.get_page("nonsense")) == list(plain.get_page("nonsense"))
    assert list(keys_first.get_page(99)) == list(plain.get_page(99))


def test_the_skipped_rows_are_read_as_keys_only():
    ProducerFactory.create_batch(6)
    rows = Producer.objects.select_related("district").order_by("name", "pk")
    paginator = KeysFirstPaginator(rows, 2)
    paginator.count  # noqa: B018 (counted first, as a page view does)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(3)
    keys, fetched = (query["sql"] for query in queries.captured_queries)
    assert "OFFSET 4" in keys and "JOIN" not in keys
    assert "OFFSET" not in fetched and "JOIN" in fetched
    assert [row.pk for row in page] == list(rows.values_list("pk", flat=True)[4:6])


def test_a_list_is_paged_as_django_does():
    page = KeysFirstPaginator(list(range(10)), 4).page(3)
    assert list(page) == [8, 9]
