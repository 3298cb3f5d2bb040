"""Membership of the savings group: the application (form อทผ-01), the committee's
decision with the entry fee, and changes of the monthly pledge."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from members.models import Person, User
from members.services.membership import next_number
from savings import permissions
from savings.models import (
    LIVE,
    Account,
    Beneficiary,
    Document,
    EntryKind,
    GroupPolicy,
    Loan,
    LoanStatus,
    Pledge,
    Role,
    Saver,
    SaverAccount,
    SaverStatus,
)
from savings.services.ledger import account, cr, dr, post

MAX_BENEFICIARIES = 3


@dataclass(frozen=True)
class BeneficiaryData:
    name: str
    relationship: str
    share_pct: Decimal


def policy_on(day: date) -> GroupPolicy:
    policy = GroupPolicy.objects.in_effect_on(day)
    if policy is None and not GroupPolicy.objects.exists():
        from savings.chart import ensure_chart_and_policy

        ensure_chart_and_policy()  # a database emptied by a test that empties tables
        policy = GroupPolicy.objects.in_effect_on(day)
    if policy is None:
        raise ValidationError(_("No group policy is in effect on this date."))
    return policy


def month_of(day: date) -> date:
    return day.replace(day=1)


def age_on(person: Person, day: date) -> int | None:
    born = person.birth_date
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _check_units(units: int, policy: GroupPolicy, field: str = "units") -> None:
    if not policy.min_units <= units <= policy.max_units:
        raise ValidationError(
            {
                field: _("Pledge between %(least)s and %(most)s units a month.")
                % {"least": policy.min_units, "most": policy.max_units}
            }
        )


def _check_beneficiaries(beneficiaries: list[BeneficiaryData]) -> None:
    if len(beneficiaries) > MAX_BENEFICIARIES:
        raise ValidationError(_("Name at most three beneficiaries."))
    for beneficiary in beneficiaries:
        if not beneficiary.name.strip():
            raise ValidationError(_("Give each beneficiary's name."))
        if not 0 < beneficiary.share_pct <= 100:
            raise ValidationError(_("Each beneficiary's share is more than 0 and at most 100 %."))
    if beneficiaries and sum(b.share_pct for b in beneficiaries) != 100:
        raise ValidationError(_("The beneficiaries' shares must add up to 100 %."))


def cash_role_for(by: User) -> str:
    """Money a treasurer takes goes into the cash box; a district collector keeps it
    until handing it over."""
    return Role.CASH if by.sees_all_districts else Role.COLLECTORS


def cash_line_for(by: User, cash: Account | None = None):
    """The debit line's account (and collector) for money `by` takes (cash_role_for);
    `cash` when the caller has read that account already."""
    line = {"account": cash or account(cash_role_for(by))}
    if not by.sees_all_districts:
        line["collector"] = by
    return line


def unit_value_on(day: date) -> Decimal:
    """The value of one pledged unit on `day`: the one figure of the policy a pledge
    needs, read without the rest."""
    value = (
        GroupPolicy.objects.filter(effective_from__lte=day)
        .order_by("-effective_from")
        .values_list("unit_value", flat=True)
        .first()
    )
    return value if value is not None else policy_on(day).unit_value


@transaction.atomic
def saver_apply(
    *,
    person: Person,
    units: int,
    applied_on: date,
    by: User,
    beneficiaries: list[BeneficiaryData] = (),
    **details,
) -> Saver:
    """Record an application (form อทผ-01) for a person of the registry."""
    if not permissions.may_record(by, person.district_id):
        raise PermissionDenied
    policy = policy_on(applied_on)
    _check_units(units, policy)
    age = age_on(person, applied_on)
    if age is not None and age < policy.min_age:
        raise ValidationError(
            _("Members must be at least %(age)s years old.") % {"age": policy.min_age}
        )
    beneficiaries = list(beneficiaries)
    _check_beneficiaries(beneficiaries)
    if Saver.objects.filter(person=person, status__in=LIVE).exists():
        raise ValidationError(_("This person already applied or is a member."))
    saver = Saver(
        person=person,
        district_id=person.district_id,
        applied_on=applied_on,
        applied_by=by,
        **details,
    )
    saver.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            saver.save()
    except IntegrityError as error:
        raise ValidationError(_("This person already applied or is a member.")) from error
    _create_beneficiaries(saver, beneficiaries)
    Pledge.objects.create(saver=saver, units=units, from_month=month_of(applied_on), recorded_by=by)
    SaverAccount.objects.create(saver=saver)
    return saver


def _create_beneficiaries(saver: Saver, beneficiaries: list[BeneficiaryData]) -> None:
    Beneficiary.objects.bulk_create(
        Beneficiary(
            saver=saver,
            name=b.name.strip(),
            relationship=b.relationship.strip(),
            share_pct=b.share_pct,
        )
        for b in beneficiaries
    )


@transaction.atomic
def beneficiaries_change(
    *,
    saver: Saver,
    beneficiaries: list[BeneficiaryData],
    by: User,
    witness_1: str | None = None,
    witness_2: str | None = None,
) -> Saver:
    """Name new beneficiaries (form อทผ-01-2) in place of the saver's current ones, and
    the witnesses when given. The earlier nomination stays in the history (pghistory).
    Once a saver has left, their beneficiaries are settled and no longer change."""
    if not permissions.may_record(by, saver.district_id):
        raise PermissionDenied
    saver = Saver.objects.select_for_update().get(pk=saver.pk)
    if saver.status not in LIVE:
        raise ValidationError(_("Only an applicant's or a member's beneficiaries can change."))
    beneficiaries = list(beneficiaries)
    _check_beneficiaries(beneficiaries)
    saver.beneficiaries.all().delete()
    _create_beneficiaries(saver, beneficiaries)
    if witness_1 is not None:
        saver.witness_1 = witness_1.strip()
    if witness_2 is not None:
        saver.witness_2 = witness_2.strip()
    saver.full_clean(validate_constraints=False)
    saver.save(update_fields=["witness_1", "witness_2"])
    return saver


@transaction.atomic
def saver_decide(
    *,
    saver: Saver,
    admit: bool,
    decided_on: date,
    meeting_number: str,
    by: User,
    note: str = "",
    fee_paid: bool = True,
) -> Saver:
    """The committee's decision at a numbered meeting. Admission gives the next member
    number and takes the entry fee (a receipt), unless the fee is waived by policy."""
    if not permissions.may_record(by, saver.district_id):
        raise PermissionDenied
    saver = Saver.objects.select_for_update().get(pk=saver.pk)
    if saver.status != SaverStatus.APPLIED:
        raise ValidationError(_("This application was already decided."))
    if not meeting_number.strip():
        raise ValidationError({"meeting_number": _("Give the meeting's number.")})
    if decided_on < saver.applied_on:
        raise ValidationError({"decided_on": _("The decision cannot come before the application.")})
    saver.decided_on, saver.decided_by = decided_on, by
    saver.meeting_number, saver.decision_note = meeting_number.strip(), note
    if not admit:
        if not note.strip():
            raise ValidationError({"decision_note": _("Say why the application is refused.")})
        saver.status = SaverStatus.REJECTED
        saver.save()
        return saver
    # Member numbers follow one another from a locked counter: two admissions at
    # the same moment get two numbers, and a rolled-back one gives its number back.
    saver.member_number = next_number(series="savings-member", year_be=0)
    saver.status = SaverStatus.ACTIVE
    saver.save()
    policy = policy_on(decided_on)
    if fee_paid and policy.entry_fee > 0:
        post(
            on=decided_on,
            kind=EntryKind.ENTRY_FEE,
            lines=[
                dr(amount=policy.entry_fee, **cash_line_for(by)),
                cr(account(Role.FEES), policy.entry_fee, saver=saver),
            ],
            by=by,
            document=Document.RECEIPT,
            memo=_("Entry fee, member %(number)s") % {"number": saver.member_number},
        )
    return saver


def pledge_units(saver: Saver, month: date) -> int:
    """The units pledged for `month` (0 before the pledge starts)."""
    units = 0
    for pledge in saver.pledges.order_by("from_month"):
        if pledge.from_month <= month:
            units = pledge.units
    return units


@transaction.atomic
def pledge_change(*, saver: Saver, units: int, from_month: date, by: User) -> Pledge:
    """Change the monthly pledge from a month on: an increase any time, a decrease only
    from the first month of an accounting year and only without a loan."""
    if not permissions.may_record(by, saver.district_id):
        raise PermissionDenied
    if saver.status != SaverStatus.ACTIVE:
        raise ValidationError(_("Only a member's pledge can change."))
    from_month = month_of(from_month)
    policy = policy_on(from_month)
    _check_units(units, policy)
    current = pledge_units(saver, from_month)
    if units < current:
        if from_month.month != policy.year_start_month:
            raise ValidationError(
                {"from_month": _("A pledge can be lowered only from the start of a year.")}
            )
        live = Loan.objects.filter(saver=saver, status__in=[LoanStatus.APPROVED, LoanStatus.ACTIVE])
        if live.exists():
            raise ValidationError(_("A pledge cannot be lowered while the member owes a loan."))
    if units == current:
        raise ValidationError({"units": _("This is already the pledge.")})
    pledge, _created = Pledge.objects.update_or_create(
        saver=saver, from_month=from_month, defaults={"units": units, "recorded_by": by}
    )
    return pledge
