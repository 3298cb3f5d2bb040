"""Permission-matrix rows of the equipment reports pages: every login reads them."""

from tests.matrix import Row, logged_in

KINDS = (
    "use",
    "idle",
    "served",
    "districts",
    "concentration",
    "unmet",
    "discipline",
    "maintenance",
)


def equipment_type(request):
    from equipment.models import EquipmentType

    return {"pk": EquipmentType.objects.create(name="เครื่องอบแห้ง").pk}


ROWS: dict = {
    "equipment:reports": Row(get=logged_in(200), post=logged_in(405)),
    "equipment:report": [
        Row(get=logged_in(200), post=logged_in(405), kwargs={"kind": kind}) for kind in KINDS
    ],
    "equipment:report_export": [
        Row(get=logged_in(200), post=logged_in(405), kwargs={"kind": kind, "fmt": fmt})
        for kind in KINDS
        for fmt in ("csv", "xlsx")
    ],
    "equipment:booklet": Row(get=logged_in(200), post=logged_in(405), kwargs=equipment_type),
}
