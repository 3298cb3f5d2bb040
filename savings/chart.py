"""The chart of accounts and the first policy version, shared by the data migration,
the demo and tests that empty the tables (live-server tests)."""

from datetime import date
from decimal import Decimal

CHART = [
    # code, Thai, English, kind, role, sub-ledger, bank
    ("1101", "เงินสด", "Cash on hand", "asset", "cash", "", False),
    (
        "1102",
        "เงินสดที่ผู้เก็บเงินอำเภอถือไว้",
        "Cash with district collectors",
        "asset",
        "collectors",
        "collectors",
        False,
    ),
    ("1111", "เงินฝากธนาคาร", "Bank account", "asset", None, "", True),
    ("1201", "ลูกหนี้เงินกู้สมาชิก", "Loans to members", "asset", "loans", "loans", False),
    ("2101", "เงินฝากสมาชิก", "Members' deposits", "liability", "deposits", "deposits", False),
    ("2201", "กองทุนสวัสดิการสมาชิก", "Members' welfare fund", "liability", "welfare", "", False),
    ("2202", "ค่าตอบแทนกรรมการค้างจ่าย", "Committee pay owed", "liability", "committee", "", False),
    (
        "2203",
        "เงินสนับสนุนเครือข่าย OTOP ค้างจ่าย",
        "Support owed to the OTOP network",
        "liability",
        "network",
        "",
        False,
    ),
    ("3101", "เงินสัจจะสะสม", "Members' pledged savings", "equity", "pledged", "pledged", False),
    ("3201", "ทุนสำรอง", "Reserve", "equity", "reserve", "", False),
    ("3301", "กำไรสุทธิรอจัดสรร", "Surplus awaiting allocation", "equity", "surplus", "", False),
    ("4101", "ดอกเบี้ยเงินกู้", "Loan interest", "income", "interest", "", False),
    ("4102", "ค่าปรับ", "Fines", "income", "fines", "", False),
    ("4103", "ค่าธรรมเนียมแรกเข้า", "Entry fees", "income", "fees", "", False),
    ("4109", "รายได้อื่น", "Other income", "income", "other_income", "", False),
    (
        "5101",
        "ดอกเบี้ยเงินฝากจ่าย",
        "Interest paid on deposits",
        "expense",
        "deposit_interest",
        "",
        False,
    ),
    ("5201", "ค่าใช้จ่ายดำเนินงาน", "Running expenses", "expense", "expenses", "", False),
    ("5202", "ค่าเครื่องเขียนและแบบพิมพ์", "Stationery and forms", "expense", None, "", False),
    ("5203", "ค่าอาหารและเครื่องดื่มในการประชุม", "Meeting refreshments", "expense", None, "", False),
    ("5204", "ค่าธรรมเนียมธนาคาร", "Bank charges", "expense", None, "", False),
]

FIRST_POLICY_FROM = date(2024, 1, 1)  # 1 ม.ค. 2567


def ensure_chart_and_policy(apps=None) -> None:
    """Create the chart's accounts and the first policy version where missing."""
    if apps is None:
        from django.apps import apps
    Account = apps.get_model("savings", "Account")
    GroupPolicy = apps.get_model("savings", "GroupPolicy")
    LoanType = apps.get_model("savings", "LoanType")
    for code, name, name_en, kind, role, sub, bank in CHART:
        Account.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "role": role,
                "subledger": sub,
                "is_bank": bank,
            },
        )
    if GroupPolicy.objects.exists():
        return
    policy = GroupPolicy.objects.create(
        version=1,
        effective_from=FIRST_POLICY_FROM,
        adopted_at_meeting="ค่าเริ่มต้นของระบบ (รอระเบียบกลุ่มฉบับจริง)",
    )
    LoanType.objects.create(
        policy=policy,
        code="ordinary",
        name="เงินกู้สามัญเพื่อการผลิต",
        monthly_rate_pct=Decimal("1.000"),
        max_term_months=12,
    )
    LoanType.objects.create(
        policy=policy,
        code="emergency",
        name="เงินกู้ฉุกเฉิน",
        monthly_rate_pct=Decimal("1.000"),
        max_term_months=6,
        no_guarantor_pct=Decimal("100"),
        guaranteed_multiple=Decimal("1"),
        max_amount=Decimal("10000.00"),
    )
