"""Reads of the application pages: the producers a user may apply for, the
applications of a fair within the user's reach, the review queue, and the stars of
products as the draw counts them.

Every list starts from `for_user`, so a district member reads only their district.
"""

import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from fairs.models import (
    Application,
    ApplicationStatus,
    DrawLine,
    Fair,
    FrozenEntry,
    Holding,
)
from fairs.selectors_draw import names_for, reason
from members.models import Producer, Product, StarRating

WAITING = (ApplicationStatus.SUBMITTED, ApplicationStatus.NEEDS_INFO)


# --- Stars -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductStars:
    """A product's current rating (its latest OPC round) and whether it counts: only a
    rating verified by provincial staff gives the draw's extra ticket."""

    stars: int
    round_year_be: int
    verified: bool

    @property
    def counted(self) -> int:
        return self.stars if self.verified else 0


def product_stars(product_ids) -> dict[int, ProductStars]:
    """Each product's latest rating, in one query (DISTINCT ON reads the (product,
    round) unique index backwards). Products without a rating are left out."""
    ratings = (
        StarRating.objects.filter(product_id__in=list(product_ids))
        .order_by("product_id", "-round_year_be")
        .distinct("product_id")
        .values_list("product_id", "stars", "round_year_be", "verified_at")
    )
    return {
        product: ProductStars(stars, year, verified is not None)
        for product, stars, year, verified in ratings
    }


def applications_stars(applications) -> None:
    """Give each application `product_rows` [(product, ProductStars | None)] and `stars`
    (the highest counted rating among its products, as the draw computes it before
    the freeze). The products must be prefetched; one query for the ratings."""
    applications = list(applications)
    found = product_stars({p.pk for a in applications for p in a.products.all()})
    for application in applications:
        application.product_rows = [(p, found.get(p.pk)) for p in application.products.all()]
        application.stars = max(
            (r.counted for _p, r in application.product_rows if r is not None), default=0
        )


# --- Applying -----------------------------------------------------------------------------


def producers_to_apply(user, text: str = "") -> QuerySet[Producer]:
    """The producers within the user's reach (not merged away), found by name."""
    producers = Producer.objects.for_user(user).current().select_related("district")
    text = text.strip()
    if text:
        producers = producers.filter(Q(name__icontains=text) | Q(name_en__icontains=text))
    return producers.order_by("name_sort", "pk")


def applied_already(fair: Fair, producers) -> dict[int, Application]:
    """The live application of each of `producers` at this fair, in one query."""
    found = fair.applications.live().filter(producer__in=[p.pk for p in producers])
    return {a.producer_id: a for a in found}


def products_for_form(producer: Producer) -> QuerySet[Product]:
    return producer.products.filter(is_active=True).order_by("name", "pk")


# --- Lists ---------------------------------------------------------------------------------


def applications_for(user, fair: Fair) -> QuerySet[Application]:
    """The fair's applications within the user's reach, ordered by number."""
    return (
        Application.objects.for_user(user)
        .filter(fair=fair)
        .select_related("producer", "district", "booth_type", "zone_1", "zone_2", "zone_3")
        .order_by("number")
    )


def review_queue(fair: Fair) -> QuerySet[Application]:
    """The applications waiting for a decision: new ones first, then those that were
    asked for information (answered ones come back as submitted), each by number."""
    return (
        fair.applications.filter(status__in=WAITING)
        .select_related("producer", "district", "booth_type", "zone_1", "zone_2", "zone_3")
        .prefetch_related(Prefetch("products", queryset=Product.objects.order_by("name", "pk")))
        .annotate(
            waiting_order=Case(
                When(status=ApplicationStatus.SUBMITTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting_order", "number")
    )


# --- One application ---------------------------------------------------------------------


def application_detail() -> QuerySet[Application]:
    return Application.objects.select_related(
        "fair__series",
        "producer__district",
        "district",
        "booth_type",
        "zone_1",
        "zone_2",
        "zone_3",
        "submitted_by",
        "reviewed_by",
    ).prefetch_related(Prefetch("products", queryset=Product.objects.order_by("name", "pk")))


def frozen_entry_of(application: Application) -> FrozenEntry | None:
    return FrozenEntry.objects.filter(application=application).select_related("frozen_list").first()


@dataclass(frozen=True)
class PublishedLine:
    line: DrawLine
    of: int  # how many lines the draw has
    reason: str  # the one-line reason in the reader's language


def published_line_of(application: Application) -> PublishedLine | None:
    """The application's line in the fair's official draw, once it is published, with
    its reason rendered the way the draw pages render it."""
    line = (
        DrawLine.objects.filter(
            application=application, draw__official=True, draw__published_at__isnull=False
        )
        .select_related("draw", "zone", "booth__zone")
        .first()
    )
    if line is None:
        return None
    of = line.draw.lines.count()
    # The reason may name other districts (booths kept for their minimums).
    codes = [application.district_id, *re.findall(r"\b\d{4}\b", line.skip_subject)]
    names = names_for(application.fair, codes)
    return PublishedLine(line=line, of=of, reason=reason(line, of=of, names=names))


@dataclass(frozen=True)
class Holdings:
    current: Holding | None  # the holding that holds its booth now
    all: list  # every holding, newest first


def holdings_of(application: Application, now=None) -> Holdings:
    now = now or timezone.now()
    holdings = list(
        application.holdings.select_related("booth__zone", "booth__booth_type").order_by(
            "-offered_at", "-pk"
        )
    )
    current = next((h for h in holdings if h.holds_at(now)), None)
    return Holdings(current=current, all=holdings)
