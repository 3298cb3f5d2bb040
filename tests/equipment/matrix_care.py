"""Permission-matrix rows of the equipment care pages.

Staff and equipment approvers run the care pages (the matrix's officer holds no
function, so only provincial staff get in); photos are for every login; a district
member records the terms its own producers accepted."""

from tests.matrix import Row, district_write, logged_in, producer, staff_only


def _unit():
    from equipment.models import EquipmentType, EquipmentUnit

    equipment_type, _created = EquipmentType.objects.get_or_create(
        name="เครื่องซีลสุญญากาศ (matrix)",
        defaults={"checkout_checklist": "ฝาครอบ", "return_checklist": "สะอาด"},
    )
    number = EquipmentUnit.objects.count() + 1
    return EquipmentUnit.objects.create(
        equipment_type=equipment_type, asset_number=f"M-{number:04d}", location="สำนักงาน"
    )


def _booking(request, status="approved"):
    from datetime import timedelta

    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
    from django.utils import timezone

    from equipment.models import Booking

    start = timezone.now().replace(microsecond=0)
    period = DateTimeTZRange(start, start + timedelta(days=1), "[)")
    return Booking.objects.create(
        unit=_unit(),
        producer_id=producer(request)["pk"],
        status=status,
        period=period,
        blocked_period=period,
        booked_days=2,
        requested_by=request.getfixturevalue("staff"),
    )


def booking(request):
    return {"pk": _booking(request).pk}


def _loan(request):
    from equipment.models import Loan

    checked_out = _booking(request, status="checked_out")
    return Loan.objects.create(
        booking=checked_out,
        unit=checked_out.unit,
        due_at=checked_out.period.upper,
        checked_out_by=request.getfixturevalue("staff"),
        checkout_condition="good",
        acknowledged_by="นางสมศรี",
    )


def loan(request):
    return {"pk": _loan(request).pk}


def photo(request):
    from equipment.photos import photo_save
    from tests.equipment.test_care_pages import png

    made = _loan(request)
    saved = photo_save(
        unit=made.unit, stage="checkout", upload=png(), by=request.getfixturevalue("staff")
    )
    return {"token": saved.token}


def unit(request):
    return {"pk": _unit().pk}


def ticket(request):
    from equipment.models import MaintenanceTicket

    made = MaintenanceTicket.objects.create(
        unit=_unit(), kind="repair", reason="สายไฟชำรุด", opened_by=request.getfixturevalue("staff")
    )
    return {"pk": made.pk}


def suspension(request):
    from datetime import timedelta

    from django.utils import timezone

    from equipment.models import Suspension

    today = timezone.localdate()
    made = Suspension.objects.create(
        producer_id=producer(request)["pk"],
        starts_on=today,
        ends_on=today + timedelta(days=29),
        reason="คืนช้า",
    )
    return {"pk": made.pk}


def _view(**kwargs) -> Row:
    """A staff page that only shows."""
    return Row(get=staff_only(), post=logged_in(405), **kwargs)


def _form(**kwargs) -> Row:
    """A staff form page: an empty POST shows the form again with its errors."""
    return Row(get=staff_only(), post=staff_only(200), **kwargs)


ROWS: dict = {
    "equipment:care_desk": _view(),
    "equipment:loan_checkout": _form(kwargs=booking),
    "equipment:loan_return": _form(kwargs=loan),
    "equipment:overdue_list": _view(),
    "equipment:photo": Row(get=logged_in(200), post=logged_in(405), kwargs=photo),
    "equipment:ticket_list": _view(),
    "equipment:ticket_close": _form(kwargs=ticket),
    "equipment:unit_history": _view(kwargs=unit),
    "equipment:ticket_open": _form(kwargs=unit),
    "equipment:unit_block": _form(kwargs=unit),
    "equipment:unit_status": _form(kwargs=unit),
    "equipment:stocktake_record": _form(kwargs=unit),
    "equipment:stocktake_list": _view(),
    "equipment:service_list": _view(),
    "equipment:suspension_list": _view(),
    "equipment:suspension_lift": _form(kwargs=suspension),
    "equipment:suspension_create": _form(kwargs=producer),
    "equipment:terms_accept": Row(get=district_write(), post=district_write(), kwargs=producer),
    "equipment:training_signoff": _form(kwargs=producer),
}
