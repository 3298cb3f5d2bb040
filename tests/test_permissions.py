"""The permission matrix: every named URL, for every persona, GET and POST.

Each URL in the resolver must have a row here (a test fails otherwise), so a new
page cannot ship without saying who may use it. Objects a URL needs are built
through factories and belong to the own district (2701); the other district's
member must get 404 for them, never 403.

Expected outcomes: an HTTP status, or LOGIN (a redirect to the login page).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import OWN_DISTRICT

LOGIN = "login"
PERSONAS = ["anonymous", "district_member", "other_district_member", "officer", "staff"]
# Admin URLs are covered by test_admin.py; Django's admin is for provincial staff only.
IGNORED_NAMESPACES = {"admin"}


def _all(outcome):
    return dict.fromkeys(PERSONAS, outcome)


def _logged_in(outcome, anonymous=LOGIN):
    return {**_all(outcome), "anonymous": anonymous}


def _district_object(outcome_for_reader=200):
    return {
        "anonymous": LOGIN,
        "district_member": outcome_for_reader,
        "other_district_member": 404,
        "officer": outcome_for_reader,
        "staff": outcome_for_reader,
    }


def _staff_only(outcome=200):
    return {**_logged_in(403), "staff": outcome}


def _district_write(outcome=200):
    """A write page of a district-owned object: the own district and staff may use it,
    officers only read (403), another district does not see it (404)."""
    return {**_district_object(outcome), "officer": 403}


def _producer(request):
    from tests.factories import ProducerFactory, sa_kaeo_district

    return {"pk": ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT)).pk}


def _person(request):
    from tests.factories import PersonFactory, sa_kaeo_district

    return {"pk": PersonFactory(district=sa_kaeo_district(OWN_DISTRICT)).pk}


def _product(request):
    from tests.factories import ProductFactory

    return {"pk": ProductFactory(producer_id=_producer(request)["pk"]).pk}


def _rating(request):
    from tests.factories import StarRatingFactory

    return {"pk": StarRatingFactory(product_id=_product(request)["pk"]).pk}


def _receipt(request):
    from datetime import date
    from decimal import Decimal

    from members import services
    from members.models import NetworkMembership, NetworkSettings
    from tests.factories import UserFactory

    NetworkSettings.objects.update_or_create(pk=1, defaults={"annual_fee": Decimal("20")})
    membership = NetworkMembership.objects.get(producer_id=_producer(request)["pk"])
    payment = services.membership_renew(
        membership=membership,
        fiscal_year_be=2569,
        paid_on=date(2025, 11, 1),
        by=UserFactory(staff=True),
    )
    return {"pk": payment.pk}


def _registering(outcome=200):
    """Registering a producer: district members (in their own district) and staff."""
    return {**_logged_in(outcome), "officer": 403}


@dataclass
class Row:
    """Expected outcomes of one URL. `kwargs` is a dict, or a function of the test's
    `request` that builds the objects the URL needs (through factories) and returns
    the URL's arguments."""

    get: dict
    post: dict
    kwargs: dict | Callable = field(default_factory=dict)
    data: dict = field(default_factory=dict)

    def url_kwargs(self, request) -> dict:
        return self.kwargs(request) if callable(self.kwargs) else self.kwargs


MATRIX = {
    # public pages
    "about": Row(get=_all(200), post=_all(405)),
    "health": Row(get=_all(200), post=_all(405)),
    "set_language": Row(get=_all(302), post=_all(302), data={"language": "en", "next": "/"}),
    "login": Row(get={**_all(302), "anonymous": 200}, post={**_all(302), "anonymous": 200}),
    "password_reset": Row(get=_all(200), post=_all(302), data={"email": "nobody@example.org"}),
    "password_reset_done": Row(get=_all(200), post=_all(405)),
    "password_reset_confirm": Row(
        get=_all(200), post=_all(200), kwargs={"uidb64": "MQ", "token": "bad-token"}
    ),
    "password_reset_complete": Row(get=_all(200), post=_all(405)),
    # every login
    "home": Row(get=_logged_in(200), post=_logged_in(405)),
    "logout": Row(get=_logged_in(405), post=_logged_in(302)),
    "password_change": Row(get=_logged_in(200), post=_logged_in(200)),
    "password_change_done": Row(get=_logged_in(200), post=_logged_in(405)),
    # district-owned
    # (pages that only show answer POST with 405 before looking anything up)
    "members:district_detail": Row(
        get=_district_object(), post=_logged_in(405), kwargs={"code": OWN_DISTRICT}
    ),
    # provincial staff
    "members:account_list": Row(get=_staff_only(), post=_logged_in(405)),
    # the registry
    "members:producer_list": Row(get=_logged_in(200), post=_logged_in(405)),
    "members:producer_export": [
        Row(get=_logged_in(200), post=_logged_in(405), kwargs={"fmt": "csv"}),
        Row(get=_logged_in(200), post=_logged_in(405), kwargs={"fmt": "xlsx"}),
    ],
    "members:producer_create": Row(get=_registering(), post=_registering()),
    "members:producer_detail": Row(get=_district_object(), post=_logged_in(405), kwargs=_producer),
    "members:producer_edit": Row(get=_district_write(), post=_district_write(), kwargs=_producer),
    "members:person_add": Row(get=_district_write(), post=_district_write(), kwargs=_producer),
    "members:product_add": Row(get=_district_write(), post=_district_write(), kwargs=_producer),
    "members:contact_add": Row(get=_district_write(), post=_district_write(), kwargs=_producer),
    "members:sales_add": Row(get=_district_write(), post=_district_write(), kwargs=_producer),
    "members:person_detail": Row(get=_district_object(), post=_logged_in(405), kwargs=_person),
    "members:person_edit": Row(get=_district_write(), post=_district_write(), kwargs=_person),
    "members:product_edit": Row(get=_district_write(), post=_district_write(), kwargs=_product),
    "members:rating_add": Row(get=_district_write(), post=_district_write(), kwargs=_product),
    "members:quadrant_add": Row(get=_district_write(), post=_district_write(), kwargs=_product),
    "members:certification_add": Row(
        get=_district_write(), post=_district_write(), kwargs=_product
    ),
    "members:rating_verify": Row(
        get=_logged_in(405),
        post={**_district_object(403), "staff": 302},
        kwargs=_rating,
    ),
    "members:postal_codes": Row(get=_logged_in(200), post=_logged_in(405)),
    "members:membership_renew": Row(
        get=_logged_in(405), post={**_district_write(302), "officer": 403}, kwargs=_producer
    ),
    "members:membership_end": Row(get=_district_write(), post=_district_write(), kwargs=_producer),
    "members:membership_receipt": Row(
        get=_district_object(), post=_logged_in(405), kwargs=_receipt
    ),
    "members:membership_due": Row(get=_logged_in(200), post=_logged_in(405)),
    "members:renewal_letters": Row(get=_logged_in(200), post=_logged_in(405)),
    "members:account_export": [
        Row(get=_staff_only(), post=_logged_in(405), kwargs={"fmt": "csv"}),
        Row(get=_staff_only(), post=_logged_in(405), kwargs={"fmt": "xlsx"}),
    ],
}
CASES = [
    (name, index, row)
    for name, rows in MATRIX.items()
    for index, row in enumerate(rows if isinstance(rows, list) else [rows])
]


def _named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner in IGNORED_NAMESPACES:
                continue
            prefix = f"{namespace}{inner}:" if inner else namespace
            yield from _named_urls(pattern, prefix)
        elif isinstance(pattern, URLPattern):
            # an unnamed pattern cannot be in the matrix: it shows up as a failure
            yield namespace + (pattern.name or f"<unnamed {pattern.pattern}>")


def test_every_named_url_is_in_the_matrix():
    assert set(_named_urls()) == set(MATRIX)


def _check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302, response
        assert response["Location"].startswith(reverse("login")), response["Location"]
    else:
        assert response.status_code == expected, (response.status_code, response.content[:300])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "variant", "row"), CASES, ids=[f"{n}#{i}" for n, i, _ in CASES])
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_matrix_holds(request, client, db, name, variant, row, persona, method):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = reverse(name, kwargs=row.url_kwargs(request))
    response = getattr(client, method)(url, row.data if method == "post" else None)
    _check(response, getattr(row, method)[persona])
