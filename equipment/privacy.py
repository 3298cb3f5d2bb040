"""What shared machinery holds about a person, for their export and anonymisation
(members/privacy.py). Bookings belong to producers; a person answers for the ones of
the producers they own or are the contact of. The only copies of a person's name are
typed on forms: who acknowledged a unit's condition at check-out, and who accepted
a type's terms of use. Bookings and loans themselves stay as they are."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from equipment.models import ACTIVE, Booking, BookingKind, Loan, TermsAcceptance
from members.models import MemberRole
from members.privacy import PersonData, register, scrub_with_history, sheet


def _answers_for(person) -> Q:
    """Bookings of producers the person owns or is the contact of."""
    return Q(producer__contact_person=person) | Q(
        producer__members__person=person, producer__members__role=MemberRole.OWNER
    )


def _bookings(person):
    return (
        Booking.objects.filter(kind=BookingKind.LOAN)
        .filter(Q(producer__contact_person=person) | Q(producer__members__person=person))
        .select_related("producer", "unit__equipment_type")
        .distinct()
        .order_by("period")
    )


@register
class EquipmentData(PersonData):
    def sheets(self, person):
        return [
            sheet(
                pgettext_lazy("personal data sheet", "Equipment bookings"),
                [
                    (_("Producer"), lambda b: b.producer.name),
                    (_("Unit"), lambda b: str(b.unit)),
                    (_("From"), lambda b: b.period.lower),
                    (_("To"), lambda b: b.period.upper),
                    (_("Status"), lambda b: b.get_status_display()),
                    (_("Purpose"), lambda b: b.purpose),
                ],
                _bookings(person),
            )
        ]

    def open_matters(self, person):
        active = Booking.objects.filter(_answers_for(person), status__in=ACTIVE)
        if active.exists():
            return [
                _(
                    "A producer they own or are the contact of has an equipment booking "
                    "that is not finished."
                )
            ]
        return []

    def anonymise(self, person, *, needles, placeholder):
        cleared = {
            str(Loan._meta.verbose_name_plural): scrub_with_history(
                Loan.objects.all(), ["acknowledged_by"], needles, placeholder
            ),
            str(TermsAcceptance._meta.verbose_name_plural): scrub_with_history(
                TermsAcceptance.objects.all(), ["accepted_by_name"], needles, placeholder
            ),
        }
        return {label: count for label, count in cleared.items() if count}
