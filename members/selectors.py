"""Reads of the registry that pages and exports share."""

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

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


# The best current rating of a producer: each product's latest round, the highest of
# those. DISTINCT ON reads the (product, round) unique index backwards.
BEST_STARS_SQL = """
    SELECT max(latest.stars) FROM (
        SELECT DISTINCT ON (rating.product_id) rating.stars
        FROM members_starrating rating
        JOIN members_product product ON product.id = rating.product_id
        WHERE product.producer_id = members_producer.id
        ORDER BY rating.product_id, rating.round_year_be DESC
    ) latest
"""


def producers_for(user, *, grace_days: int | None = None) -> QuerySet[Producer]:
    """Producers as the lists and exports show them, in Thai dictionary order, with
    their best current stars, membership status and products in one query."""
    if grace_days is None:
        grace_days = NetworkSettings.current().grace_days
    membership = NetworkMembership.objects.with_status(grace_days=grace_days).filter(
        producer=OuterRef("pk")
    )
    return (
        Producer.objects.for_user(user)
        .select_related("district", "subdistrict", "contact_person")
        .annotate(
            best_stars=RawSQL(BEST_STARS_SQL, ()),  # noqa: S611 - constant SQL, no input
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


def search_producers(producers: QuerySet[Producer], text: str) -> QuerySet[Producer]:
    """Producers whose name, people (names, phone), phone or products match `text`
    as a substring, the way people type it. Trigram indexes keep it fast."""
    text = text.strip()
    if not text:
        return producers
    digits = text.replace("-", "").replace(" ", "")
    people = ProducerMember.objects.filter(producer=OuterRef("pk")).filter(
        Q(person__first_name__icontains=text)
        | Q(person__last_name__icontains=text)
        | Q(person__phone__contains=digits)
    )
    products = Product.objects.filter(producer=OuterRef("pk"), name__icontains=text)
    return producers.filter(
        Q(name__icontains=text)
        | Q(name_en__icontains=text)
        | Q(phone__contains=digits)
        | Q(cdd_code__iexact=text)
        | Exists(people)
        | Exists(products)
    )


def producer_detail(user, pk: int) -> QuerySet[Producer]:
    return producers_for(user).filter(pk=pk)


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
    producers = Producer.objects.for_user(user).filter(district__in=rows)
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
        producers_for(user)
        .filter(district__in=rows, best_stars__isnull=False)
        .order_by()
        .values_list("district", "best_stars")
        .annotate(n=Count("pk"))
    )
    for code, stars, count in by_stars:
        rows[code]["stars"][stars] = count
    due = (
        NetworkMembership.objects.with_status()
        .filter(producer__in=producers, status_today__in=["grace", "lapsed"])
        .values_list("producer__district")
        .annotate(n=Count("pk"))
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
