"""In a real browser, the key pages of each persona raise no Content Security Policy
violation: not on load, not after an htmx swap, not in Django's admin.

A small init script (test code, added by Playwright before any page script runs)
records every `securitypolicyviolation` event; the console is watched for CSP errors
too. A failure lists the pages and what was blocked.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_permissions import MATRIX

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || "?"}:${event.lineNumber}`);
});
"""
PAGES = {
    "anonymous": ["login", "about", "password_reset", "fairs:verify_index"],
    "district_member": [
        "home",
        "members:district_detail",
        "members:producer_list",
        "members:producer_create",
        "equipment:index",
        "equipment:unit_detail",
        "fairs:index",
        "fairs:plan",
        "savings:index",
    ],
    "officer": ["home", "members:reports", "equipment:reports", "savings:reports"],
    "staff": [
        "home",
        "members:producer_list",
        "members:producer_detail",
        "members:account_list",
        "equipment:booking_list",
        "equipment:care_desk",
        "fairs:plan",
        "savings:journal",
        "savings:loan_apply",
        "admin:index",
        "admin:members_producer_changelist",
        "admin:members_producer_add",
        "admin:members_user_add",
        "admin:fairs_fair_add",
    ],
}


def _url(request, name: str) -> str:
    if name.startswith("admin:"):
        return reverse(name)
    rows = MATRIX[name]
    row = rows[0] if isinstance(rows, list) else rows
    return reverse(name, kwargs=row.url_kwargs(request))


def _log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def _visit(page, url: str) -> list[str]:
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp")


@pytest.mark.parametrize("persona", list(PAGES))
def test_key_pages_raise_no_csp_violation(request, browser, live_server, geography, persona):
    context = browser.new_context(base_url=live_server.url, locale="th-TH")
    context.add_init_script(LISTEN)
    page = context.new_page()
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    if persona != "anonymous":
        _log_in(page, live_server, request.getfixturevalue(persona))
    found = {}
    try:
        for name in PAGES[persona]:
            blocked = _visit(page, _url(request, name))
            if name == "members:producer_list":
                blocked += _search(page)
            blocked += console
            console.clear()
            if blocked:
                found[name] = blocked
    finally:
        context.close()
    assert found == {}, found


def _search(page) -> list[str]:
    """Search through htmx: the swapped-in rows must keep the policy too."""
    form = page.locator("form[role=search]")
    form.locator("input[name=q]").fill("กลุ่ม")
    with page.expect_response(lambda response: "q=" in response.url):
        form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp")


def test_the_listener_sees_an_inline_script_being_blocked(browser, live_server):
    """The check can fail: an inline script on one of our pages is reported."""
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.goto(reverse("about"))
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.ran = true"; document.body.append(s); }"""
    )
    page.wait_for_timeout(200)
    blocked = page.evaluate("window.__csp")
    ran = page.evaluate("window.ran === true")
    context.close()
    assert not ran
    assert any("script-src" in line for line in blocked), blocked
