"""The savings group's benchmark data, a step of bench/data.py: `scale.savers` members
(2,000 of them in Mueang Sa Kaeo, whose collection sheet is measured), their pledged
savings month by month for five years through the last whole accounting year (the one
the allocation preview computes) and, in Mueang Sa Kaeo, through last month; one member in twenty
with a loan paid out in the first half of that year and repaid instalment by
instalment (one borrower in ten misses some), and every month closed through last
month.

Written with COPY (bench.data.CopyTable), not through the services, so the database's
triggers do not run: the generator writes what they would keep (each saver's
balances, each loan's principal) itself, and every entry balances. Deterministic:
drawn from the run's random.Random in a fixed order; dates are offsets from
timezone.localdate(), like the other steps.
"""

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection
from django.utils import timezone

SHEET_DISTRICT = "2701"
SHEET_SAVERS = 2_000
BORROWERS = 20  # one saver in this many borrows in the year
LATE_BORROWERS = 10  # one borrower in this many misses instalments
MISSED_PLEDGES = 0.04  # the chance a month's pledge is not paid
COLLECTION_DAY = 5
LOAN_DAY = 10
UNITS = (1, 2, 2, 3, 4, 5, 6, 10, 20)
# Months of pledges written one by one before the allocation year (with the year: five
# years of monthly entries); what a member saved before them is one opening balance.
HISTORY_MONTHS = 48


def allocation_year(today: date) -> tuple[date, date]:
    """The last whole accounting year: the one the allocation preview is measured on."""
    from savings.services import yearend

    this_year_end = yearend.year_end_for(today)
    end = this_year_end - relativedelta(years=1)
    return end - relativedelta(years=1) + timedelta(days=1), end


def savings(rng: random.Random, scale) -> int:
    if not scale.savers:
        return 0
    return _Savings(rng, scale.savers).write()


class _Savings:
    def __init__(self, rng: random.Random, count: int):
        from bench.data import CopyTable
        from members.models import District, Person, User
        from savings import models as s
        from savings.services.ledger import account
        from savings.services.savers import policy_on

        self.rng, self.count = rng, count
        self.today = timezone.localdate()
        self.start, self.end = allocation_year(self.today)
        self.last_closed = self.today.replace(day=1) - timedelta(days=1)
        self.staff_id = User.objects.get(username="bench.staff").pk
        other = User.objects.filter(username__startswith="bench.27").order_by("pk").first()
        self.other_id = other.pk if other else None  # decides the loans the staff records
        self.districts = list(
            District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE)
            .order_by("code")
            .values_list("code", flat=True)
        )
        self.policy = policy_on(self.start)
        self.loan_type = s.LoanType.objects.get(policy=self.policy, code="ordinary")
        self.role = {
            role: account(role).pk
            for role in (s.Role.CASH, s.Role.PLEDGED, s.Role.LOANS, s.Role.INTEREST, s.Role.FINES)
        }
        self.tables = {
            model: CopyTable(model)
            for model in (
                Person,
                s.Saver,
                s.Pledge,
                s.SaverAccount,
                s.Loan,
                s.Instalment,
                s.JournalEntry,
                s.JournalLine,
                s.PeriodClose,
            )
        }
        self.m = s
        self.now = timezone.now()
        self.cash = defaultdict(Decimal)  # the cash book's movement by day
        self.opening: list[tuple[int, Decimal]] = []
        self.entries = 0

    # --- rows ---

    def table(self, model):
        return self.tables[model]

    def entry(self, on: date, kind: str, lines: list[dict]) -> None:
        """One balanced entry; the cash line's amount moves the cash book."""
        self.entries += 1
        entry_id = self.table(self.m.JournalEntry).add(
            number=f"BJ{self.entries:09d}", on=on, kind=kind, created_by_id=self.staff_id
        )
        for line in lines:
            if line["account_id"] == self.role["cash"]:
                self.cash[on] += line.get("debit", 0) - line.get("credit", 0)
            self.table(self.m.JournalLine).add(
                entry_id=entry_id,
                debit=line.pop("debit", 0),
                credit=line.pop("credit", 0),
                **line,
            )

    def pledge(self, saver_id: int, on: date, amount: Decimal) -> None:
        self.entry(
            on,
            "pledge",
            [
                {"account_id": self.role["cash"], "debit": amount},
                {"account_id": self.role["pledged"], "credit": amount, "saver_id": saver_id},
            ],
        )

    # --- the members ---

    def write(self) -> int:
        per_district = self._per_district()
        number = 0
        for code in self.districts:
            for _n in range(per_district[code]):
                number += 1
                self._saver(number, code)
        self._opening_entry()
        self._closed_months()
        for model in self.tables:  # in the order of their foreign keys
            self.table(model).write()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return self.count

    def _per_district(self) -> dict[str, int]:
        sheet = min(SHEET_SAVERS, self.count)
        others = [code for code in self.districts if code != SHEET_DISTRICT]
        counts = {SHEET_DISTRICT: sheet}
        rest = self.count - sheet
        for index, code in enumerate(others):
            counts[code] = rest // len(others) + (1 if index < rest % len(others) else 0)
        return counts

    def _saver(self, number: int, code: str) -> None:
        from members.models import Person, Sex, Title
        from otop_portal.lib.natid import check_digit

        rng = self.rng
        if rng.random() < 0.9:
            joined = self.start - relativedelta(months=rng.randint(1, HISTORY_MONTHS + 12))
        else:
            joined = self.start + relativedelta(months=rng.randint(1, 10))
        joined = joined.replace(day=COLLECTION_DAY)
        female = rng.random() < 0.65
        twelve = f"8{code}{number:07d}"
        person_id = self.table(Person).add(
            district_id=code,
            title=Title.MRS if female else Title.MR,
            first_name=f"ผู้ออม{number}",
            last_name="ทดสอบ",
            sex=Sex.FEMALE if female else Sex.MALE,
            national_id=twelve + str(check_digit(twelve)),
        )
        saver_id = self.table(self.m.Saver).add(
            person_id=person_id,
            district_id=code,
            member_number=number,
            status="active",
            applied_on=joined - timedelta(days=7),
            applied_by_id=self.staff_id,
            decided_on=joined,
            meeting_number=f"{joined.month}/{joined.year + 543}",
            decided_by_id=self.staff_id,
        )
        units = rng.choice(UNITS)
        self.table(self.m.Pledge).add(
            saver_id=saver_id,
            units=units,
            from_month=joined.replace(day=1),
            recorded_by_id=self.staff_id,
            recorded_at=self.now,
        )
        pledged = self._pledges(saver_id, code, joined, units * self.policy.unit_value)
        principal = Decimal(0)
        if rng.random() < 1 / BORROWERS and joined <= self.start - relativedelta(months=6):
            principal = self._loan(saver_id)
        self.table(self.m.SaverAccount).add(
            saver_id=saver_id, pledged=pledged, deposits=0, held=0, loan_principal=principal
        )

    def _pledges(self, saver_id: int, code: str, joined: date, monthly: Decimal) -> Decimal:
        """The opening balance (the months before the history, paid in full) and a
        payment on collection day for each month from the history's start to the
        year's end, and for the sheet's district through last month; now and then a
        month is missed."""
        history = self.start - relativedelta(months=HISTORY_MONTHS)
        before = (history.year - joined.year) * 12 + history.month - joined.month
        months_before = max(0, before)
        total = monthly * months_before
        if total:
            self.opening.append((saver_id, total))
        last = self.end if code != SHEET_DISTRICT else self.last_closed
        month = max(joined, history.replace(day=COLLECTION_DAY))
        while month <= last:
            if self.rng.random() >= MISSED_PLEDGES:
                self.pledge(saver_id, month, monthly)
                total += monthly
            month += relativedelta(months=1)
        return total

    def _opening_entry(self) -> None:
        """The balances brought forward from before the year: one entry."""
        if not self.opening:
            return
        total = sum((amount for _saver, amount in self.opening), Decimal(0))
        lines = [{"account_id": self.role["cash"], "debit": total}]
        lines += [
            {"account_id": self.role["pledged"], "credit": amount, "saver_id": saver_id}
            for saver_id, amount in self.opening
        ]
        history = self.start - relativedelta(months=HISTORY_MONTHS)
        self.entry(history - timedelta(days=1), "opening", lines)

    # --- loans ---

    def _loan(self, saver_id: int) -> Decimal:
        """A twelve-month loan paid out in the year's first half, repaid at each due
        date through last month (a late borrower misses some; the next payment takes
        the fine). Returns the principal still owed."""
        from savings import loanmath

        rng, policy = self.rng, self.policy
        paid_out = (self.start + relativedelta(months=rng.randint(0, 5))).replace(day=LOAN_DAY)
        amount = Decimal(rng.randint(5, 30) * 1000)
        terms = loanmath.LoanTerms(
            principal=amount,
            monthly_rate_pct=self.loan_type.monthly_rate_pct,
            term_months=12,
            disbursed_on=paid_out,
            first_due=paid_out + relativedelta(months=1),
            grace_days=policy.fine_grace_days,
            fine_flat=policy.fine_flat,
            fine_pct=policy.fine_pct,
        )
        splits = self._repayments(terms, late=rng.random() < 1 / LATE_BORROWERS)
        payments = [loanmath.Payment(on=split.on, amount=split.amount) for split in splits]
        state = loanmath.state(terms, payments, self.last_closed)
        loan_id = self.table(self.m.Loan).add(
            number=f"BL{saver_id:08d}",
            saver_id=saver_id,
            loan_type_id=self.loan_type.pk,
            purpose="ทุนหมุนเวียน",
            amount=amount,
            monthly_rate_pct=terms.monthly_rate_pct,
            term_months=12,
            applied_on=paid_out - timedelta(days=7),
            recorded_by_id=self.staff_id,
            status="repaid" if state.payoff == 0 else "active",
            decided_by_id=self.other_id,
            decided_at=self.now,
            disbursed_on=paid_out,
            first_due_on=terms.first_due,
            principal_outstanding=state.principal_outstanding,
        )
        for instalment in terms.instalments():
            self.table(self.m.Instalment).add(
                loan_id=loan_id,
                number=instalment.number,
                due_on=instalment.due_on,
                principal=instalment.principal,
                interest=instalment.interest,
            )
        refs = {"saver_id": saver_id, "loan_id": loan_id}
        self.entry(
            paid_out,
            "disbursement",
            [
                {"account_id": self.role["loans"], "debit": amount, **refs},
                {"account_id": self.role["cash"], "credit": amount},
            ],
        )
        for split in splits:
            lines = [{"account_id": self.role["cash"], "debit": split.amount}]
            for role, part in (
                ("fines", split.fine),
                ("interest", split.interest),
                ("loans", split.principal),
            ):
                if part:
                    lines.append({"account_id": self.role[role], "credit": part, **refs})
            self.entry(split.on, "repayment", lines)
        return state.principal_outstanding

    def _repayments(self, terms, *, late: bool) -> list:
        """How the borrower pays: what is owed at each due date through last month,
        split into fine, interest and principal (savings/loanmath.py)."""
        from savings import loanmath

        payments, splits = [], []
        for instalment in terms.instalments():
            on = instalment.due_on
            if on > self.last_closed:
                break
            if late and self.rng.random() < 0.3:
                continue  # missed: the next payment takes it, with its fine
            state = loanmath.state(terms, payments, on)
            owed = state.fines_outstanding + state.interest_outstanding + state.principal_overdue
            if owed <= 0:
                continue
            splits.append(loanmath.split(terms, payments, on, owed))
            payments.append(loanmath.Payment(on=on, amount=owed))
        return splits

    # --- closing ---

    def _closed_months(self) -> None:
        """Every month from the history's first through last month, closed with the
        cash counted equal to the cash book."""
        cash, days = Decimal(0), sorted(self.cash)
        month = self.start - relativedelta(months=HISTORY_MONTHS)
        while month <= self.last_closed:
            month_end = month + relativedelta(months=1) - timedelta(days=1)
            while days and days[0] <= month_end:
                cash += self.cash[days.pop(0)]
            self.table(self.m.PeriodClose).add(
                month=month,
                month_end=month_end,
                cash_counted=cash,
                cash_in_books=cash,
                closed_by_id=self.staff_id,
                closed_at=self.now,
            )
            month += relativedelta(months=1)
