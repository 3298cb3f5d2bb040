"""The savings group on a phone: a district treasurer records their district's pledges and
deposits from the collection sheet at the monthly meeting; and a loan goes from the
application through the committee's decision and the payout to the first repayment."""

import re
from decimal import Decimal as D

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from members.models import Function
from savings import services
from savings.models import (
    EntryKind,
    JournalEntry,
    Loan,
    LoanStatus,
    LoanType,
    Role,
    SaverAccount,
)
from savings.services import loans
from tests.conftest import OWN_DISTRICT
from tests.factories import PASSWORD, UserFactory, sa_kaeo_district
from tests.savings.conftest import member


def _log_in(phone, username):
    phone.context.clear_cookies()
    phone.goto(reverse("login"))
    phone.get_by_label(re.compile("ชื่อผู้ใช้")).fill(username)
    phone.get_by_label(re.compile("รหัสผ่าน")).fill(PASSWORD)
    phone.locator("main form button[type=submit]").first.click()
    phone.wait_for_url(re.compile(r"/$"))


def _district_treasurer():
    return UserFactory(
        username="kanya",
        first_name="กัญญา",
        district=sa_kaeo_district(OWN_DISTRICT),
        functions=[Function.SAVINGS_TREASURER],
    )


def _month_start(months_ago: int):
    return timezone.localdate().replace(day=1) - relativedelta(months=months_ago)


def test_the_monthly_meeting_records_a_district_from_the_collection_sheet(phone, screenshots):
    staff = UserFactory(staff=True, username="treasurer")
    _district_treasurer()
    joined = _month_start(2)
    paid_up = member(staff, units=2, joined=joined, first_name="มาลี")
    behind = member(staff, units=1, joined=joined, first_name="สมพร")
    newcomer = member(staff, units=3, joined=joined, first_name="บุญมี")
    for months_ago in (2, 1):
        services.pledge_pay(saver=paid_up, amount=D("100"), on=_month_start(months_ago), by=staff)
        services.pledge_pay(saver=newcomer, amount=D("150"), on=_month_start(months_ago), by=staff)

    _log_in(phone, "kanya")
    phone.goto(reverse("savings:index"))
    phone.locator(f"main a[href='{reverse('savings:sheet')}']").first.click()
    phone.locator("main form button[type=submit]").click()  # this month, their district
    phone.wait_for_url(re.compile(r"/savings/sheet/2701/"))

    row = phone.locator(f"#row-{behind.pk}")
    assert "150.00" in row.inner_text()  # 2 months carried (100) and this month's 50

    phone.locator(f"input[name='pledged-{paid_up.pk}']").fill("100")
    phone.locator(f"input[name='pledged-{behind.pk}']").fill("150")
    phone.locator(f"input[name='deposit-{newcomer.pk}']").fill("500")
    phone.screenshot(path=screenshots / "savings-sheet.png", full_page=True)
    phone.get_by_role("button", name=re.compile("บันทึก")).click()

    receipts = phone.locator("[data-receipts] a")
    receipts.first.wait_for()
    assert receipts.count() == 3
    assert "750.00" in phone.locator("main").inner_text()  # 100 + 150 + 500 received

    assert SaverAccount.objects.get(saver=behind).pledged == D("150")
    assert SaverAccount.objects.get(saver=newcomer).deposits == D("500")
    entries = JournalEntry.objects.filter(created_by__username="kanya")
    assert sorted(entries.values_list("kind", flat=True)) == sorted(
        [EntryKind.PLEDGE, EntryKind.PLEDGE, EntryKind.DEPOSIT]
    )
    # the collected cash is the collector's until handed over to the treasurer
    assert services.collector_cash(entries.first().created_by) == D("750")

    # the receipt: numbered, in Thai words
    receipts.first.click()
    page = phone.locator("main").inner_text()
    assert re.search(r"RC\d", page)
    assert "บาทถ้วน" in page


def test_a_loan_from_the_application_to_the_first_repayment(phone, screenshots):
    staff = UserFactory(staff=True, username="treasurer")
    _district_treasurer()
    UserFactory(username="somsak", officer=True, functions=[Function.LOAN_COMMITTEE])
    joined = _month_start(9)
    borrower = member(staff, units=4, joined=joined, first_name="ประไพ")
    guarantors = [member(staff, units=4, joined=joined) for _ in range(2)]
    for months_ago in range(9, 0, -1):
        for saver in (borrower, *guarantors):
            services.pledge_pay(saver=saver, amount=D("200"), on=_month_start(months_ago), by=staff)
    services.income(
        income_account=services.account(Role.OTHER_INCOME),
        amount=D("50000"),
        on=_month_start(9),
        by=staff,
        memo="เงินอุดหนุนจาก พช.",
    )

    # the district treasurer records the application with two guarantors
    _log_in(phone, "kanya")
    phone.goto(reverse("savings:loan_apply") + f"?saver={borrower.pk}")
    ordinary = LoanType.objects.get(code="ordinary")
    phone.select_option("#id_loan_type", str(ordinary.pk))
    phone.fill("#id_amount", "3000")
    phone.fill("#id_term_months", "10")
    phone.fill("#id_purpose", "ซื้อเส้นไหมทอผ้า")
    phone.select_option("#id_guarantor_1", str(guarantors[0].pk))
    phone.select_option("#id_guarantor_2", str(guarantors[1].pk))
    phone.screenshot(path=screenshots / "savings-loan-apply.png", full_page=True)
    phone.locator("main form button[type=submit]:not([value=check])").click()
    phone.wait_for_url(re.compile(r"/savings/loans/\d+/$"))
    loan = Loan.objects.get(saver=borrower)
    assert loan.status == LoanStatus.APPLIED
    # the guarantors' savings are held for their share
    assert SaverAccount.objects.get(saver=guarantors[0]).held == D("0")

    # the recorder may not decide their own application: a committee member does
    assert phone.goto(reverse("savings:loan_decide", args=[loan.pk])).status == 403
    _log_in(phone, "somsak")
    phone.goto(reverse("savings:loan_decide", args=[loan.pk]))
    phone.locator("input[name=decision][value=approve]").check()
    phone.fill("#id_meeting_number", "ครั้งที่ 5/2569")
    phone.locator("main form button[type=submit]").last.click()
    phone.wait_for_url(re.compile(r"/savings/loans/\d+/$"))
    loan.refresh_from_db()
    assert loan.status == LoanStatus.APPROVED

    # the group's treasurer pays it out from the cash box: a payment voucher in Thai words
    _log_in(phone, "treasurer")
    phone.goto(reverse("savings:loan_disburse", args=[loan.pk]))
    phone.locator("main form button[type=submit]").last.click()
    phone.wait_for_url(re.compile(r"/savings/vouchers/\d+/"))
    voucher = phone.locator("main").inner_text()
    assert re.search(r"PV\d", voucher), voucher[:1500]
    assert "สามพันบาทถ้วน" in voucher
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    assert SaverAccount.objects.get(saver=guarantors[0]).held > 0

    # the first repayment: fines, then interest, then principal
    first = loans.terms(loan).instalments()[0]
    amount = first.principal + first.interest
    phone.goto(reverse("savings:loan_repay", args=[loan.pk]))
    phone.fill("#id_amount", str(amount))
    phone.screenshot(path=screenshots / "savings-repay.png", full_page=True)
    phone.locator("main form button[type=submit]:not([value=check])").click()
    phone.wait_for_url(re.compile(r"/savings/receipts/\d+/"))
    assert re.search(r"RC\d", phone.locator("main").inner_text())
    loan.refresh_from_db()
    assert loan.principal_outstanding < D("3000")
    held = SaverAccount.objects.get(saver=guarantors[0]).held
    assert held < D("1500")  # holds are released as principal is repaid
