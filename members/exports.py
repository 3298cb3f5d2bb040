"""Registry exports: each yields the rows a report needs through the shared mechanism."""

from django.utils.translation import gettext_lazy as _

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
    everyone but provincial staff (DOMAIN.md §3)."""
    show_id = format_national_id if full_ids else mask_national_id

    def contact_id(producer):
        person = producer.contact_person
        return show_id(person.national_id) if person and person.national_id else ""

    return Export(
        filename=_("producers"),
        columns=[
            Column(_("Name"), lambda p: p.name),
            Column(_("Type"), lambda p: p.get_producer_type_display()),
            Column(
                _("Community enterprise number"), lambda p: p.community_enterprise_no, kind="id"
            ),
            Column(_("CDD producer code"), lambda p: p.cdd_code or "", kind="id"),
            Column(_("District"), lambda p: p.district.name),
            Column(_("Subdistrict"), lambda p: p.subdistrict.name if p.subdistrict else ""),
            Column(_("Postal code"), lambda p: p.postal_code, kind="id"),
            Column(_("Phone"), lambda p: p.phone, kind="id"),
            Column(_("Contact person"), lambda p: str(p.contact_person or "")),
            Column(_("Contact's national ID"), contact_id, kind="id"),
            Column(
                _("Contact's phone"),
                lambda p: p.contact_person.phone if p.contact_person else "",
                kind="id",
            ),
            Column(_("Products"), lambda p: p.product_names or ""),
            Column(_("Number of products"), lambda p: p.product_count or 0, kind="int"),
            Column(_("Best current stars"), lambda p: p.best_stars, kind="int"),
            Column(_("Membership"), lambda p: _status_label(p.membership_status)),
            Column(_("Registered"), lambda p: p.created_at, kind="date"),
        ],
        rows=producers,
    )


def _status_label(status) -> str:
    from members.models import MembershipStatus

    return str(MembershipStatus(status).label) if status else ""
