"""Every page of the permission matrix keeps the Content Security Policy and carries
the security headers.

Each URL some persona may open (a GET outcome of 200 in tests/test_permissions.py) is
fetched as that persona: the HTML must hold nothing the policy would block (an inline
script or style, an on* handler, a javascript: link, a script, stylesheet or image
from another site) and every response, exports and photos included, must carry the
headers. A failure names the page.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tests.matrix import producer
from tests.test_permissions import CASES

# Staff see the most buttons and forms; the others only where staff may not go.
PREFERRED = ["staff", "district_member", "officer", "other_district_member", "anonymous"]
# Script blocks that browsers never run as script (Django's json_script).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}


def _pages():
    for name, variant, row in CASES:
        readers = [persona for persona in PREFERRED if row.get.get(persona) == 200]
        if readers:
            yield pytest.param(name, row, readers[0], id=f"{name}#{variant}")
    # The home page differs most between personas: each one's.
    for persona in PREFERRED[:4]:
        yield pytest.param("home", None, persona, id=f"home@{persona}")


class _Violations(HTMLParser):
    """Collects what a strict policy (script-src 'self'; style-src 'self') would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        where = self.get_starttag_text()[:120]
        for attribute, value in attrs:
            if attribute.startswith("on") or attribute.startswith("hx-on"):
                self.found.append(f"event handler attribute {attribute}: {where}")
            if attribute == "style":
                self.found.append(f"style attribute: {where}")
            if attribute in URL_ATTRIBUTES and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"javascript: URL: {where}")
        if tag == "style":
            self.found.append("a <style> element")
        if tag == "script":
            self._script(attributes, where)
        elif tag == "link" and attributes.get("href"):
            self._same_origin(attributes["href"], where, data_allowed=False)
        elif tag in {"img", "source", "iframe", "embed", "object"}:
            for attribute in ("src", "data"):
                if attributes.get(attribute):
                    self._same_origin(attributes[attribute], where, data_allowed=tag == "img")

    def _script(self, attributes, where):
        if "src" in attributes:
            self._same_origin(attributes["src"] or "", where, data_allowed=False)
        elif (attributes.get("type") or "").lower() not in DATA_SCRIPT_TYPES:
            self.found.append(f"inline script: {where}")

    def _same_origin(self, url, where, *, data_allowed):
        parts = urlsplit(url.strip())
        if parts.scheme == "data" and data_allowed:
            return
        own = parts.scheme in {"http", "https", ""} and parts.netloc in {"", "testserver"}
        if not own:
            self.found.append(f"resource from elsewhere: {where}")


def html_violations(html: str) -> list[str]:
    parser = _Violations()
    parser.feed(html)
    parser.close()
    return parser.found


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in filter(None, (piece.strip() for piece in header.split(";"))):
        name, *sources = part.split()
        directives[name.lower()] = sources
    return directives


def header_problems(response) -> list[str]:
    problems = []
    policy = response.headers.get("Content-Security-Policy")
    if not policy:
        return ["no Content-Security-Policy header", *_other_header_problems(response)]
    directives = csp_directives(policy)
    fallback = directives.get("default-src", [])
    for directive in ("script-src", "style-src"):
        sources = directives.get(directive, fallback)
        if not sources or not set(sources) <= {"'self'", "'none'"}:
            problems.append(f"{directive} allows {sources}")
    if directives.get("frame-ancestors") != ["'none'"] and "sandbox" not in directives:
        problems.append(f"frame-ancestors is {directives.get('frame-ancestors')}")
    return problems + _other_header_problems(response)


def _other_header_problems(response) -> list[str]:
    expected = {
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    return [
        f"{header} is {response.headers.get(header)!r}, not {value!r}"
        for header, value in expected.items()
        if response.headers.get(header) != value
    ]


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize(("name", "row", "persona"), list(_pages()))
def test_every_page_keeps_the_content_security_policy(request, client, db, name, row, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    kwargs = row.url_kwargs(request) if row else {}
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200, response.status_code
    problems = header_problems(response)
    body = _body(response)
    if response.headers.get("Content-Type", "").startswith("text/html"):
        problems += html_violations(body.decode())
    assert problems == [], problems


def _check_page(response):
    assert response.status_code == 200, response.status_code
    problems = header_problems(response) + html_violations(response.content.decode())
    assert problems == [], problems


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda model: model._meta.label_lower
)
def test_every_admin_list_and_add_page_keeps_the_policy(client, staff, model):
    client.force_login(staff)
    opts = model._meta
    _check_page(client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")))
    request = RequestFactory().get("/")
    request.user = staff
    if admin.site._registry[model].has_add_permission(request):
        _check_page(client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")))


def test_admin_change_pages_keep_the_policy(request, client, staff):
    client.force_login(staff)
    _check_page(client.get(reverse("admin:members_user_change", args=[staff.pk])))
    made = producer(request)["pk"]
    _check_page(client.get(reverse("admin:members_producer_change", args=[made])))
    _check_page(client.get(reverse("admin:members_producer_history", args=[made])))


def test_the_english_pages_keep_it_too(client, staff):
    client.force_login(staff)
    with translation.override("en"):
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert header_problems(response) == []
    assert html_violations(response.content.decode()) == []


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        '<p style="color:red">x</p>',
        '<button onclick="go()">x</button>',
        '<button hx-on:click="go()">x</button>',
        '<a href="javascript:go()">x</a>',
        '<script src="https://cdn.example.org/x.js"></script>',
        '<link rel="stylesheet" href="//cdn.example.org/x.css">',
        '<img src="https://tracker.example.org/p.gif">',
    ],
)
def test_the_checker_finds_what_the_policy_would_block(html):
    assert html_violations(html), html


@pytest.mark.parametrize(
    "html",
    [
        '<script src="/static/js/portal.js" defer></script>',
        '<script id="d" type="application/json">{"a": 1}</script>',
        '<img src="data:image/png;base64,AAAA" alt="">',
        '<a href="http://testserver/x/" hx-get="/x/">x</a>',
        '<link rel="stylesheet" href="/static/css/portal.css">',
    ],
)
def test_the_checker_lets_our_own_files_through(html):
    assert html_violations(html) == []


def test_the_policy_refuses_inline_and_eval(settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for directive in ("script-src", "style-src"):
        assert directives[directive] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
