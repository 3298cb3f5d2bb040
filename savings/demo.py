"""Demo data for the savings group (seed_demo): the Sa Kaeo production savings group
(กลุ่มออมทรัพย์เพื่อการผลิต) with about two years of history, written through the
services, so the books reconcile as they would after real use.

What it holds: about sixty people of the demo registry in the nine districts, admitted
at monthly meetings with their entry fee; pledged savings collected at each district's
meeting (a few members behind); deposits and withdrawals, one large one approved by a
second person; Mueang Sa Kaeo's collector handing the cash over to the treasurer; loans
with guarantors (repaid, being repaid, one late and fined, emergency loans, an
application waiting for the loan committee); expenses with payment vouchers and bank
interest with receipts; deposit interest each half-year; every month closed by the
audit committee through last month; each whole accounting year closed, its allocation
approved by the meeting and posted; one mistaken deposit reversed with a second
approver; a membership application waiting for the committee.

The people who act are the demo logins of members/demo.py, so that every second
approval has another person to give it: officer.savings (the treasurer, who keeps the
province-wide books), mueangsakaeo.secretary (collects for Mueang Sa Kaeo),
officer.loans (loan committee) and officer.audit (audit committee).

Dates, as in the equipment demo, are offsets from timezone.localdate(): the history
starts at the first month of the accounting year that holds the day 21 months ago, so
it spans 21 to 32 months and at least one whole year, closed and allocated.
Deterministic: the plan is drawn from one random.Random(SEED) in a fixed order, and
the events run in date order. Written once: when the group has savers, the seeder
leaves the books alone (they are append-only, and a run on a later day would be a
second, different history).
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from members.models import District, Person, User
from otop_portal.lib.demo import DemoLogin
from savings import services
from savings.models import (
    Account,
    GroupPolicy,
    Guarantee,
    Loan,
    LoanStatus,
    LoanType,
    Role,
    Saver,
    SaverAccount,
)
from savings.services import closing, interest, loans, yearend
from savings.services.collection import arrears_of
from savings.services.ledger import ZERO

SEED = 2568
TREASURER = "officer.savings"
COLLECTOR = "mueangsakaeo.secretary"
LOAN_COMMITTEE = "officer.loans"
AUDIT = "officer.audit"
COLLECTOR_DISTRICT = "2701"  # เมืองสระแก้ว: its collector takes the money at the meeting
SAVERS = {COLLECTOR_DISTRICT: 12}  # per district; the other districts have 6 each
SAVERS_ELSEWHERE = 6
UNITS = (1, 2, 3, 4, 5, 6, 8, 10, 20)
UNIT_WEIGHTS = (5, 16, 14, 14, 12, 8, 10, 13, 8)
# "ahead": pays three months at a time; "irregular": misses now and then and catches
# up; "behind": has paid nothing for the last two months.
HABITS = ("regular", "ahead", "irregular", "behind")
HABIT_WEIGHTS = (32, 20, 5, 3)
BEHIND = 2  # at least this many members are behind today
HISTORY_MONTHS = 21  # at least; the history starts at the year that holds the day this far back
MEETING_DAY = 5  # the first district meets on the 5th, the next on the 6th, …
LOAN_DAY = 20  # the loan committee meets and loans are paid out
BOOKS_DAY = 25  # the treasurer pays the month's bills
BANK_DAY = 28  # the cash box goes to the bank, but for a float
CASH_FLOAT = Decimal("3000.00")
BANK_RATE = Decimal("0.0025")  # the bank's interest for half a year


@dataclass
class SaverPlan:
    """One member's habits."""

    person: Person
    district: str
    recorder: User
    joins: int  # the month of admission (0: a founder)
    units: int
    habit: str  # see HABITS
    depositor: bool
    owed: Decimal = ZERO  # pledged savings due and not yet paid (below zero: paid ahead)
    saver: Saver | None = None
    borrowed: bool = False
    keep_free: bool = False  # neither borrows nor guarantees (the large withdrawal)


@dataclass(frozen=True)
class LoanPlan:
    """A loan applied for in `month` (a negative month counts back from this month)."""

    month: int
    type_code: str
    term: int
    target: Decimal
    purpose: str
    missed: tuple[int, ...] = ()  # months whose instalment is not paid at the meeting
    stops: int | None = None  # the month from which nothing more is paid

    def starts(self, now: int) -> int:
        return self.month if self.month >= 0 else now + self.month


LOANS = (
    LoanPlan(6, "ordinary", 6, Decimal("6000"), "ซื้อพริกแห้งและกระเทียมทำน้ำพริกเผา"),
    LoanPlan(7, "ordinary", 12, Decimal("10000"), "ซื้อเส้นไหมและสีย้อมธรรมชาติ"),
    LoanPlan(8, "ordinary", 12, Decimal("10000"), "ซ่อมตู้อบแห้งพลังงานแสงอาทิตย์", (11,), 17),
    LoanPlan(9, "emergency", 4, Decimal("3000"), "ค่ารักษาพยาบาลมารดา"),
    LoanPlan(-9, "ordinary", 12, Decimal("15000"), "ขยายโรงเรือนเพาะเห็ดนางฟ้า"),
    LoanPlan(-6, "ordinary", 12, Decimal("12000"), "ซื้อบรรจุภัณฑ์และฉลากสินค้าใหม่"),
    LoanPlan(-4, "ordinary", 10, Decimal("10000"), "ซื้อจักรเย็บผ้าอุตสาหกรรม"),
    LoanPlan(-2, "emergency", 6, Decimal("5000"), "ซ่อมหลังคาบ้านหลังพายุ"),
)


ACTORS = (TREASURER, COLLECTOR, LOAN_COMMITTEE, AUDIT)


def seed_savings() -> list[DemoLogin]:
    """Write the group's history once (see the module docstring). The savings logins
    are the accounts seeder's, so there are none to add."""
    if Saver.objects.exists():
        return []
    people = {username: User.objects.filter(username=username).first() for username in ACTORS}
    districts = list(
        District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE).order_by("code")
    )
    if None in people.values() or not districts:
        return []  # the accounts seeder has not run
    History(timezone.localdate(), districts, people).write()
    return []


@dataclass(frozen=True)
class Event:
    on: date
    order: int
    run: Callable[[], object]


def _floor(amount: Decimal, step: int) -> Decimal:
    return (amount / step).to_integral_value(rounding=ROUND_DOWN) * step


class History:
    """The group's months, one after another: each month's events in date order, the
    previous month closed first; nothing dated after today."""

    def __init__(self, today: date, districts: list[District], people: dict[str, User]):
        self.today = today
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
        self.treasurer, self.collector = people[TREASURER], people[COLLECTOR]
        self.loan_committee, self.audit = people[LOAN_COMMITTEE], people[AUDIT]
        year_end = yearend.year_end_for(today - relativedelta(months=HISTORY_MONTHS))
        self.start = year_end - relativedelta(years=1) + timedelta(days=1)
        first_policy = GroupPolicy.objects.order_by("effective_from").first().effective_from
        while self.start < first_policy:  # nothing before the group's first rules
            self.start += relativedelta(years=1)
        self.now = (today.year - self.start.year) * 12 + today.month - self.start.month
        self.meeting_day = {d.code: MEETING_DAY + i for i, d in enumerate(districts)}
        policy = services.policy_on(self.start)
        self.unit = policy.unit_value
        self.types = {t.code: t for t in LoanType.objects.filter(policy=policy)}
        self.cash = services.account(Role.CASH)
        self.bank = Account.objects.filter(is_bank=True).order_by("code").first()
        self.plans, self.newcomer = self._plan(districts)
        self.loans: list[tuple[Loan, LoanPlan]] = []
        self.events: list[Event] = []

    def _plan(self, districts) -> tuple[list[SaverPlan], Person | None]:
        """Who joins when, pledging how much, paying how: drawn before anything is written."""
        rng, plans, newcomer = self.rng, [], None
        for district in districts:
            people = list(
                Person.objects.filter(district=district, national_id__isnull=False).order_by(
                    "national_id"
                )
            )
            wanted = SAVERS.get(district.code, SAVERS_ELSEWHERE)
            chosen = rng.sample(people, min(wanted + 1, len(people)))
            if district.code == COLLECTOR_DISTRICT and len(chosen) > 1:
                newcomer = chosen.pop()  # applies today; the committee has yet to decide
            recorder = self.collector if district.code == COLLECTOR_DISTRICT else self.treasurer
            for person in chosen[:wanted]:
                plans.append(
                    SaverPlan(
                        person=person,
                        district=district.code,
                        recorder=recorder,
                        joins=0 if rng.random() < 0.5 else rng.randint(1, 16),
                        units=rng.choices(UNITS, UNIT_WEIGHTS)[0],
                        habit=rng.choices(HABITS, HABIT_WEIGHTS)[0],
                        depositor=rng.random() < 0.3,
                    )
                )
        behind = [p for p in plans if p.habit == "behind"]
        regular = [p for p in plans if p.habit == "regular"]
        for plan in rng.sample(regular, max(0, BEHIND - len(behind))):
            plan.habit = "behind"
        founders = [p for p in plans if p.joins == 0 and p.habit == "regular"]
        self.seller = rng.choice([p for p in founders if p.district != COLLECTOR_DISTRICT])
        self.seller.keep_free = self.seller.depositor = True
        self.raiser = rng.choice([p for p in founders if p.units <= 10 and not p.keep_free])
        return plans, newcomer

    # --- dates ---

    def month(self, index: int) -> date:
        return self.start + relativedelta(months=index)

    def meeting(self, index: int, district: str) -> date:
        return self.month(index).replace(day=self.meeting_day[district])

    def meeting_number(self, index: int) -> str:
        first = self.month(index)
        return f"{first.month}/{first.year + 543}"

    def at(self, on: date, run: Callable[[], object], order: int = 0) -> None:
        self.events.append(Event(on, order, run))

    # --- the run ---

    def write(self) -> None:
        for index in range(self.now + 1):
            self.events = []
            self._schedule(index)
            for event in sorted(self.events, key=lambda event: (event.on, event.order)):
                if event.on <= self.today:
                    event.run()
        self._waiting()

    def _schedule(self, index: int) -> None:
        first = self.month(index)
        if index:
            self.at(first, lambda: self._close(index - 1), order=-2)
        if index >= 12 and first.month == self.start.month:
            on = min(first.replace(day=15), self.today)
            self.at(on, lambda: self._allocate(first - timedelta(days=1), on, index))
        if index == 12:
            self.at(first, self._raise_pledge, order=-1)
        for plan in self.plans:
            on = self.meeting(index, plan.district)
            if plan.joins == index:
                self.at(on, lambda plan=plan, on=on: self._admit(plan, on, index), order=1)
            if plan.joins <= index:
                self.at(on, lambda plan=plan, on=on: self._collect(plan, on, index), order=2)
        for loan, loan_plan in self.loans:
            on = self.meeting(index, loan.saver.district_id)
            self.at(on, lambda loan=loan, lp=loan_plan, on=on: self._repay(loan, lp, on, index), 3)
        on = self.meeting(index, COLLECTOR_DISTRICT) + timedelta(days=1)
        self.at(on, lambda: self._handover(on), order=5)
        for loan_plan in LOANS:
            if loan_plan.starts(self.now) == index:
                on = first.replace(day=LOAN_DAY)
                self.at(on, lambda lp=loan_plan, on=on: self._lend(lp, on, index))
        self._seller(index)
        if index == self.now - 1:
            plan = next(p for p in self.plans if p.depositor and p.recorder == self.treasurer)
            on = self.meeting(index, plan.district)
            self.at(on, lambda: self._mistake(plan, on), order=4)
        self._books(index, first)

    def _books(self, index: int, first: date) -> None:
        on = first.replace(day=BOOKS_DAY)
        if index == 0:
            self.at(on, lambda: self._expense("5202", "650", "สมุดบัญชี ใบเสร็จ และแบบพิมพ์ อทผ-01", on))
        elif index % 12 == 0:
            self.at(on, lambda: self._expense("5202", "480", "สมุดคู่ฝากและใบเสร็จรับเงินเล่มใหม่", on))
        if first.month in (3, 6, 9, 12):
            self.at(on, lambda: self._expense("5203", "250", "อาหารว่างการประชุมใหญ่ประจำไตรมาส", on))
        bank_day = first.replace(day=BANK_DAY)
        self.at(bank_day, lambda: self._to_bank(bank_day), order=1)
        if first.month in (6, 12):
            last_day = closing.month_end(first)
            self.at(last_day, lambda: self._bank_interest(last_day), order=1)
            self.at(
                last_day,
                lambda: interest.deposit_interest_post(period_end=last_day, by=self.treasurer),
                order=2,
            )

    # --- members and their money ---

    def _admit(self, plan: SaverPlan, on: date, index: int) -> None:
        saver = services.saver_apply(
            person=plan.person,
            units=plan.units,
            applied_on=on.replace(day=1),
            by=plan.recorder,
            occupation="ผู้ผลิตสินค้า OTOP",
        )
        plan.saver = services.saver_decide(
            saver=saver,
            admit=True,
            decided_on=on,
            meeting_number=self.meeting_number(index),
            by=plan.recorder,
        )

    def _collect(self, plan: SaverPlan, on: date, index: int) -> None:
        """The member's pledge at the meeting, and now and then a deposit or a
        withdrawal."""
        rng = self.rng
        month = plan.units * self.unit
        plan.owed += month
        if plan.habit == "ahead":  # three months at a time, after the harvest or a fair
            amount = plan.owed + 2 * month if plan.owed > 0 else ZERO
        elif plan.habit == "irregular":
            amount = plan.owed if rng.random() < 0.75 else ZERO
        elif plan.habit == "behind":
            amount = plan.owed if index < self.now - 2 else ZERO
        else:
            amount = plan.owed
        if amount > 0:
            services.pledge_pay(saver=plan.saver, amount=amount, on=on, by=plan.recorder)
            plan.owed -= amount
        if plan.depositor and rng.random() < 0.25:
            deposits = SaverAccount.objects.get(saver=plan.saver).deposits
            if deposits >= 300 and rng.random() < 0.3:
                amount = min(deposits - 100, Decimal(rng.randint(1, 5) * 100))
                self._withdraw(plan, amount, on)
            else:
                amount = Decimal(rng.randint(1, 20) * 100)
                services.deposit(saver=plan.saver, amount=amount, on=on, by=plan.recorder)

    def _withdraw(self, plan: SaverPlan, amount: Decimal, on: date):
        if amount > SaverAccount.objects.get(saver=plan.saver).withdrawable:
            return None
        self._cash_for(amount, on)
        return services.withdraw(saver=plan.saver, amount=amount, on=on, by=self.treasurer)

    def _raise_pledge(self) -> None:
        plan = self.raiser
        services.pledge_change(
            saver=plan.saver, units=plan.units + 2, from_month=self.month(12), by=plan.recorder
        )
        plan.units += 2

    def _seller(self, index: int) -> None:
        """A member deposits what they earned at the OTOP City fair, and later takes out
        more than a withdrawal may be without a second approver."""
        plan = self.seller
        on = self.meeting(index, plan.district)
        if index == self.now - 6:
            self.at(
                on,
                lambda: services.deposit(
                    saver=plan.saver, amount=Decimal("12000"), on=on, by=plan.recorder
                ),
                order=4,
            )
        if index == self.now - 2:
            self.at(on, lambda: self._large_withdrawal(plan, on), order=4)

    def _large_withdrawal(self, plan: SaverPlan, on: date) -> None:
        withdrawal = self._withdraw(plan, Decimal("8000"), on)
        if withdrawal is not None:
            services.withdrawal_decide(
                withdrawal=withdrawal,
                approve=True,
                by=self.loan_committee,
                note="ถอนไปซื้อวัตถุดิบ ตรวจสอบบัญชีแล้ว",
                on=on,
            )

    def _mistake(self, plan: SaverPlan, on: date) -> None:
        """A deposit of 150 baht typed as 1,500: reversed with a second approver and
        recorded again."""
        entry = services.deposit(saver=plan.saver, amount=Decimal("1500"), on=on, by=plan.recorder)
        request = services.reversal_request(
            entry=entry,
            reason="บันทึกจำนวนเงินผิด สมาชิกฝาก 150 บาท ไม่ใช่ 1,500 บาท",
            by=self.treasurer,
        )
        services.reversal_decide(request=request, approve=True, by=self.audit, on=on)
        services.deposit(saver=plan.saver, amount=Decimal("150"), on=on, by=plan.recorder)

    def _handover(self, on: date) -> None:
        held = services.collector_cash(self.collector)
        if held > 0:
            services.handover(collector=self.collector, amount=held, on=on, by=self.treasurer)

    # --- loans ---

    def _eligible(self, index: int) -> list[SaverPlan]:
        """Members who may borrow or guarantee: six months in, never behind, not kept
        free, without a loan of their own."""
        return [
            plan
            for plan in self.plans
            if plan.saver is not None
            and plan.habit in ("regular", "ahead")
            and plan.joins <= index - 6
            and plan.owed <= 0
            and not plan.keep_free
            and not plan.borrowed
        ]

    def _lend(self, loan_plan: LoanPlan, on: date, index: int) -> None:
        loan_type = self.types[loan_plan.type_code]
        candidates = self._eligible(index)
        count, committed = self._guarantees()
        balances = SaverAccount.objects.in_bulk([plan.saver.pk for plan in candidates])
        room = {p.saver.pk: balances[p.saver.pk].total - committed[p.saver.pk] for p in candidates}
        most_loans = services.policy_on(on).guarantor_max_loans

        def guarantors_for(borrower: SaverPlan) -> list[SaverPlan]:
            """The two members of the borrower's district with the most room to
            guarantee (the rules keep a loan and its guarantors in one district)."""
            free = [
                p
                for p in candidates
                if p is not borrower
                and p.district == borrower.district
                and count[p.saver.pk] < most_loans
            ]
            return sorted(free, key=lambda p: (-room[p.saver.pk], p.saver.pk))[:2]

        # a borrower among those with the most savings not pledged for others' loans
        ranked = sorted(
            candidates,
            key=lambda p: (committed[p.saver.pk] - balances[p.saver.pk].pledged, p.saver.pk),
        )
        if loan_plan.type_code == "ordinary":
            ranked = [p for p in ranked if len(guarantors_for(p)) == 2]
        if not ranked:
            return
        borrower = self.rng.choice(ranked[:6])
        limit = loans.loan_limit(borrower.saver, loan_type, on)
        guarantors, most = [], limit.without_guarantors
        if loan_plan.type_code == "ordinary":
            guarantors = guarantors_for(borrower)
            rooms = [loans.guarantor_room(g.saver) for g in guarantors]
            most = min(limit.with_guarantors, len(guarantors) * min(rooms))
        amount = _floor(min(loan_plan.target, most), 500)
        if amount < 1000:
            return
        loan = loans.loan_apply(
            saver=borrower.saver,
            loan_type=loan_type,
            amount=amount,
            term_months=loan_plan.term,
            purpose=loan_plan.purpose,
            guarantors=[g.saver for g in guarantors],
            applied_on=on - timedelta(days=7),
            by=borrower.recorder,
        )
        loans.loan_decide(
            loan=loan,
            approve=True,
            by=self.loan_committee,
            meeting_number=f"เงินกู้ {self.meeting_number(index)}",
        )
        paid_with = self.bank if services.balance(self.bank) >= amount else None
        loan = loans.loan_disburse(
            loan=loan,
            on=on,
            first_due_on=self.meeting(index + 1, borrower.district),
            by=self.treasurer,
            paid_with=paid_with,
        )
        borrower.borrowed = True
        self.loans.append((loan, loan_plan))

    @staticmethod
    def _guarantees() -> tuple[Counter, Counter]:
        """Each member's live guarantees: how many, and how much of their savings they
        take (as loans.guarantees_committed: held once paid out, in full before)."""
        count, committed = Counter(), Counter()
        for guarantee in Guarantee.objects.live().select_related("loan"):
            count[guarantee.guarantor_id] += 1
            active = guarantee.loan.status == LoanStatus.ACTIVE
            committed[guarantee.guarantor_id] += guarantee.held if active else guarantee.amount
        return count, committed

    def _repay(self, loan: Loan, loan_plan: LoanPlan, on: date, index: int) -> None:
        """The instalment due at the meeting, with any fine and arrears: unless this is
        a month the borrower misses."""
        loan.refresh_from_db(fields=["status"])
        if loan.status != LoanStatus.ACTIVE or on < loan.first_due_on:
            return
        if index in loan_plan.missed or (loan_plan.stops is not None and index >= loan_plan.stops):
            return
        state = loans.loan_state(loan, on)
        owed = state.fines_outstanding + state.interest_outstanding + state.principal_overdue
        if owed > 0:
            plan = next(p for p in self.plans if p.saver == loan.saver)
            loans.loan_repay(loan=loan, amount=owed, on=on, by=plan.recorder)

    # --- the treasurer's books ---

    def _expense(self, code: str, amount: str, memo: str, on: date) -> None:
        self._cash_for(Decimal(amount), on)
        services.expense(
            expense_account=Account.objects.get(code=code),
            amount=Decimal(amount),
            on=on,
            by=self.treasurer,
            memo=memo,
        )

    def _cash_for(self, amount: Decimal, on: date) -> None:
        """Money from the bank when the cash box holds too little."""
        in_box = services.balance(self.cash)
        if in_box >= amount:
            return
        needed = _floor(amount - in_box + CASH_FLOAT, 100)
        services.transfer(
            source=self.bank,
            target=self.cash,
            amount=needed,
            on=on,
            by=self.treasurer,
            memo="ถอนเงินจากธนาคารมาไว้จ่าย",
        )

    def _to_bank(self, on: date) -> None:
        amount = _floor(services.balance(self.cash) - CASH_FLOAT, 100)
        if amount >= 1000:
            services.transfer(
                source=self.cash,
                target=self.bank,
                amount=amount,
                on=on,
                by=self.treasurer,
                memo="นำเงินสดฝากธนาคาร",
            )

    def _bank_interest(self, on: date) -> None:
        amount = (services.balance(self.bank) * BANK_RATE).quantize(Decimal("0.01"))
        if amount > 0:
            services.income(
                income_account=services.account(Role.OTHER_INCOME),
                amount=amount,
                on=on,
                by=self.treasurer,
                memo="ดอกเบี้ยเงินฝากธนาคาร",
                paid_into=self.bank,
            )

    def _close(self, index: int) -> None:
        month = self.month(index)
        services.month_close(
            month=month,
            cash_counted=closing.cash_in_books(closing.month_end(month)),
            by=self.audit,
            meeting_number=self.meeting_number(index + 1),
        )

    def _allocate(self, year_end: date, on: date, index: int) -> None:
        run = yearend.allocation_preview(year_end=year_end, by=self.treasurer)
        run = yearend.allocation_approve(
            run=run,
            meeting_number=f"ประชุมใหญ่สามัญประจำปี {self.meeting_number(index)}",
            on=on,
            by=self.audit,
        )
        yearend.allocation_post(run=run, on=on, by=self.treasurer)

    # --- waiting for the committee today ---

    def _waiting(self) -> None:
        if self.newcomer is not None:
            services.saver_apply(
                person=self.newcomer,
                units=2,
                applied_on=self.today,
                by=self.collector,
                occupation="ผู้ผลิตสินค้า OTOP",
            )
        candidates = self._eligible(self.now)
        if not candidates:
            return
        borrower = candidates[0]
        loan_type = self.types["ordinary"]
        limit = loans.loan_limit(borrower.saver, loan_type, self.today)
        amount = _floor(min(Decimal("5000"), limit.without_guarantors), 500)
        if amount >= 1000 and not arrears_of(borrower.saver, self.today):
            loans.loan_apply(
                saver=borrower.saver,
                loan_type=loan_type,
                amount=amount,
                term_months=10,
                purpose="ซื้อแป้งและน้ำตาลทำขนมส่งงานเทศกาลปีใหม่",
                guarantors=[],
                applied_on=self.today,
                by=borrower.recorder,
            )
