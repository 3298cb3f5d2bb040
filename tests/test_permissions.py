"""The permission matrix: every named URL, for every persona, GET and POST.

Each URL in the resolver must have a row here (a test fails otherwise), so a new
page cannot ship without saying who may use it. Objects a URL needs are built
through factories and belong to the own district (2701); the other district's
member must get 404 for them, never 403.

Expected outcomes: an HTTP status, or LOGIN (a redirect to the login page).
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.conftest import OWN_DISTRICT
from tests.matrix import (
    LOGIN,
    PERSONAS,
    Row,
    all_,
    district_object,
    district_write,
    logged_in,
    person,
    producer,
    product,
    rating,
    receipt,
    registering,
    staff_only,
    two_producers,
)

# Admin URLs are covered by test_admin.py; Django's admin is for provincial staff only.
IGNORED_NAMESPACES = {"admin"}

MATRIX = {
    # public pages
    "about": Row(get=all_(200), post=all_(405)),
    "health": Row(get=all_(200), post=all_(405)),
    "set_language": Row(get=all_(302), post=all_(302), data={"language": "en", "next": "/"}),
    "login": Row(get={**all_(302), "anonymous": 200}, post={**all_(302), "anonymous": 200}),
    "password_reset": Row(get=all_(200), post=all_(302), data={"email": "nobody@example.org"}),
    "password_reset_done": Row(get=all_(200), post=all_(405)),
    "password_reset_confirm": Row(
        get=all_(200), post=all_(200), kwargs={"uidb64": "MQ", "token": "bad-token"}
    ),
    "password_reset_complete": Row(get=all_(200), post=all_(405)),
    # every login
    "home": Row(get=logged_in(200), post=logged_in(405)),
    "logout": Row(get=logged_in(405), post=logged_in(302)),
    "password_change": Row(get=logged_in(200), post=logged_in(200)),
    "password_change_done": Row(get=logged_in(200), post=logged_in(405)),
    # district-owned
    # (pages that only show answer POST with 405 before looking anything up)
    "members:district_detail": Row(
        get=district_object(), post=logged_in(405), kwargs={"code": OWN_DISTRICT}
    ),
    # provincial staff
    "members:account_list": Row(get=staff_only(), post=logged_in(405)),
    # the registry
    "members:producer_list": Row(get=logged_in(200), post=logged_in(405)),
    "members:producer_export": [
        Row(get=logged_in(200), post=logged_in(405), kwargs={"fmt": "csv"}),
        Row(get=logged_in(200), post=logged_in(405), kwargs={"fmt": "xlsx"}),
    ],
    "members:producer_create": Row(get=registering(), post=registering()),
    "members:producer_detail": Row(get=district_object(), post=logged_in(405), kwargs=producer),
    "members:producer_edit": Row(get=district_write(), post=district_write(), kwargs=producer),
    "members:producer_merge_find": Row(get=staff_only(), post=logged_in(405), kwargs=producer),
    "members:producer_merge": Row(
        get=staff_only(), post=staff_only(302), kwargs=two_producers, data={"reason": "ซ้ำ"}
    ),
    "members:person_add": Row(get=district_write(), post=district_write(), kwargs=producer),
    "members:product_add": Row(get=district_write(), post=district_write(), kwargs=producer),
    "members:contact_add": Row(get=district_write(), post=district_write(), kwargs=producer),
    "members:sales_add": Row(get=district_write(), post=district_write(), kwargs=producer),
    "members:person_detail": Row(get=district_object(), post=logged_in(405), kwargs=person),
    "members:person_edit": Row(get=district_write(), post=district_write(), kwargs=person),
    "members:product_edit": Row(get=district_write(), post=district_write(), kwargs=product),
    "members:rating_add": Row(get=district_write(), post=district_write(), kwargs=product),
    "members:quadrant_add": Row(get=district_write(), post=district_write(), kwargs=product),
    "members:certification_add": Row(get=district_write(), post=district_write(), kwargs=product),
    "members:rating_verify": Row(
        get=logged_in(405),
        post={**district_object(403), "staff": 302},
        kwargs=rating,
    ),
    "members:postal_codes": Row(get=logged_in(200), post=logged_in(405)),
    "members:reports": Row(get=logged_in(200), post=logged_in(405)),
    "members:report_export": [
        Row(get=logged_in(200), post=logged_in(405), kwargs={"kind": kind, "fmt": fmt})
        for kind in ("products", "members", "sales")
        for fmt in ("csv", "xlsx")
    ],
    "members:membership_renew": Row(
        get=logged_in(405), post={**district_write(302), "officer": 403}, kwargs=producer
    ),
    "members:membership_end": Row(get=district_write(), post=district_write(), kwargs=producer),
    "members:membership_receipt": Row(get=district_object(), post=logged_in(405), kwargs=receipt),
    "members:membership_due": Row(get=logged_in(200), post=logged_in(405)),
    "members:renewal_letters": Row(get=logged_in(200), post=logged_in(405)),
    "members:account_export": [
        Row(get=staff_only(), post=logged_in(405), kwargs={"fmt": "csv"}),
        Row(get=staff_only(), post=logged_in(405), kwargs={"fmt": "xlsx"}),
    ],
}


def _app_rows() -> dict:
    """ROWS of every tests/<app>/matrix_*.py module, so each app keeps its own rows."""
    rows = {}
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.rsplit(".", 1)[-1].startswith("matrix_"):
            found = importlib.import_module(module.name).ROWS
            assert not set(found) & set(rows), f"{module.name} repeats a URL"
            rows.update(found)
    return rows


MATRIX.update(_app_rows())
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
