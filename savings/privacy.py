"""What the savings group holds about a person, for their export and anonymisation
(members/privacy.py). The ledger, loans, guarantees and withdrawals refer to the
saver by id and hold no names: they stay as they are. A saver's application details
(occupation, income, the witnesses, the beneficiaries named) are cleared, in their
history rows too, beneficiaries named earlier and since replaced included."""

from django.db.models import Count, Max, Min, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from members.privacy import (
    PersonData,
    clear_history,
    clear_with_history,
    register,
    scrub_with_history,
    sheet,
)
from savings.models import (
    LIVE,
    Beneficiary,
    Guarantee,
    JournalLine,
    Loan,
    LoanStatus,
    Saver,
    SaverAccount,
    Withdrawal,
    WithdrawalStatus,
)

CLEARED_SAVER = {
    "marital_status": "",
    "spouse_member_number": None,
    "occupation": "",
    "other_occupation": "",
    "monthly_income": None,
    "other_memberships": "",
    "witness_1": "",
    "witness_2": "",
}


@register
class SavingsData(PersonData):
    def sheets(self, person):
        savers = Saver.objects.filter(person=person)
        return [
            sheet(
                pgettext_lazy("personal data sheet", "Savings membership"),
                [
                    (_("Member number"), lambda s: s.member_number),
                    (_("Status"), lambda s: s.get_status_display()),
                    (_("Applied on"), lambda s: s.applied_on),
                    (_("Left on"), lambda s: s.left_on),
                    (_("Main occupation"), lambda s: s.occupation),
                    (_("Income a month"), lambda s: s.monthly_income),
                    (_("First witness"), lambda s: s.witness_1),
                    (_("Second witness"), lambda s: s.witness_2),
                ],
                savers,
            ),
            sheet(
                pgettext_lazy("personal data sheet", "Savings balances"),
                [
                    (_("Member number"), lambda a: a.saver.member_number),
                    (_("Pledged savings"), lambda a: a.pledged),
                    (_("Deposits"), lambda a: a.deposits),
                    (_("On hold"), lambda a: a.held),
                    (_("Loan principal owed"), lambda a: a.loan_principal),
                ],
                SaverAccount.objects.filter(saver__person=person).select_related("saver"),
            ),
            sheet(
                pgettext_lazy("personal data sheet", "Savings journal summary"),
                [
                    (_("Account"), lambda r: f"{r['account__code']} {r['account__name']}"),
                    (_("Lines"), lambda r: r["lines"]),
                    (_("Debit"), lambda r: r["debit"]),
                    (_("Credit"), lambda r: r["credit"]),
                    (_("First"), lambda r: r["first"]),
                    (_("Last"), lambda r: r["last"]),
                ],
                JournalLine.objects.filter(saver__person=person)
                .values("account__code", "account__name")
                .annotate(
                    lines=Count("pk"),
                    debit=Sum("debit"),
                    credit=Sum("credit"),
                    first=Min("entry__on"),
                    last=Max("entry__on"),
                )
                .order_by("account__code"),
            ),
            sheet(
                pgettext_lazy("personal data sheet", "Loans"),
                [
                    (_("Loan number"), lambda loan: loan.number),
                    (_("Amount"), lambda loan: loan.amount),
                    (_("Status"), lambda loan: loan.get_status_display()),
                    (_("Applied on"), lambda loan: loan.applied_on),
                    (_("Principal outstanding"), lambda loan: loan.principal_outstanding),
                    (_("Purpose"), lambda loan: loan.purpose),
                ],
                Loan.objects.filter(saver__person=person),
            ),
            sheet(
                pgettext_lazy("personal data sheet", "Guarantees given"),
                [
                    (_("Loan number"), lambda g: g.loan.number),
                    (_("Amount guaranteed"), lambda g: g.amount),
                    (_("Held now"), lambda g: g.held),
                    (_("Ended on"), lambda g: g.ended_on),
                ],
                Guarantee.objects.filter(guarantor__person=person).select_related("loan"),
            ),
            sheet(
                pgettext_lazy("personal data sheet", "Withdrawals"),
                [
                    (_("Date"), lambda w: w.requested_on),
                    (_("Amount"), lambda w: w.amount),
                    (_("Status"), lambda w: w.get_status_display()),
                ],
                Withdrawal.objects.filter(saver__person=person),
            ),
            sheet(
                pgettext_lazy("personal data sheet", "Beneficiaries"),
                [
                    (_("Name"), lambda b: b.name),
                    (_("Relationship"), lambda b: b.relationship),
                    (_("Share, %"), lambda b: b.share_pct),
                ],
                Beneficiary.objects.filter(saver__person=person),
            ),
        ]

    def open_matters(self, person):
        problems = []
        if Saver.objects.filter(person=person, status__in=LIVE).exists():
            problems.append(
                _("They are still a member of the savings group: record their leaving first.")
            )
        money = Q(pledged__gt=0) | Q(deposits__gt=0) | Q(held__gt=0) | Q(loan_principal__gt=0)
        if SaverAccount.objects.filter(money, saver__person=person).exists():
            problems.append(_("Their savings are not yet paid out, or they still owe on a loan."))
        live = [LoanStatus.APPLIED, LoanStatus.APPROVED, LoanStatus.ACTIVE]
        if Loan.objects.filter(saver__person=person, status__in=live).exists():
            problems.append(_("They have a loan that is not repaid or decided."))
        if Guarantee.objects.live().filter(guarantor__person=person).exists():
            problems.append(_("They guarantee a loan that is not repaid."))
        pending = Withdrawal.objects.filter(saver__person=person, status=WithdrawalStatus.PENDING)
        if pending.exists():
            problems.append(_("A withdrawal of theirs waits for approval."))
        return problems

    def anonymise(self, person, *, needles, placeholder):
        savers = list(Saver.objects.filter(person=person).values_list("pk", flat=True))
        cleared = {
            str(Saver._meta.verbose_name_plural): clear_with_history(
                Saver.objects.filter(pk__in=savers), CLEARED_SAVER
            ),
            str(Beneficiary._meta.verbose_name_plural): clear_with_history(
                Beneficiary.objects.filter(saver__in=savers), {"name": placeholder}
            ),
        }
        # a change of beneficiaries deletes and re-creates them: the names of the
        # earlier ones live on only in history rows, found by the saver
        clear_history(Beneficiary, {"name": placeholder}, saver__in=savers)
        # the person named as someone else's witness or beneficiary
        others = scrub_with_history(
            Saver.objects.exclude(person=person), ["witness_1", "witness_2"], needles, placeholder
        )
        others += scrub_with_history(
            Beneficiary.objects.exclude(saver__person=person), ["name"], needles, placeholder
        )
        cleared[_("names on other savers' forms")] = others
        return {label: count for label, count in cleared.items() if count}
