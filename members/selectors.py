"""Reads of the registry that pages and exports share."""

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.db import models
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Upper

from members.models import (
    District,
    NetworkMembership,
    NetworkSettings,
    Person,
    Producer,
    ProducerMember,
    Product,
    Subdistrict,
    User,
)
from members.models.network import past_due


def districts_for(user) -> QuerySet[District]:
    """The districts of the portal's province this user may see, with subdistrict counts."""
    return (
        District.objects.for_user(user)
        .filter(province_id=settings.PORTAL_PROVINCE_CODE)
        .select_related("province")
        .annotate(subdistrict_count=Count("subdistricts"))
        .order_by("code")
    )


def subdistricts_of(district: District) -> QuerySet[Subdistrict]:
    return Subdistrict.objects.filter(district=district).order_by("code")


def accounts_for(user) -> QuerySet[User]:
    """Accounts as provincial staff list and export them."""
    return (
        User.objects.for_user(user)
        .select_related("district")
        .prefetch_related("groups")
        .order_by("username")
    )


def producers_for(
    user, *, grace_days: int | None = None, include_merged: bool = False
) -> QuerySet[Producer]:
    """Producers as the lists and exports show them, in Thai dictionary order, with
    their membership status and products in one query (their best current stars are
    a column the database keeps, Producer.best_stars). Records
    merged into another are left out unless `include_merged`."""
    if grace_days is None:
        grace_days = NetworkSettings.current().grace_days
    membership = NetworkMembership.objects.with_status(grace_days=grace_days).filter(
        producer=OuterRef("pk")
    )
    producers = Producer.objects.for_user(user)
    if not include_merged:
        producers = producers.current()
    return (
        producers.select_related("district", "subdistrict", "contact_person")
        .annotate(
            membership_status=Subquery(membership.values("status_today")[:1]),
            product_count=Subquery(
                Product.objects.filter(producer=OuterRef("pk"))
                .values("producer")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            product_names=Subquery(
                Product.objects.filter(producer=OuterRef("pk"))
                .values("producer")
                .annotate(names=StringAgg("name", ", ", order_by="name"))
                .values("names")[:1]
            ),
        )
        .order_by("name_sort", "pk")
    )


# What a row of the producer list shows (templates/members/producer_list.html) and its
# keyset cursor reads: a page's query reads these columns, not the producer's whole
# record with its search text and the contact person's personal details.
LIST_COLUMNS = (
    "name",
    "name_sort",
    "best_stars",
    "producer_type",
    "district__name_th",
    "district__name_en",
    "contact_person__title",
    "contact_person__first_name",
    "contact_person__last_name",
)


def as_list_rows(producers: QuerySet[Producer]) -> QuerySet[Producer]:
    """`producers_for` reading only what the list shows (LIST_COLUMNS)."""
    return (
        producers.select_related(None)
        .select_related("district", "contact_person")
        .only(*LIST_COLUMNS)
    )


def search_producers(producers: QuerySet[Producer], text: str) -> QuerySet[Producer]:
    """Producers whose name, English name, phone, CDD code, products or group members'
    names and phones hold `text` as a substring, the way people type it ("081-234-5678"
    finds 0812345678).

    All of it is in Producer.search_text, which the database keeps in capitals under
    one trigram index, so the text typed is put in capitals by the same upper() and
    compared with LIKE: the planner either walks the list's order and stops at a page
    of matches (a common word) or reads the few matches from the index (a rare one).
    (UPPER() on each row read, as icontains does, made a common word's search 4× slower.)"""
    text = text.strip()
    if not text:
        return producers
    found = Q(search_text__contains=Upper(Value(text)))
    digits = text.replace("-", "").replace(" ", "")
    if digits.isdigit() and digits != text:
        found |= Q(search_text__contains=digits)
    return producers.filter(found)


def producer_detail(user, pk: int) -> QuerySet[Producer]:
    return producers_for(user, include_merged=True).filter(pk=pk)


def merge_of(producer: Producer):
    """How a merged record was merged (into which producer, by whom, why), or None."""
    from members.models import ProducerMerge

    if producer.merged_into_id is None:
        return None
    return (
        ProducerMerge.objects.select_related("kept", "merged_by").filter(absorbed=producer).first()
    )


def merges_into(producer: Producer) -> list:
    """The duplicates merged into this producer, newest first."""
    from members.models import ProducerMerge

    return list(
        ProducerMerge.objects.filter(kept=producer)
        .select_related("absorbed__district", "merged_by")
        .order_by("-merged_at")
    )


def people_of(producer: Producer) -> QuerySet[ProducerMember]:
    return producer.members.select_related("person", "person__subdistrict").order_by("pk")


def products_of(producer: Producer) -> QuerySet[Product]:
    return producer.products.prefetch_related("ratings", "quadrants", "certifications").order_by(
        "name", "pk"
    )


def persons_for(user) -> QuerySet[Person]:
    return Person.objects.for_user(user).select_related("district").ordered()


EXPIRY_WARNING_DAYS = 90


def district_dashboard(user) -> list[dict]:
    """Per visible district of the province: producers by category and by best stars,
    members due (in grace or lapsed) and certifications expiring within 90 days. A fixed
    number of grouped queries, however many producers."""
    districts = list(districts_for(user))
    rows = {
        d.code: {
            "district": d,
            "producers": 0,
            "categories": {},
            "stars": {},
            "due": 0,
            "expiring": 0,
        }
        for d in districts
    }
    producers = Producer.objects.for_user(user).current().filter(district__in=rows)
    for code, count in producers.values_list("district").annotate(n=Count("pk")):
        rows[code]["producers"] = count
    by_category = (
        Product.objects.filter(producer__in=producers, is_active=True)
        .values_list("producer__district", "category")
        .annotate(n=Count("producer", distinct=True))
    )
    for code, category, count in by_category:
        rows[code]["categories"][category] = count
    by_stars = (
        producers.filter(best_stars__isnull=False)
        .order_by()
        .values_list("district", "best_stars")
        .annotate(n=Count("pk"))
    )
    for code, stars, count in by_stars:
        rows[code]["stars"][stars] = count
    # Counted from the district's producers, COUNT(*) of the membership index alone
    # (membership_active_until): past_due()'s condition on the joined membership.
    due = (
        producers.filter(past_due(via="membership__"))
        .order_by()
        .values_list("district")
        .annotate(n=Count("*"))
    )
    for code, count in due:
        rows[code]["due"] = count
    from members.models import Certification

    expiring = (
        Certification.objects.expiring_within(EXPIRY_WARNING_DAYS)
        .filter(product__producer__in=producers)
        .values_list("product__producer__district")
        .annotate(n=Count("pk"))
    )
    for code, count in expiring:
        rows[code]["expiring"] = count
    return [rows[d.code] for d in districts]


DUE_STATUSES = ["pending", "grace", "lapsed"]


def memberships_due(user, *, district: str = "") -> QuerySet[Producer]:
    """Producers whose membership is pending, in grace or lapsed: whom to remind."""
    producers = producers_for(user).filter(membership_status__in=DUE_STATUSES)
    if district:
        producers = producers.filter(district_id=district)
    return producers.order_by("district", "name_sort", "pk")


def products_for(user) -> QuerySet[Product]:
    """Products with their current rating (the latest round) and latest quadrant."""
    from members.models import QuadrantAssessment, StarRating

    latest = StarRating.objects.filter(product=OuterRef("pk")).order_by("-round_year_be")
    quadrant = QuadrantAssessment.objects.filter(product=OuterRef("pk")).order_by("-fiscal_year_be")
    return (
        Product.objects.for_user(user)
        .select_related("producer__district")
        .annotate(
            current_stars=Subquery(latest.values("stars")[:1]),
            current_round=Subquery(latest.values("round_year_be")[:1]),
            current_verified=Subquery(latest.values("verified_at")[:1]),
            latest_quadrant=Subquery(quadrant.values("quadrant")[:1]),
        )
        .order_by("producer__name_sort", "name", "pk")
    )


def memberships_for(user) -> QuerySet[Producer]:
    """Producers with their membership's dates and last renewal, for the fee report."""
    from members.models import MembershipPayment

    last = MembershipPayment.objects.filter(membership__producer=OuterRef("pk")).order_by(
        "-fiscal_year_be"
    )
    return producers_for(user).annotate(
        membership_valid_until=Subquery(
            NetworkMembership.objects.filter(producer=OuterRef("pk")).values("valid_until")[:1]
        ),
        last_renewal_year=Subquery(last.values("fiscal_year_be")[:1]),
        last_renewal_amount=Subquery(last.values("amount")[:1]),
        last_receipt=Subquery(last.values("receipt_no")[:1]),
    )


def sales_summary(user, *, fiscal_year_be: int | None = None) -> list[dict]:
    """Sales totals per fiscal year, district and the producer's main category."""
    from django.db.models import Sum

    from members.models import SalesReport

    main_category = (
        Product.objects.filter(producer=OuterRef("producer"))
        .values("category")
        .annotate(n=Count("pk"))
        .order_by("-n", "category")
        .values("category")[:1]
    )
    reports = SalesReport.objects.for_user(user)
    if fiscal_year_be:
        reports = reports.filter(fiscal_year_be=fiscal_year_be)
    return list(
        reports.annotate(category=Subquery(main_category))
        .values("fiscal_year_be", "producer__district__code", "category")
        .annotate(
            district_name=models.F("producer__district__name_th"),
            producers=Count("producer", distinct=True),
            total=Sum("amount"),
        )
        .order_by("-fiscal_year_be", "producer__district__code", "category")
    )
