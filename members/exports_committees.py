"""Exports of committees and activities through the shared mechanism. Phones are
exported as they are (committee members' phones are how the network reaches them);
national IDs are not exported."""

from django.utils.translation import gettext_lazy as _

from otop_portal.lib.exports import Column, Export


def _yes_no(value) -> str:
    if value is None:
        return str(_("Not recorded"))
    return str(_("Yes")) if value else str(_("No"))


def committees_export(seats) -> Export:
    """One row per seat, terms newest first, as the committee list is filtered."""
    return Export(
        filename=_("committees"),
        columns=[
            Column(_("Term"), lambda s: str(s.term)),
            Column(_("Level"), lambda s: s.term.get_level_display()),
            Column(_("District"), lambda s: s.term.district.name if s.term.district else ""),
            Column(_("Term starts"), lambda s: s.term.starts_on, kind="date"),
            Column(_("Term ends"), lambda s: s.term.ends_on, kind="date"),
            Column(_("Appointment reference"), lambda s: s.term.appointment_ref),
            Column(_("Role"), lambda s: s.get_role_display()),
            Column(_("Name"), lambda s: s.person.full_name),
            Column(_("Phone"), lambda s: s.person.phone, kind="id"),
            Column(_("Represents"), lambda s: s.represents.name if s.represents else ""),
            Column(_("Producer"), lambda s: s.producer.name if s.producer else ""),
            Column(_("Seat starts"), lambda s: s.starts_on, kind="date"),
            Column(_("Seat ends"), lambda s: s.ends_on, kind="date"),
        ],
        rows=seats,
    )


def attendance_export(activity, participants) -> Export:
    return Export(
        filename=_("attendance"),
        columns=[
            Column(_("Activity"), lambda p: activity.title),
            Column(_("Name"), lambda p: p.person.full_name),
            Column(_("District"), lambda p: p.person.district.name),
            Column(_("Taking part as"), lambda p: p.capacity),
            Column(_("Phone"), lambda p: p.person.phone, kind="id"),
            Column(_("Invited on"), lambda p: p.invited_on, kind="date"),
            Column(_("Attended"), lambda p: _yes_no(p.attended)),
            Column(_("Note"), lambda p: p.attendance_note),
        ],
        rows=participants,
    )


def action_items_export(activity, items) -> Export:
    return Export(
        filename=_("action plan"),
        columns=[
            Column(_("Activity"), lambda i: activity.title),
            Column(_("District"), lambda i: i.district.name),
            Column(_("Action"), lambda i: i.text),
            Column(_("Responsible"), lambda i: i.owner),
            Column(_("Due"), lambda i: i.due_on, kind="date"),
            Column(_("Done"), lambda i: i.done_on, kind="date"),
        ],
        rows=items,
    )
