"""Geography writes: the DOPA areas from the geothai package."""

from dataclasses import dataclass

from django.db import transaction

from members.models import District, Province, Subdistrict


@dataclass(frozen=True)
class GeographyResult:
    version: str
    provinces: int
    districts: int
    subdistricts: int
    changed: int


@transaction.atomic
def geography_load() -> GeographyResult:
    """Bring Province, District and Subdistrict in line with the geothai package.

    Idempotent: a second run changes nothing. Areas are never deleted (records may
    point at an area DOPA has since abolished); new and renamed ones are written.
    """
    import geothai

    provinces = [
        Province(code=p.code, name_th=p.name_th, name_en=p.name_en or "")
        for p in geothai.provinces()
    ]
    districts = [
        District(
            code=d.code, province_id=d.province_code, name_th=d.name_th, name_en=d.name_en or ""
        )
        for p in provinces
        for d in geothai.districts(p.code)
    ]
    subdistricts = [
        Subdistrict(
            code=s.code,
            district_id=s.district_code,
            name_th=s.name_th,
            name_en=s.name_en or "",
            postal_codes=list(s.postal_codes),
        )
        for d in districts
        for s in geothai.subdistricts(d.code)
    ]
    changed = (
        _upsert(Province, provinces, ["name_th", "name_en"])
        + _upsert(District, districts, ["province", "name_th", "name_en"])
        + _upsert(Subdistrict, subdistricts, ["district", "name_th", "name_en", "postal_codes"])
    )
    return GeographyResult(
        geothai.DATA_VERSION, len(provinces), len(districts), len(subdistricts), changed
    )


def _upsert(model, rows, fields) -> int:
    """Write only the rows that are new or differ, so a re-run is cheap and quiet."""
    attnames = [model._meta.get_field(name).attname for name in fields]
    existing = {values[0]: values[1:] for values in model.objects.values_list("pk", *attnames)}
    stale = [
        row
        for row in rows
        if existing.get(row.pk) != tuple(getattr(row, name) for name in attnames)
    ]
    if stale:
        model.objects.bulk_create(
            stale,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=fields,
        )
    return len(stale)
