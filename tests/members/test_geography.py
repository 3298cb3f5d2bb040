"""Geography: the whole country from geothai, keyed by DOPA code, loaded idempotently."""

from io import StringIO

from django.core.management import call_command

from members.models import District, Province, Subdistrict


def test_sa_kaeo_has_its_9_districts_and_59_subdistricts(db):
    assert Province.objects.get(code="27").name_th == "สระแก้ว"
    assert District.objects.filter(province_id="27").count() == 9
    assert Subdistrict.objects.filter(district__province_id="27").count() == 59


def test_the_whole_country_is_loaded(db):
    assert Province.objects.count() == 77
    assert District.objects.count() > 900
    assert Subdistrict.objects.count() > 7000


def test_subdistricts_with_the_same_name_are_told_apart_by_code(db):
    nong_waeng = Subdistrict.objects.filter(name_th="หนองแวง", district__province_id="27")
    assert {s.district_id for s in nong_waeng} == {"2705", "2708"}


def test_postal_codes_are_kept_and_a_subdistrict_may_have_two(db):
    assert Subdistrict.objects.get(code="270101").postal_codes == ["27000"]
    assert Subdistrict.objects.filter(postal_codes__len=2).exists()


def test_loading_again_changes_nothing(db):
    out = StringIO()
    call_command("load_geography", stdout=out)
    assert "(0 added or changed)" in out.getvalue()
    assert "77 provinces" in out.getvalue()


def test_loading_repairs_a_changed_name(db):
    District.objects.filter(code="2701").update(name_th="ผิด")
    out = StringIO()
    call_command("load_geography", stdout=out)
    assert "(1 added or changed)" in out.getvalue()
    assert District.objects.get(code="2701").name_th == "เมืองสระแก้ว"


def test_an_area_shows_its_english_name_in_english(db):
    from django.utils import translation

    district = District.objects.get(code="2706")
    with translation.override("en"):
        assert str(district) == "Aranyaprathet"
    with translation.override("th"):
        assert str(district) == "อรัญประเทศ"
