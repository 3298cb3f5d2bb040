"""The registry's demo data: one login per persona for Sa Kaeo."""

from django.conf import settings
from django.contrib.auth.models import Group

from members.models import District, Function, Role, User
from otop_portal.lib.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, DemoLogin

# (username, first name, last name, functions) for the network officers: one per
# function, so every second-approver flow has two different people to try.
OFFICERS = [
    ("officer.savings", "สมศรี", "ใจดี", [Function.SAVINGS_TREASURER]),
    ("officer.loans", "ประยูร", "มั่นคง", [Function.LOAN_COMMITTEE]),
    ("officer.audit", "วิไล", "ตรงไป", [Function.AUDIT_COMMITTEE]),
    ("officer.equipment", "ชาญ", "ช่างคิด", [Function.EQUIPMENT_APPROVER]),
    ("officer.fair", "มาลี", "งามตา", [Function.FAIR_COMMITTEE]),
]
FIRST_NAMES = ["สมชาย", "สมหญิง", "บุญมี", "บุญเรือน", "ประเสริฐ", "ประภา", "วิชัย", "วันเพ็ญ", "สุรชัย"]
LAST_NAMES = ["แก้วมณี", "ทองดี", "ศรีสุข", "พรหมมา", "บุญยืน", "สายทอง", "คำแสน", "จันทร์หอม", "ชัยมงคล"]


def seed_accounts() -> list[DemoLogin]:
    _account("cdd.staff", "อรุณี", "พัฒนชุมชน", Role.PROVINCIAL_STAFF, None, [])
    logins = [DemoLogin("cdd.staff", str(Role.PROVINCIAL_STAFF.label), "Django admin")]
    for username, first, last, functions in OFFICERS:
        _account(username, first, last, Role.NETWORK_OFFICER, None, functions)
        labels = ", ".join(str(f.label) for f in functions)
        logins.append(DemoLogin(username, str(Role.NETWORK_OFFICER.label), labels))
    districts = District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE).order_by("code")
    for index, district in enumerate(districts):
        slug = district.name_en.lower().replace(" ", "")
        for seat, seat_th, offset in (("chair", "ประธาน", 0), ("secretary", "เลขานุการ", 4)):
            # The secretary of Mueang Sa Kaeo also collects savings for the district.
            functions = [Function.SAVINGS_TREASURER] if (index, seat) == (0, "secretary") else []
            name = (FIRST_NAMES[(index + offset) % 9], LAST_NAMES[(index + offset) % 9])
            _account(f"{slug}.{seat}", *name, Role.DISTRICT_MEMBER, district, functions)
            detail = f"{seat_th} อ.{district.name_th}"
            if functions:
                detail += ", " + ", ".join(str(f.label) for f in functions)
            logins.append(DemoLogin(f"{slug}.{seat}", str(Role.DISTRICT_MEMBER.label), detail))
    return logins


def _account(username, first_name, last_name, role, district, functions):
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "role": role,
            "district": district,
            "is_active": True,
            "email": f"{username}@{DEMO_EMAIL_DOMAIN}",
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    user.groups.set(Group.objects.filter(name__in=functions))
    return user
