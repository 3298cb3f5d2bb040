"""Registry reports: products with stars, members and fees, sales by district and
category; scoped, and a constant number of queries."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members import services
from members.models import Category, NetworkMembership, NetworkSettings, SalesReport
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import ProducerFactory, ProductFactory, StarRatingFactory, sa_kaeo_district


def _rows(client, kind, **params) -> list[dict]:
    client.cookies["django_language"] = "en"
    response = client.get(reverse("members:report_export", args=[kind, "csv"]), params)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_products_come_with_their_current_rating(client, district_member, staff):
    product = ProductFactory(
        producer=ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT)), name="ผ้าไหม"
    )
    StarRatingFactory(product=product, round_year_be=2565, stars=3)
    latest = StarRatingFactory(product=product, round_year_be=2567, stars=5)
    services.star_ratings_verify(ratings=type(latest).objects.filter(pk=latest.pk), by=staff)
    ProductFactory(producer=ProducerFactory(district=sa_kaeo_district(OTHER_DISTRICT)))
    client.force_login(district_member)
    (row,) = _rows(client, "products")
    assert (row["Product"], row["Current stars"], row["OPC round"], row["Verified"]) == (
        "ผ้าไหม",
        "5",
        "2567",
        "Yes",
    )


def test_members_come_with_their_fee_status(client, district_member, staff):
    NetworkSettings.objects.update_or_create(pk=1, defaults={"annual_fee": Decimal("100")})
    membership = NetworkMembership.objects.get(
        producer=ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT), name="กลุ่มจ่ายแล้ว")
    )
    services.membership_renew(
        membership=membership, fiscal_year_be=2569, paid_on=date(2025, 11, 1), by=staff
    )
    ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT), name="กลุ่มยังไม่จ่าย")
    client.force_login(district_member)
    rows = {row["Producer"]: row for row in _rows(client, "members")}
    assert rows["กลุ่มจ่ายแล้ว"]["Last receipt"] == "2569/0001"
    assert rows["กลุ่มจ่ายแล้ว"]["Last fee paid"] == "100.00"
    assert rows["กลุ่มจ่ายแล้ว"]["Valid until"] == "30/09/2569"
    assert rows["กลุ่มยังไม่จ่าย"]["Membership"] == "Pending"


def test_sales_add_up_per_district_and_main_category(client, staff):
    weaver = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))
    ProductFactory(producer=weaver, category=Category.TEXTILE)
    ProductFactory(producer=weaver, category=Category.TEXTILE)
    ProductFactory(producer=weaver, category=Category.FOOD)
    cook = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))
    ProductFactory(producer=cook, category=Category.FOOD)
    for producer, amount in ((weaver, "1000.50"), (cook, "200")):
        for quarter in (1, 2):
            SalesReport.objects.create(
                producer=producer,
                fiscal_year_be=2568,
                quarter=quarter,
                channel="fair",
                amount=Decimal(amount),
            )
    SalesReport.objects.create(
        producer=cook, fiscal_year_be=2567, quarter=1, channel="shop", amount=Decimal("5")
    )
    client.force_login(staff)
    rows = _rows(client, "sales", fiscal_year="2568")
    totals = {(r["District"], r["Category"]): (r["Producers"], r["Sales"]) for r in rows}
    assert totals == {
        ("เมืองสระแก้ว", "Textiles and garments"): ("1", "2001.00"),
        ("เมืองสระแก้ว", "Food"): ("1", "400.00"),
    }
    assert len(_rows(client, "sales")) == 3, "every year without a filter"


@pytest.mark.parametrize("kind", ["products", "members", "sales"])
def test_each_report_takes_the_same_queries_for_1_or_50_rows(client, staff, kind):
    client.force_login(staff)
    url = reverse("members:report_export", args=[kind, "csv"])

    def make(n):
        for _ in range(n):
            producer = ProducerFactory()
            StarRatingFactory(product=ProductFactory(producer=producer))
            SalesReport.objects.create(
                producer=producer,
                fiscal_year_be=2568,
                quarter=1,
                channel="shop",
                amount=Decimal("1"),
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            b"".join(client.get(url).streaming_content)
        return len(queries)

    make(1)
    count()
    one = count()
    make(49)
    assert count() == one


def test_the_reports_page_links_every_report(client, district_member):
    client.force_login(district_member)
    page = client.get(reverse("members:reports")).content.decode()
    for kind in ("products", "members", "sales"):
        assert reverse("members:report_export", args=[kind, "csv"]) in page
