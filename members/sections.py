"""What the registry adds to the home pages and the navigation."""

from django.utils.translation import gettext_lazy as _

from members import selectors
from otop_portal.lib.sections import HOME, NavItem, Section, register_nav, register_section


def _my_district(request, obj=None) -> dict:
    district = request.user.district
    return {"district": district, "subdistricts": selectors.subdistricts_of(district)}


def _all_districts(request, obj=None) -> dict:
    return {"districts": selectors.districts_for(request.user)}


def register() -> None:
    register_section(
        HOME,
        Section(
            key="members.my_district",
            title=_("Your district"),
            template="members/sections/my_district.html",
            context=_my_district,
            order=10,
            visible=lambda user: user.is_district_member,
        ),
    )
    register_section(
        HOME,
        Section(
            key="members.districts",
            title=_("Districts of the province"),
            template="members/sections/districts.html",
            context=_all_districts,
            order=10,
            visible=lambda user: user.sees_all_districts,
        ),
    )
    register_nav(NavItem(key="home", label=_("Home"), url_name="home", order=0))
    register_nav(
        NavItem(
            key="members.accounts",
            label=_("Accounts"),
            url_name="members:account_list",
            order=90,
            visible=lambda user: user.is_provincial_staff,
        )
    )
