"""The audit pages' exports: the same filters and rows as the pages, Thai headers."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from otop_portal.audit.selectors import EventFilters, EventRows, ViewFilters, national_id_views
from otop_portal.lib.exports import Column, Export


def events_export(filters: EventFilters) -> Export:
    return Export(
        filename=_("audit-trail"),
        columns=[
            Column(pgettext_lazy("audit", "When"), lambda event: event.at, "datetime"),
            Column(pgettext_lazy("audit", "Who"), lambda event: event.who),
            Column(_("Kind of record"), lambda event: event.kind_name),
            Column(_("Record number"), lambda event: event.object_id, "id"),
            Column(pgettext_lazy("audit", "Record"), lambda event: event.object_text),
            Column(pgettext_lazy("audit", "Action"), lambda event: event.action_name),
            Column(_("Changes (old → new)"), lambda event: event.changes_text),
            Column(_("Page"), lambda event: event.url),
        ],
        rows=EventRows(filters),
    )


def national_id_views_export(user, filters: ViewFilters) -> Export:
    return Export(
        filename=_("national-id-views"),
        columns=[
            Column(pgettext_lazy("audit", "When"), lambda view: view.viewed_at, "datetime"),
            Column(_("Seen by"), lambda view: view.viewed_by),
            Column(_("Username"), lambda view: view.viewed_by.username),
            Column(_("Whose ID"), lambda view: view.person),
            Column(_("District of the person"), lambda view: view.person.district.name),
            Column(_("Page"), lambda view: view.path),
        ],
        rows=national_id_views(user, filters),
    )
