"""A few months of demo lending history, written once with the ORM (see the package
docstring)."""

import io
import random
from datetime import date, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from equipment.demo.catalogue import APPROVER_USERNAME, SEED, TYPES
from equipment.models import (
    Booking,
    BookingKind,
    BookingStatus,
    ClosureKind,
    Condition,
    EquipmentType,
    EquipmentUnit,
    LendingSettings,
    Loan,
    MaintenanceTicket,
    NonWorkingDay,
    PhotoStage,
    Stocktake,
    Suspension,
    TermsAcceptance,
    TermsVersion,
    TicketKind,
    TicketStatus,
    TrainingSignoff,
    UnitPhoto,
    UnitStatus,
)
from equipment.photos import photo_save
from equipment.workdays import (
    Calendar,
    Slot,
    at,
    day_slot,
    hour_slot,
    local_day,
    no_show_deadline,
)
from members.models import Role, User


def _picture(colour, label: str) -> SimpleUploadedFile:
    """A small drawn stand-in for a photo of the machine."""
    image = Image.new("RGB", (320, 240), (235, 235, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 70, 260, 190), fill=colour, outline=(40, 40, 40), width=3)
    draw.rectangle((90, 95, 150, 130), fill=(220, 220, 220))
    draw.text((70, 200), label, fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile("demo.png", out.getvalue(), content_type="image/png")


class History:
    """A few months of lending, written once with the ORM (see the module docstring)."""

    def __init__(self, today: date, units: dict, producers: list, staff: User):
        self.today = today
        self.units = units
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
        self.producers = self.rng.sample(producers, 24 if len(producers) >= 24 else len(producers))
        self.staff = staff
        self.approver = User.objects.filter(username=APPROVER_USERNAME).first() or staff
        self.calendar = Calendar.around(today, days=200)
        self.requesters = {}
        for user in User.objects.filter(role=Role.DISTRICT_MEMBER).order_by("username"):
            self.requesters.setdefault(user.district_id, user)
        self.settings = LendingSettings.current()
        self.colours = {plan.name: plan.colour for plan in TYPES}

    # --- dates ---

    def workday(self, offset: int) -> date:
        """The first working day on or after today + offset."""
        day = self.today + timedelta(days=offset)
        while not self.calendar.is_working_day(day):
            day += timedelta(days=1)
        return day

    def span(self, unit, first: date, days: int) -> Slot:
        last = first + timedelta(days=days - 1)
        while not self.calendar.is_working_day(last):
            last += timedelta(days=1)
        return day_slot(
            first, last, turnaround=unit.equipment_type.turnaround, calendar=self.calendar
        )

    def hours(self, unit, day: date, starts: int, ends: int) -> Slot:
        return hour_slot(
            day, time(starts), time(ends), turnaround_minutes=unit.equipment_type.turnaround
        )

    # --- rows ---

    def booking(self, unit, producer, slot: Slot, status: str, **extra) -> Booking:
        created = at(slot.first_day - timedelta(days=self.rng.randint(4, 12)), time(10, 15))
        decided = status not in (BookingStatus.REQUESTED,)
        return Booking.objects.create(
            unit=unit,
            kind=BookingKind.LOAN,
            producer=producer,
            status=status,
            period=slot.period,
            blocked_period=slot.blocked,
            booked_days=slot.booked_days,
            purpose=extra.pop("purpose", self.rng.choice(PURPOSES[unit.equipment_type.name])),
            requested_by=self.requesters.get(producer.district_id, self.staff),
            created_at=min(created, timezone.now()),
            decided_by=self.approver if decided else None,
            decided_at=created + timedelta(hours=3) if decided else None,
            **extra,
        )

    def loan(self, booking: Booking, *, returned=None, condition=Condition.GOOD, notes=""):
        unit = booking.unit
        equipment_type = unit.equipment_type
        out = booking.period.lower + timedelta(minutes=self.rng.randint(10, 50))
        person = booking.producer.contact_person
        loan = Loan(
            booking=booking,
            unit=unit,
            due_at=booking.period.upper,
            checked_out_at=out,
            checked_out_by=self.rng.choice([self.staff, self.approver]),
            checkout_checklist=dict.fromkeys(equipment_type.checklist("checkout"), True),
            checkout_condition=Condition.GOOD,
            acknowledged_by=person.full_name if person else booking.producer.name,
        )
        if returned is not None:
            loan.returned_at = returned
            loan.returned_by = self.staff
            loan.return_checklist = dict.fromkeys(equipment_type.checklist("return"), True)
            loan.return_condition = condition
            loan.cleaned = condition not in (Condition.DAMAGED, Condition.BROKEN)
            loan.return_notes = notes
            loan.units_produced = self.rng.choice([None, 40, 80, 120, 150, 200, 300])
        loan.save()
        return loan

    def photo(self, unit, stage: str, loan=None):
        label = f"{unit.asset_number} {stage}"
        photo_save(
            unit=unit,
            stage=stage,
            upload=_picture(self.colours[unit.equipment_type.name], label),
            by=self.staff,
            loan=loan,
        )

    # --- the story ---

    def write(self) -> None:
        self.paperwork()
        for index, (key, unit) in enumerate(sorted(self.units.items())):
            if not UnitPhoto.objects.filter(unit=unit, loan__isnull=True).exists():
                self.photo(unit, PhotoStage.UNIT)
            special = key in SPECIAL_UNITS
            if unit.equipment_type.is_hourly:
                self.past_sessions(unit, index)
            else:
                self.past_loans(unit, index, until=-32 if special else -14)
            self.stocktake(unit, index)
        self.events()
        self.services()
        self.closure()

    def paperwork(self) -> None:
        """Every producer of the story accepted the terms of every type, five months ago;
        the oven's users were trained."""
        accepted = at(self.today - timedelta(days=150), time(10))
        for producer in self.producers:
            person = producer.contact_person
            for terms in TermsVersion.objects.filter(version=1).select_related("equipment_type"):
                TermsAcceptance.objects.get_or_create(
                    producer=producer,
                    terms=terms,
                    defaults={
                        "accepted_by_name": person.full_name if person else producer.name,
                        "accepted_at": accepted,
                        "recorded_by": self.staff,
                    },
                )
        for producer in self.producers[:8]:
            for equipment_type in EquipmentType.objects.filter(requires_training=True):
                TrainingSignoff.objects.get_or_create(
                    producer=producer,
                    equipment_type=equipment_type,
                    defaults={
                        "trained_on": self.today - timedelta(days=140),
                        "trainer": "นายช่างสมพงษ์ ศรีสระแก้ว",
                        "recorded_by": self.staff,
                    },
                )

    def loan_slots(self, unit, index: int, *, until: int):
        """The unit's past loans, one after another: each begins after the previous one's
        turnaround (which a holiday weekend can stretch past the next few days) and the
        last one's turnaround ends `until` days before today."""
        offset = -120 + index * 2
        longest = min(unit.equipment_type.max_duration, 4)
        while True:
            first = self.workday(offset)
            slot = self.span(unit, first, self.rng.randint(1, longest))
            free_from = local_day(slot.blocked.upper) + timedelta(days=1)
            if (free_from - self.today).days > until:
                return
            yield slot
            offset = max(
                (slot.last_day - self.today).days + self.rng.randint(4, 12),
                (free_from - self.today).days,
            )

    def past_loans(self, unit, index: int, *, until: int) -> None:
        for slot in self.loan_slots(unit, index, until=until):
            producer = self.rng.choice(self.producers)
            booking = self.booking(unit, producer, slot, BookingStatus.RETURNED)
            late = self.rng.random() < 0.08
            back = (
                at(self.calendar.add_working_days(slot.last_day, 1), time(10, 20))
                if late
                else at(slot.last_day, time(self.rng.randint(13, 15), self.rng.randint(0, 59)))
            )
            worn = self.rng.random() < 0.2
            self.loan(
                booking,
                returned=back,
                condition=Condition.WORN if worn else Condition.GOOD,
                notes="ยางรองเริ่มแข็ง" if worn else "",
            )

    def past_sessions(self, unit, index: int) -> None:
        trained = self.producers[:8]
        for week in range(16, 1, -1):
            day = self.workday(-7 * week + index)
            starts = self.rng.choice([9, 13])
            slot = self.hours(unit, day, starts, starts + self.rng.randint(2, 3))
            booking = self.booking(unit, self.rng.choice(trained), slot, BookingStatus.RETURNED)
            self.loan(booking, returned=slot.period.upper - timedelta(minutes=10))

    def stocktake(self, unit, index: int) -> None:
        if index == len(self.units) - 1 or unit.stocktakes.exists():
            return  # the last unit was never counted: its stocktake is overdue
        Stocktake.objects.create(
            unit=unit,
            on=self.today - timedelta(days=150 + index * 4),
            found=True,
            location_seen=unit.location,
            by=self.staff,
        )

    def events(self) -> None:
        sealer, sealer_2, sealer_3 = (self.units[("เครื่องซีลสุญญากาศ", n)] for n in range(3))
        dryer, dryer_2 = (self.units[("ตู้อบแห้ง", n)] for n in range(2))
        oven = self.units[("เตาอบ", 0)]
        sewing, sewing_2, sewing_3 = (self.units[("จักรเย็บผ้า", n)] for n in range(3))
        printer, printer_2 = (self.units[("เครื่องพิมพ์ฉลาก", n)] for n in range(2))
        p = self.producers

        # Out now: picked up on the last working day, due back the next one.
        first = self.calendar_before(self.today)
        slot = self.span(sealer, first, (self.workday(1) - first).days + 1)
        loan = self.loan(self.booking(sealer, p[0], slot, BookingStatus.CHECKED_OUT))
        self.photo(sealer, PhotoStage.CHECKOUT, loan)

        # Overdue: due back three working days ago, still out.
        first = self.workday(-9)
        slot = self.span(sewing, first, 2)
        loan = self.loan(self.booking(sewing, p[1], slot, BookingStatus.CHECKED_OUT))
        self.photo(sewing, PhotoStage.CHECKOUT, loan)

        # A no-show: approved, never picked up, released after four working hours.
        slot = self.span(sealer_2, self.workday(-25), 2)
        released = no_show_deadline(
            slot.period.lower, hours=self.settings.no_show_hours, calendar=self.calendar
        )
        self.booking(
            sealer_2,
            p[2],
            slot,
            BookingStatus.NO_SHOW,
            ended_at=released,
            decision_note="R18 ไม่มารับเครื่องตามเวลา",
        )

        # A damaged return: a repair ticket, the dryer out of lending, the borrower
        # suspended, and the next booking of the dryer flagged.
        slot = self.span(dryer_2, self.workday(-12), 2)
        back = at(slot.last_day, time(14, 40))
        damaged = self.loan(
            self.booking(dryer_2, p[3], slot, BookingStatus.RETURNED),
            returned=back,
            condition=Condition.BROKEN,
            notes="พัดลมไม่หมุน มีกลิ่นไหม้ที่ฮีตเตอร์ชั้นล่าง",
        )
        self.photo(dryer_2, PhotoStage.CHECKOUT, damaged)
        self.photo(dryer_2, PhotoStage.RETURN, damaged)
        MaintenanceTicket.objects.create(
            unit=dryer_2,
            kind=TicketKind.REPAIR,
            reason=damaged.return_notes,
            loan=damaged,
            opened_at=back,
            opened_by=self.staff,
            vendor="ร้านสระแก้วการช่าง",
        )
        reason = f"ซ่อม: {damaged.return_notes}"
        EquipmentUnit.objects.filter(pk=dryer_2.pk).update(
            status=UnitStatus.MAINTENANCE, status_reason=reason
        )
        Suspension.objects.create(
            producer=p[3],
            starts_on=slot.last_day,
            ends_on=slot.last_day + timedelta(days=self.settings.suspend_for_days - 1),
            reason="R19 คืนเครื่องในสภาพชำรุด",
            created_at=back,
        )
        self.booking(
            dryer_2,
            p[4],
            self.span(dryer_2, self.workday(6), 2),
            BookingStatus.APPROVED,
            flagged_at=back,
            flag_reason=reason,
        )

        # Today's hand-over, and the weeks ahead: approved and waiting for approval.
        self.booking(printer_2, p[5], self.span(printer_2, self.workday(0), 3), "approved")
        self.booking(sealer, p[6], self.span(sealer, self.workday(8), 3), "approved")
        self.booking(sealer_3, p[7], self.span(sealer_3, self.workday(3), 2), "approved")
        self.booking(sewing_2, p[8], self.span(sewing_2, self.workday(4), 2), "approved")
        self.booking(printer, p[9], self.span(printer, self.workday(2), 1), "approved")
        self.booking(oven, p[0], self.hours(oven, self.workday(3), 9, 12), "approved")
        self.booking(oven, p[2], self.hours(oven, self.workday(3), 13, 15), "approved")
        self.booking(sewing_3, p[10], self.span(sewing_3, self.workday(6), 3), "requested")
        wanted = self.workday(10)
        for producer in (p[11], p[12]):  # two producers want the same scarce dryer
            self.booking(
                dryer,
                producer,
                self.span(dryer, wanted, 2),
                BookingStatus.REQUESTED,
                decision_note="R10 ตู้อบแห้งมีจำนวนจำกัด การจองต้องได้รับอนุมัติ",
            )

    def calendar_before(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def services(self) -> None:
        """The first dryer and the ovens had their preventive service; the second dryer
        never did, so its service is overdue (it is in repair anyway)."""
        serviced = [self.units[("ตู้อบแห้ง", 0)], self.units[("เตาอบ", 0)], self.units[("เตาอบ", 1)]]
        for unit in serviced:
            opened = at(self.workday(-100), time(9))
            MaintenanceTicket.objects.create(
                unit=unit,
                kind=TicketKind.SERVICE,
                status=TicketStatus.RESOLVED,
                reason="บำรุงรักษาตามรอบ",
                opened_at=opened,
                opened_by=self.staff,
                closed_at=opened + timedelta(hours=5),
                closed_by=self.staff,
                resolution="ล้างพัดลม ตรวจฮีตเตอร์และสายไฟ ปรับเทียบเทอร์โมสตัท",
                vendor="ร้านสระแก้วการช่าง",
                cost=Decimal("850.00"),
            )

    def closure(self) -> None:
        if NonWorkingDay.objects.filter(kind=ClosureKind.OFFICE_CLOSURE).exists():
            return
        NonWorkingDay.objects.get_or_create(
            on=self.workday(20),
            defaults={
                "name": "ปิดสำนักงาน: เจ้าหน้าที่ไปงาน OTOP สระแก้ว",
                "kind": ClosureKind.OFFICE_CLOSURE,
            },
        )


SPECIAL_UNITS = {
    ("เครื่องซีลสุญญากาศ", 0),
    ("เครื่องซีลสุญญากาศ", 1),
    ("ตู้อบแห้ง", 1),
    ("จักรเย็บผ้า", 0),
}
PURPOSES = {
    "เครื่องซีลสุญญากาศ": ["ซีลกล้วยอบเนยส่งงานแสดงสินค้า", "บรรจุหมูแดดเดียว", "ซีลปลาร้าบองล็อตใหม่"],
    "ตู้อบแห้ง": ["อบกล้วยน้ำว้า", "อบสมุนไพรตะไคร้และใบเตย", "อบมะม่วงแผ่น"],
    "เตาอบ": ["อบคุกกี้ธัญพืช", "อบทองม้วนสูตรใหม่", "ทดลองสูตรขนมปังกล้วยหอม"],
    "จักรเย็บผ้า": ["เย็บกระเป๋าผ้าทอมือ", "เย็บผ้าพันคอส่งร้านของฝาก", "ตัดเย็บเสื้อผ้าฝ้าย"],
    "เครื่องพิมพ์ฉลาก": ["พิมพ์ฉลากวันหมดอายุ", "พิมพ์ฉลากบาร์โค้ดส่งห้าง", "พิมพ์ฉลากสินค้าใหม่"],
}
