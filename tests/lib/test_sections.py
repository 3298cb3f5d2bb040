"""The section registry joins apps on one page without apps importing each other."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from otop_portal.lib.sections import HOME, NavItem, Registry, Section


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_sections_come_in_order_and_only_for_whom_they_are_visible(district_member, staff):
    registry = Registry()
    registry.add_section(HOME, Section("b", "B", "b.html", lambda r, o: {"n": 2}, order=20))
    registry.add_section(HOME, Section("a", "A", "a.html", lambda r, o: {"n": 1}, order=10))
    registry.add_section(
        HOME,
        Section("staff", "S", "s.html", lambda r, o: {}, visible=lambda u: u.is_provincial_staff),
    )
    shown = registry.sections_for(HOME, _request(district_member))
    assert [(item["section"].key, item["n"]) for item in shown] == [("a", 1), ("b", 2)]
    assert "staff" in [item["section"].key for item in registry.sections_for(HOME, _request(staff))]


def test_registering_a_section_twice_replaces_it():
    registry = Registry()
    registry.add_section(HOME, Section("a", "A", "a.html", lambda r, o: {}))
    registry.add_section(HOME, Section("a", "A2", "a.html", lambda r, o: {}))
    assert [s.title for s in registry.sections[HOME].values()] == ["A2"]


def test_an_unknown_place_is_refused():
    with pytest.raises(ValueError):
        Registry().add_section("nowhere", Section("a", "A", "a.html", lambda r, o: {}))


def test_navigation_shows_each_persona_only_what_it_may_use(client, district_member, staff):
    client.force_login(district_member)
    page = client.get(reverse("home")).content.decode()
    assert reverse("members:account_list") not in page
    assert reverse("admin:index") not in page
    client.force_login(staff)
    page = client.get(reverse("home")).content.decode()
    assert reverse("members:account_list") in page
    assert reverse("admin:index") in page


def test_nav_items_filter_by_user(district_member):
    registry = Registry()
    registry.add_nav(NavItem("x", "X", "home", visible=lambda u: u.is_provincial_staff))
    assert registry.nav_for(district_member) == []
