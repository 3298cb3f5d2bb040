"""Registry exports: each yields the rows a report needs through the shared mechanism."""

from django.utils.translation import gettext_lazy as _

from otop_portal.lib.exports import Column, Export


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
