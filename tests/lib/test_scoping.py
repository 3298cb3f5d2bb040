"""District scoping: 404 outside the user's reach, 403 when visible but read-only."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from members.models import District, Subdistrict, User
from otop_portal.lib.scoping import can_write, get_for_user, owner_district_id
from tests.conftest import OTHER_DISTRICT, OWN_DISTRICT


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_district_member_sees_only_their_district(district_member):
    assert list(District.objects.for_user(district_member).values_list("code", flat=True)) == [
        OWN_DISTRICT
    ]
    codes = set(Subdistrict.objects.for_user(district_member).values_list("district", flat=True))
    assert codes == {OWN_DISTRICT}


@pytest.mark.parametrize("persona", ["officer", "staff"])
def test_officers_and_staff_see_every_district(request, db, persona):
    user = request.getfixturevalue(persona)
    assert District.objects.for_user(user).count() == District.objects.count() > 900


def test_nobody_logged_out_or_deactivated_sees_anything(district_member):
    from django.contrib.auth.models import AnonymousUser

    assert not District.objects.for_user(AnonymousUser()).exists()
    district_member.is_active = False
    assert not District.objects.for_user(district_member).exists()


def test_another_districts_object_answers_404_not_403(other_district_member):
    with pytest.raises(Http404):
        get_for_user(_request(other_district_member), District, code=OWN_DISTRICT)


def test_an_officer_may_read_a_district_object_but_not_change_it(officer):
    request = _request(officer)
    assert get_for_user(request, District, code=OWN_DISTRICT).code == OWN_DISTRICT
    with pytest.raises(PermissionDenied):
        get_for_user(request, District, for_write=True, code=OWN_DISTRICT)


def test_a_district_member_may_change_what_belongs_to_their_district(district_member):
    subdistrict = Subdistrict.objects.filter(district_id=OWN_DISTRICT).first()
    assert owner_district_id(subdistrict) == OWN_DISTRICT
    assert can_write(district_member, subdistrict)
    other = Subdistrict.objects.filter(district_id=OTHER_DISTRICT).first()
    assert not can_write(district_member, other)


def test_staff_may_change_anything(staff):
    assert can_write(staff, District.objects.get(code=OTHER_DISTRICT))


def test_a_model_can_decide_who_writes_it(district_member, monkeypatch):
    district = District.objects.get(code=OWN_DISTRICT)
    monkeypatch.setattr(District, "is_writable_by", lambda self, user: False, raising=False)
    assert not can_write(district_member, district)


def test_accounts_are_scoped_to_the_district_too(district_member, other_district_member, staff):
    assert set(User.objects.for_user(district_member)) == {district_member}
    assert other_district_member in User.objects.for_user(staff)
