"""Registry exports: each yields the rows a report needs through the shared mechanism."""

from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from otop_portal.lib import copy_csv
from otop_portal.lib.exports import Column, Export
from otop_portal.lib.natid import format_national_id, mask_national_id


def accounts_export(accounts) -> Export:
    return Export(
        filename=_("accounts"),
        columns=[
            Column(_("Username"), lambda u: u.username, kind="id"),
            Column(_("Name"), lambda u: u.get_full_name()),
            Column(_("Role"), lambda u: u.get_role_display()),
            Column(_("District"), lambda u: u.district.name if u.district else ""),
            Column(_("Functions"), lambda u: ", ".join(u.function_labels())),
            Column(_("Email"), lambda u: u.email),
            Column(_("Phone"), lambda u: u.phone, kind="id"),
            Column(_("Active"), lambda u: _("Yes") if u.is_active else _("No")),
            Column(_("Last login"), lambda u: u.last_login, kind="datetime"),
            Column(_("Date joined"), lambda u: u.date_joined, kind="datetime"),
        ],
        rows=accounts,
    )


def producers_export(producers, *, full_ids: bool) -> Export:
    """The producer list as it is filtered on the page. National IDs are masked for
    everyone but provincial staff (DOMAIN.md §3). Each column also says its SQL: the
    CSV of every producer in the country is written by PostgreSQL's COPY."""
    from members.models import MembershipStatus, ProducerType

    show_id = format_national_id if full_ids else mask_national_id

    def contact_id(producer):
        person = producer.contact_person
        return show_id(person.national_id) if person and person.national_id else ""

    return Export(
        filename=_("producers"),
        columns=[
            Column(_("Name"), lambda p: p.name, sql="name"),
            Column(
                _("Type"),
                lambda p: p.get_producer_type_display(),
                sql=copy_csv.label("producer_type", ProducerType.choices),
            ),
            Column(
                _("Community enterprise number"),
                lambda p: p.community_enterprise_no,
                kind="id",
                sql="community_enterprise_no",
            ),
            Column(_("CDD producer code"), lambda p: p.cdd_code or "", kind="id", sql="cdd_code"),
            Column(_("District"), lambda p: p.district.name, sql=copy_csv.area_name("district__")),
            Column(
                _("Subdistrict"),
                lambda p: p.subdistrict.name if p.subdistrict else "",
                sql=copy_csv.area_name("subdistrict__"),
            ),
            Column(_("Postal code"), lambda p: p.postal_code, kind="id", sql="postal_code"),
            Column(_("Phone"), lambda p: p.phone, kind="id", sql="phone"),
            Column(
                _("Contact person"),
                lambda p: str(p.contact_person or ""),
                sql=copy_csv.full_name("contact_person__"),
            ),
            Column(
                _("Contact's national ID"),
                contact_id,
                kind="id",
                sql=copy_csv.national_id("contact_person__national_id", full=full_ids),
            ),
            Column(
                _("Contact's phone"),
                lambda p: p.contact_person.phone if p.contact_person else "",
                kind="id",
                sql="contact_person__phone",
            ),
            Column(_("Products"), lambda p: p.product_names or "", sql="product_names"),
            Column(
                _("Number of products"),
                lambda p: p.product_count or 0,
                kind="int",
                sql=Coalesce("product_count", 0),
            ),
            Column(_("Best current stars"), lambda p: p.best_stars, kind="int", sql="best_stars"),
            Column(
                _("Membership"),
                lambda p: _status_label(p.membership_status),
                sql=copy_csv.label("membership_status", MembershipStatus.choices),
            ),
            Column(
                _("Registered"),
                lambda p: p.created_at,
                kind="date",
                sql=copy_csv.local_date("created_at"),
            ),
        ],
        rows=producers,
    )


def _status_label(status) -> str:
    from members.models import MembershipStatus

    return str(MembershipStatus(status).label) if status else ""


def products_export(products, *, unit: str = "") -> Export:
    """Products with their current star rating (latest round), its verification and the
    latest quadrant."""
    return Export(
        filename=_("products"),
        columns=[
            Column(_("Producer"), lambda p: p.producer.name),
            Column(_("District"), lambda p: p.producer.district.name),
            Column(_("Product"), lambda p: p.name),
            Column(_("Category"), lambda p: p.get_category_display()),
            Column(_("Price"), lambda p: p.price, kind="decimal"),
            Column(_("Unit"), lambda p: p.unit),
            Column(_("Current stars"), lambda p: p.current_stars, kind="int"),
            Column(_("OPC round"), lambda p: p.current_round, kind="int"),
            Column(_("Verified"), lambda p: _yes_no(p.current_verified) if p.current_stars else ""),
            Column(_("Quadrant"), lambda p: p.latest_quadrant or ""),
            Column(_("Still made"), lambda p: _yes_no(p.is_active)),
        ],
        rows=products,
    )


def memberships_export(producers) -> Export:
    """Members and their fee status: status today, valid until, the last renewal."""
    return Export(
        filename=_("network members"),
        columns=[
            Column(_("Producer"), lambda p: p.name),
            Column(_("District"), lambda p: p.district.name),
            Column(_("Membership"), lambda p: _status_label(p.membership_status)),
            Column(_("Valid until"), lambda p: p.membership_valid_until, kind="date"),
            Column(_("Last renewal (fiscal year)"), lambda p: p.last_renewal_year, kind="int"),
            Column(_("Last fee paid"), lambda p: p.last_renewal_amount, kind="decimal"),
            Column(_("Last receipt"), lambda p: p.last_receipt or "", kind="id"),
            Column(_("Contact person"), lambda p: str(p.contact_person or "")),
            Column(
                _("Contact's phone"),
                lambda p: p.contact_person.phone if p.contact_person else "",
                kind="id",
            ),
        ],
        rows=producers,
    )


def sales_summary_export(rows) -> Export:
    """Sales per fiscal year, district and category (a producer's sales count under its
    main category: the one most of its products are in)."""
    from members.models import Category

    labels = dict(Category.choices)
    return Export(
        filename=_("sales by district and category"),
        columns=[
            Column(_("Fiscal year"), lambda r: r["fiscal_year_be"], kind="int"),
            Column(_("District"), lambda r: r["district_name"]),
            Column(_("Category"), lambda r: str(labels.get(r["category"], "")) or "—"),
            Column(_("Producers"), lambda r: r["producers"], kind="int"),
            Column(_("Sales"), lambda r: r["total"], kind="decimal"),
        ],
        rows=rows,
    )


def _yes_no(value) -> str:
    return str(_("Yes")) if value else str(_("No"))
