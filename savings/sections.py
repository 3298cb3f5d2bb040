"""What the savings group adds to the home page, a producer's page and the navigation."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Person
from otop_portal.lib.sections import (
    HOME,
    PRODUCER,
    NavItem,
    Section,
    register_nav,
    register_section,
)
from savings import permissions, selectors
from savings.models import LIVE_LOAN, Loan, Saver


def _home(request, obj=None) -> dict:
    user = request.user
    return {
        "overview": selectors.overview(user),
        "waiting": selectors.waiting_for(user),
    }


def _producer(request, producer) -> dict:
    """The producer's people in the group: their balances and live loans; the people not
    yet members, for the treasurer to enrol."""
    people = set(
        Person.objects.filter(Q(memberships__producer=producer) | Q(pk=producer.contact_person_id))
        .distinct()
        .values_list("pk", flat=True)
    )
    savers = list(
        Saver.objects.filter(person_id__in=people)
        .select_related("person", "account")
        .order_by("member_number", "pk")
    )
    loans = list(
        Loan.objects.filter(saver__in=savers, status__in=LIVE_LOAN)
        .select_related("saver__person", "loan_type")
        .order_by("applied_on")
    )
    enrolled = {saver.person_id for saver in savers}
    may_enrol = permissions.may_record(request.user, producer.district_id)
    return {
        "savers": savers,
        "loans": loans,
        "not_members": (
            list(Person.objects.filter(pk__in=people - enrolled).order_by("first_name"))
            if may_enrol
            else []
        ),
    }


def register() -> None:
    """Called from SavingsConfig.ready()."""
    register_nav(
        NavItem(key="savings", label=_("Savings group"), url_name="savings:index", order=40)
    )
    register_section(
        HOME,
        Section(
            key="savings.group",
            title=_("Savings group"),
            template="savings/section_home.html",
            context=_home,
            order=50,
        ),
    )
    register_section(
        PRODUCER,
        Section(
            key="savings.members",
            title=_("Savings group"),
            template="savings/section_producer.html",
            context=_producer,
            order=70,
        ),
    )
