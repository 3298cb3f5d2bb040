"""What the registry adds to the home pages and the navigation."""

from django.utils.translation import gettext_lazy as _

from members import selectors
from otop_portal.lib.scoping import can_write
from otop_portal.lib.sections import (
    HOME,
    PRODUCER,
    NavItem,
    Section,
    register_nav,
    register_section,
)


def _my_district(request, obj=None) -> dict:
    district = request.user.district
    return {"district": district, "subdistricts": selectors.subdistricts_of(district)}


def _all_districts(request, obj=None) -> dict:
    return {"districts": selectors.districts_for(request.user)}


def _dashboard(request, obj=None) -> dict:
    from members.models import Category

    rows = selectors.district_dashboard(request.user)
    for row in rows:
        row["category_counts"] = [row["categories"].get(c, 0) for c in Category.values]
        row["star_counts"] = [row["stars"].get(n, 0) for n in range(5, 0, -1)]
        row["category_pairs"] = list(zip(Category.labels, row["category_counts"], strict=True))
        row["star_pairs"] = list(zip(range(5, 0, -1), row["star_counts"], strict=True))
    return {
        "rows": rows,
        "categories": Category.choices,
        "star_levels": range(5, 0, -1),
        "expiry_days": selectors.EXPIRY_WARNING_DAYS,
    }


def _people(request, producer) -> dict:
    return {"members": selectors.people_of(producer), "may_edit": can_write(request.user, producer)}


def _products(request, producer) -> dict:
    return {
        "products": selectors.products_of(producer),
        "may_edit": can_write(request.user, producer),
        "may_verify": request.user.is_provincial_staff,
    }


def _membership(request, producer) -> dict:
    from members.forms import RenewalForm
    from members.models import NetworkMembership, NetworkSettings

    membership = NetworkMembership.objects.filter(producer=producer).first()
    payments = membership.payments.select_related("recorded_by") if membership else []
    return {
        "membership": membership,
        "settings": NetworkSettings.current(),
        "payments": payments,
        "may_edit": can_write(request.user, producer),
        "renewal_form": RenewalForm(),
    }


def _contacts(request, producer) -> dict:
    return {
        "contacts": producer.contacts.select_related("recorded_by")[:20],
        "may_edit": can_write(request.user, producer),
    }


def _sales(request, producer) -> dict:
    return {"sales": producer.sales.all()[:40], "may_edit": can_write(request.user, producer)}


def _history(request, producer) -> dict:
    from otop_portal.lib.history import changes_of

    return {"changes": changes_of(producer)}


PRODUCER_SECTIONS = [
    ("members.people", _("People"), "people", _people, 10),
    ("members.products", _("Products"), "products", _products, 20),
    ("members.membership", _("Network membership"), "membership", _membership, 30),
    ("members.contacts", _("Contact log"), "contacts", _contacts, 80),
    ("members.sales", _("Sales reports"), "sales", _sales, 90),
]


def register() -> None:
    for key, title, template, context, order in PRODUCER_SECTIONS:
        register_section(
            PRODUCER,
            Section(
                key=key,
                title=title,
                context=context,
                order=order,
                template=f"members/sections/producer_{template}.html",
            ),
        )
    register_section(
        PRODUCER,
        Section(
            key="members.history",
            title=_("History"),
            template="members/includes/history.html",
            context=_history,
            order=100,
            visible=lambda user: user.is_provincial_staff,
        ),
    )
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
    register_section(
        HOME,
        Section(
            key="members.dashboard",
            title=_("Producers at a glance"),
            template="members/sections/dashboard.html",
            context=_dashboard,
            order=5,
        ),
    )
    register_nav(NavItem(key="home", label=_("Home"), url_name="home", order=0))
    register_nav(
        NavItem(
            key="members.producers",
            label=_("Producers"),
            url_name="members:producer_list",
            order=10,
        )
    )
    register_nav(
        NavItem(
            key="members.due", label=_("Members due"), url_name="members:membership_due", order=11
        )
    )
    register_nav(
        NavItem(key="members.reports", label=_("Reports"), url_name="members:reports", order=80)
    )
    register_nav(
        NavItem(
            key="members.accounts",
            label=_("Accounts"),
            url_name="members:account_list",
            order=90,
            visible=lambda user: user.is_provincial_staff,
        )
    )
