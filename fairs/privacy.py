"""What the fairs hold about a person, for their export (members/privacy.py).
Applications belong to producers; the published frozen list and the draw hold
numbers, districts, categories and tickets, never names, so an anonymisation changes
nothing here and every published hash stays valid."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from fairs.models import Application
from members.privacy import PersonData, register, sheet


@register
class FairsData(PersonData):
    def sheets(self, person):
        applications = (
            Application.objects.filter(
                Q(producer__contact_person=person) | Q(producer__members__person=person)
            )
            .select_related("fair", "producer")
            .distinct()
            .order_by("fair", "number")
        )
        return [
            sheet(
                pgettext_lazy("personal data sheet", "Fair applications"),
                [
                    (_("Fair"), lambda a: a.fair.name),
                    (_("Application number"), lambda a: a.number),
                    (_("Producer"), lambda a: a.producer.name),
                    (_("Category"), lambda a: a.get_category_display()),
                    (_("Status"), lambda a: a.get_status_display()),
                ],
                applications,
            )
        ]
