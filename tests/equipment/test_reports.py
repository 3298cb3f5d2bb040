"""The equipment reports on a small history whose figures are worked out by hand.

February 2027 (Monday 1 to Sunday 28) has 20 weekdays; Wednesday 10 February is made
an office closure, so the period has 19 working days. Unit A of the sealer type:

- loan 1 (producer P1, district 2701): booked Mon 1–Wed 3, out Mon 1 09:00, back
  Tue 2 15:00 (early): 2 loan-days, 3 booked days;
- loan 2 (P2, district 2706): booked Fri 5–Mon 8, out Fri 5 09:00, back Thu 11 10:00
  returned damaged, late by 2 days 17.5 hours: loan-days Fri 5, Mon 8, Tue 9, Thu 11
  (the weekend and the closure are not working days) = 4; 2 booked days;
- a no-show (P3, 2701) on Fri 12: 1 booked day, no loan;
- maintenance Mon 15 08:30 – Tue 16 16:30: 2 maintenance days, 32 hours down;
- loan 3 (P1) booked Thu 25 Feb – Tue 2 Mar, out Thu 25 09:00, still out: loan-days
  Thu 25 and Fri 26 = 2; 2 booked days in February.

Unit A: used 8, booked 8, available 19 − 2 = 17, utilisation 8/17 = 47.06 %,
availability 1 − (32/24)/28 = 95.24 %. Unit B (same type) only lent in January.
"""

import csv
import io
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.urls import reverse
from django.utils import timezone, translation

from equipment import reports
from equipment.models import (
    Booking,
    BookingKind,
    BookingStatus,
    EquipmentType,
    EquipmentUnit,
    Loan,
    MaintenanceTicket,
    NonWorkingDay,
    TicketKind,
    TicketStatus,
    UnitStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from equipment.services.rules import service_due_on
from members.models import Producer
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT
from tests.factories import ProducerFactory, sa_kaeo_district

FEBRUARY = reports.Period(date(2027, 2, 1), date(2027, 2, 28))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def feb(day: int) -> date:
    return date(2027, 2, day)


def booking(unit, producer, first, last, status, *, by, kind=BookingKind.LOAN):
    period = DateTimeTZRange(at(first, 8, 30), at(last, 16, 30), "[)")
    return Booking.objects.create(
        unit=unit,
        producer=producer,
        kind=kind,
        status=status,
        period=period,
        blocked_period=period,
        booked_days=(last - first).days + 1,
        requested_by=by,
    )


def loan(booked, out, back=None, *, by, condition="good"):
    return Loan.objects.create(
        booking=booked,
        unit=booked.unit,
        due_at=booked.period.upper,
        checked_out_at=out,
        checked_out_by=by,
        checkout_condition="good",
        acknowledged_by="นางสมศรี",
        returned_at=back,
        returned_by=by if back else None,
        return_condition=condition if back else "",
        cleaned=True if back else None,
    )


@pytest.fixture
def history(clock, sealer, staff):
    assert not Producer.objects.exists(), "the registered producers are the test's own"
    NonWorkingDay.objects.filter(on__range=(feb(1), feb(28))).delete()
    NonWorkingDay.objects.create(on=feb(10), name="ปิดสำนักงาน")
    p1 = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT), name="กลุ่มหนึ่ง")
    p2 = ProducerFactory(district=sa_kaeo_district(OTHER_DISTRICT), name="กลุ่มสอง")
    p3 = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT), name="กลุ่มสาม")
    a = EquipmentUnit.objects.create(equipment_type=sealer, asset_number="A", location="สนง.")
    b = EquipmentUnit.objects.create(equipment_type=sealer, asset_number="B", location="สนง.")
    done = BookingStatus.RETURNED
    loan(booking(a, p1, feb(1), feb(3), done, by=staff), at(feb(1), 9), at(feb(2), 15), by=staff)
    late = booking(a, p2, feb(5), feb(8), done, by=staff)
    loan(late, at(feb(5), 9), at(feb(11), 10), by=staff, condition="damaged")
    booking(a, p3, feb(12), feb(12), BookingStatus.NO_SHOW, by=staff)
    booking(a, None, feb(15), feb(16), BookingStatus.APPROVED, by=staff, kind="maintenance")
    booking(a, p2, feb(17), feb(17), BookingStatus.REJECTED, by=staff)
    booking(a, p3, feb(18), feb(18), BookingStatus.CANCELLED, by=staff)
    out = booking(a, p1, feb(25), date(2027, 3, 2), BookingStatus.CHECKED_OUT, by=staff)
    loan(out, at(feb(25), 9), by=staff)
    january = booking(b, p1, date(2027, 1, 11), date(2027, 1, 12), done, by=staff)
    loan(january, at(date(2027, 1, 11), 9), at(date(2027, 1, 12), 15), by=staff)
    for status in (WaitlistStatus.WAITING, WaitlistStatus.BOOKED):
        WaitlistEntry.objects.create(
            unit=a,
            producer=p3,
            status=status,
            requested_by=staff,
            period=DateTimeTZRange(at(feb(24), 8, 30), at(feb(24), 16, 30), "[)"),
        )
    return {"a": a, "b": b, "p1": p1, "p2": p2, "p3": p3}


def test_use_counts_loan_days_against_available_working_days(history):
    use = reports.utilisation(FEBRUARY)
    a, b = use.units
    assert use.working_days == 19
    assert (a.label, a.loans, a.used_days, a.booked_days) == ("A", 3, 8, 8)
    assert (a.maintenance_days, a.available_days) == (2, 17)
    assert round(a.utilisation, 2) == 47.06
    assert round(a.availability, 2) == 95.24
    assert (b.used_days, b.available_days, b.utilisation, b.availability) == (0, 19, 0, 100)
    (sealers,) = use.types
    assert (sealers.units, sealers.used_days, sealers.available_days) == (2, 8, 36)
    assert round(sealers.utilisation, 2) == 22.22


def test_idle_units_say_why_they_are_idle(history, sealer):
    dryer = EquipmentType.objects.create(name="ตู้อบ")
    broken = EquipmentUnit.objects.create(
        equipment_type=dryer,
        asset_number="C",
        location="อำเภอ",
        status=UnitStatus.MAINTENANCE,
        status_reason="มอเตอร์เสีย",
        created_at=at(date(2026, 6, 1), 9),
    )
    with translation.override("en"):
        idle = reports.idle_units()
        found = {row.unit.pk: (row.idle_days, row.threshold, row.reason) for row in idle.units}
    assert found == {
        broken.pk: (273, 180, "In maintenance: มอเตอร์เสีย"),
        history["b"].pk: (48, 30, "No demand"),
    }, "unit A is out on a loan, so it is not idle"
    assert idle.counts == {30: 2, 90: 1, 180: 1}


def test_producers_served_split_new_and_returning(history):
    served = reports.producers_served(FEBRUARY)
    (sealers,) = served.types
    assert (sealers.served, sealers.new, sealers.returning, sealers.ever) == (2, 1, 1, 2)
    assert (served.total.served, served.total.new, served.total.ever) == (2, 1, 2)


def test_districts_are_set_against_their_share_of_producers(history):
    result = reports.districts(FEBRUARY)
    rows = {row.district.code: row for row in result.rows}
    own, other = rows[OWN_DISTRICT], rows[OTHER_DISTRICT]
    assert (own.loans, own.loan_days, own.producers, own.registered) == (2, 4, 1, 2)
    assert (other.loans, other.loan_days, other.producers, other.registered) == (1, 4, 1, 1)
    assert (round(own.ratio, 2), round(other.ratio, 2)) == (0.75, 1.5)
    assert (round(own.served_ratio, 2), round(other.served_ratio, 2)) == (0.75, 1.5)
    assert len(result.rows) == 9, "every district of Sa Kaeo"
    assert [r.district.code for r in result.rows if r.flagged] == [
        r.district.code
        for r in result.rows
        if r.district.code not in (OWN_DISTRICT, OTHER_DISTRICT)
    ]
    assert (result.total.loans, result.total.loan_days, result.total.registered) == (3, 8, 3)


def test_concentration_gives_top_share_and_both_ginis(history):
    result = reports.concentration(FEBRUARY)
    assert [(b.name, b.loan_days) for b in result.top] == [("กลุ่มหนึ่ง", 4), ("กลุ่มสอง", 4)]
    assert result.top_share == 100
    assert result.gini_borrowers == 0
    # [0, 4, 4]: 2·(2·4 + 3·4)/(3·8) − 4/3 = 1/3
    assert round(result.gini_registered, 4) == 0.3333


def test_unmet_demand_counts_rejected_waitlisted_and_no_shows_per_month(history):
    result = reports.unmet_demand(FEBRUARY)
    (row,) = result.rows
    assert (row.type_name, row.month_label) == ("เครื่องซีลสุญญากาศ", "02/2570")
    assert (row.rejected, row.waitlisted, row.no_show, row.total) == (1, 1, 1, 3)


def test_unmet_demand_counts_requests_refused_for_a_taken_time_or_over_quota(history, staff):
    from equipment.models import BookingRefusal

    period = DateTimeTZRange(at(feb(22), 8, 30), at(feb(22), 16, 30), "[)")
    for rules in ("R11", "R8", "R7,R9", "R4"):
        BookingRefusal.objects.create(
            producer=history["p1"],
            unit=history["a"],
            period=period,
            rules=rules,
            reasons="…",
            refused_by=staff,
        )
    (row,) = reports.unmet_demand(FEBRUARY).rows
    assert (row.taken, row.over_quota, row.total) == (1, 2, 6)


def test_discipline_rates(history):
    (row,) = reports.discipline(FEBRUARY).types
    assert (row.committed, row.no_shows, row.returned, row.late, row.damaged) == (4, 1, 2, 1, 1)
    assert (row.no_show_rate, row.late_rate, row.damage_per_100) == (25, 50, 50)
    assert round(row.average_days_late, 3) == round(2 + 17.5 / 24, 3)


def test_maintenance_cost_per_loan_and_services_overdue(history, staff):
    a = history["a"]
    for opened, cost in ((feb(16), "1500.00"), (date(2027, 1, 5), "999.00")):
        MaintenanceTicket.objects.create(
            unit=a,
            kind=TicketKind.REPAIR,
            status=TicketStatus.RESOLVED,
            reason="ซ่อม",
            opened_at=at(opened, 9),
            opened_by=staff,
            cost=Decimal(cost),
            closed_at=at(opened, 15),
            closed_by=staff,
        )
    dryer = EquipmentType.objects.create(name="ตู้อบ", service_interval_months=6)
    never = EquipmentUnit.objects.create(
        equipment_type=dryer, asset_number="C", location="ก", purchased_on=date(2026, 6, 15)
    )
    serviced = EquipmentUnit.objects.create(equipment_type=dryer, asset_number="D", location="ก")
    MaintenanceTicket.objects.create(
        unit=serviced,
        kind=TicketKind.SERVICE,
        status=TicketStatus.RESOLVED,
        reason="บำรุงรักษา",
        opened_by=staff,
        closed_at=at(date(2027, 1, 10), 15),
        closed_by=staff,
    )
    result = reports.maintenance(FEBRUARY)
    rows = {row.unit.asset_number: row for row in result.rows}
    assert (rows["A"].cost, rows["A"].loans, rows["A"].cost_per_loan) == (
        Decimal("1500.00"),
        3,
        Decimal("500.00"),
    )
    assert [row.unit.asset_number for row in result.overdue] == ["C"]
    assert rows["C"].overdue_days == 76
    for unit in (never, serviced, a):
        assert rows[unit.asset_number].service_due == service_due_on(unit)


def _csv(client, kind, **params):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("equipment:report_export", args=[kind, "csv"]), params)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


FEBRUARY_BE = {"start": "01/02/2570", "end": "28/02/2570"}


def test_the_period_is_typed_in_buddhist_era(client, history, staff):
    client.force_login(staff)
    rows = _csv(client, "use", **FEBRUARY_BE)
    assert [(r["Unit"], r["Days used"], r["Utilisation %"]) for r in rows] == [
        ("A", "8", "47.06"),
        ("B", "0", "0.00"),
        ("All machines", "8", "22.22"),
    ]
    page = client.get(reverse("equipment:report", args=["use"]), FEBRUARY_BE)
    assert page.context["period"] == FEBRUARY
    assert "2570" in page.content.decode()


def test_the_default_period_is_the_last_12_months(client, history, staff):
    client.force_login(staff)
    response = client.get(reverse("equipment:report", args=["use"]))
    assert response.context["period"] == reports.Period(date(2026, 3, 2), date(2027, 3, 1))


def test_a_period_that_ends_before_it_starts_is_refused(client, history, staff):
    client.force_login(staff)
    response = client.get(
        reverse("equipment:report", args=["use"]), {"start": "28/02/2570", "end": "01/02/2570"}
    )
    assert response.context["form"].errors
    assert response.context["period"] == reports.Period.last_12_months()


def test_top_borrowers_of_another_district_stay_unnamed(client, history, district_member):
    client.force_login(district_member)
    names = [row["Producer"] for row in _csv(client, "concentration", **FEBRUARY_BE)]
    assert names == ["กลุ่มหนึ่ง", "another district's producer"]
    page = client.get(reverse("equipment:report", args=["concentration"]), FEBRUARY_BE)
    assert "กลุ่มสอง" not in page.content.decode()
    assert "กลุ่มหนึ่ง" in page.content.decode()


@pytest.mark.parametrize("persona", ["staff", "officer"])
def test_staff_and_officers_see_every_top_borrower(client, history, persona, request):
    client.force_login(request.getfixturevalue(persona))
    names = [row["Producer"] for row in _csv(client, "concentration", **FEBRUARY_BE)]
    assert names == ["กลุ่มหนึ่ง", "กลุ่มสอง"]


def test_the_reports_page_links_every_report(client, district_member):
    client.force_login(district_member)
    page = client.get(reverse("equipment:reports")).content.decode()
    for kind in ("use", "idle", "served", "districts", "concentration", "unmet", "discipline"):
        assert reverse("equipment:report", args=[kind]) in page


def test_the_booklet_prints_the_configured_rules(client, sealer, district_member, clock):
    sealer.safety = "สวมถุงมือกันความร้อน"
    sealer.max_duration = 3
    sealer.save()
    client.force_login(district_member)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("equipment:booklet", args=[sealer.pk])).content.decode()
    for text in ("สวมถุงมือกันความร้อน", "ฝาครอบ", "ทำความสะอาดแล้ว", "ข้อตกลง", "R24"):
        assert text in page
    assert "A booking lasts at most 3 days." in page
    assert "style=" not in page


def test_loan_days_match_a_day_by_day_count_for_any_spans(clock, sealer, staff):
    """The use report counts a unit's loan-days and booked days from a calendar of
    cumulative working days, merging a unit's spans; a day-by-day count over random
    spans (across the period's ends, weekends, a closure, late returns and loans still
    out) gives the same figures."""
    rng = random.Random(7)
    NonWorkingDay.objects.filter(on__range=(feb(1), feb(28))).delete()
    NonWorkingDay.objects.create(on=feb(10), name="ปิดสำนักงาน")
    closed = set(NonWorkingDay.objects.values_list("on", flat=True))
    producer = ProducerFactory(district=sa_kaeo_district(OWN_DISTRICT))
    expected = {}
    for number in range(30):
        unit = EquipmentUnit.objects.create(
            equipment_type=sealer, asset_number=f"U{number:02d}", location="สนง."
        )
        used, booked = set(), set()
        start = feb(1) - timedelta(days=12)
        for _loan in range(2):
            first = start + timedelta(days=rng.randint(0, 9))
            last = first + timedelta(days=rng.randint(0, 6))
            start = last + timedelta(days=rng.randint(1, 10))
            out_day = first + timedelta(days=rng.randint(-1, 1))
            still_out = rng.random() < 0.1
            back_day = last + timedelta(days=rng.randint(0, 9))
            done = BookingStatus.CHECKED_OUT if still_out else BookingStatus.RETURNED
            made = booking(unit, producer, first, last, done, by=staff)
            loan(made, at(out_day, 9), None if still_out else at(back_day, 15), by=staff)
            booked |= {first + timedelta(days=n) for n in range((last - first).days + 1)}
            end = timezone.localdate() if still_out else back_day
            used |= {out_day + timedelta(days=n) for n in range((end - out_day).days + 1)}
            if still_out:
                break

        def working(days):
            return {
                d for d in days if feb(1) <= d <= feb(28) and d.weekday() < 5 and d not in closed
            }

        expected[unit.asset_number] = (len(working(used)), len(working(booked)))
    use = reports.utilisation(FEBRUARY)
    assert {row.label: (row.used_days, row.booked_days) for row in use.units} == expected
    assert use.working_days == 19
