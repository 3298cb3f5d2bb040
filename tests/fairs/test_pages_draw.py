"""The draw pipeline pages: freeze, the random source typed in and confirmed by a
second person, the official draw and publishing it, unofficial re-runs, and a draw's
result with names within the reader's reach."""

from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from fairs import draw as lottery_module
from fairs import selectors_draw
from fairs.models import (
    Draw,
    FrozenList,
    Holding,
    Outcome,
    RandomSource,
)
from fairs.services import lottery
from members.models import District
from tests.fairs.builders import (
    SOURCE,
    apply,
    close_window,
    make_eligible,
    make_fair,
    publish_policy,
)
from tests.fairs.builders_draw import (
    drawn,
    frozen_fair,
    manager,
    ready_fair,
    second_manager,
    typed_source,
)

pytestmark = pytest.mark.django_db


def thai(msgid: str, **values) -> str:
    with translation.override("th"):
        text = gettext(msgid)
    return text % values if values else text


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def fair_staff(client):
    client.force_login(manager())
    return client


# --- The pipeline page --------------------------------------------------------------------


def test_the_page_shows_counts_feasibility_and_the_freeze_button_to_managers(fair_staff):
    fair = ready_fair(applicants=3)
    response = fair_staff.get(reverse("fairs:draw", args=[fair.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("fairs:list_freeze", args=[fair.pk]) in page
    assert response.context["p"].eligible == 3
    assert response.context["p"].waiting == 0
    assert response.context["p"].problems == []
    with translation.override("th"):
        expected = ngettext(
            "All quotas can be met with the %(count)s eligible application.",
            "All quotas can be met with the %(count)s eligible applications.",
            3,
        ) % {"count": 3}
    assert expected in page


def test_readers_see_the_page_without_the_actions(client, district_member):
    fair = ready_fair(applicants=1)
    client.force_login(district_member)
    response = client.get(reverse("fairs:draw", args=[fair.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("fairs:list_freeze", args=[fair.pk]) not in page
    assert reverse("fairs:draw_rerun", args=[fair.pk]) not in page


def test_the_whole_pipeline_through_the_pages(client):
    first, second = manager(), second_manager()
    fair = ready_fair(applicants=4)
    client.force_login(first)
    response = client.post(reverse("fairs:list_freeze", args=[fair.pk]))
    assert response.status_code == 302
    frozen = FrozenList.objects.get(fair=fair)
    page = client.get(reverse("fairs:draw", args=[fair.pk])).content.decode()
    assert frozen.list_hash in page
    assert reverse("fairs:verify_list", args=[fair.pk]) in page

    response = client.post(reverse("fairs:source_enter", args=[fair.pk]), {"text": SOURCE})
    assert response.status_code == 302
    source = RandomSource.objects.get(fair=fair)
    page = client.get(reverse("fairs:draw", args=[fair.pk])).content.decode()
    # the one who typed it in is not offered the confirmation
    assert reverse("fairs:source_confirm", args=[source.pk]) not in page

    client.force_login(second)
    page = client.get(reverse("fairs:draw", args=[fair.pk])).content.decode()
    assert reverse("fairs:source_confirm", args=[source.pk]) in page
    assert SOURCE not in page  # the second person types it from the announcement
    response = client.post(
        reverse("fairs:source_confirm", args=[source.pk]), {"retyped": SOURCE + "  "}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.confirmed_by == second

    response = client.post(reverse("fairs:draw_run", args=[fair.pk]))
    official = Draw.objects.get(fair=fair, official=True)
    assert response.status_code == 302
    assert response["Location"] == reverse("fairs:draw_detail", args=[official.pk])
    assert client.get(response["Location"]).status_code == 200

    response = client.post(reverse("fairs:draw_publish", args=[official.pk]))
    assert response.status_code == 302
    official.refresh_from_db()
    assert official.is_published
    selected = official.lines.filter(outcome=Outcome.SELECTED).count()
    assert selected and Holding.objects.filter(fair=fair).count() == selected
    page = client.get(reverse("fairs:draw", args=[fair.pk])).content.decode()
    assert reverse("fairs:verify", args=[fair.pk]) in page
    assert reverse("fairs:draw_publish", args=[official.pk]) not in page


def test_freezing_before_the_window_closes_is_refused_with_a_message(fair_staff):
    by = manager()
    fair = make_fair()
    publish_policy(fair, by)
    make_eligible(apply(fair, by), by)
    response = fair_staff.post(reverse("fairs:list_freeze", args=[fair.pk]))
    assert response.status_code == 302
    assert messages_of(response) == [
        thai("The list can be frozen only after applications have closed.")
    ]
    assert not FrozenList.objects.filter(fair=fair).exists()


def test_freezing_with_applications_waiting_is_refused(fair_staff):
    fair = ready_fair(applicants=1)
    apply(fair, manager())  # submitted, not reviewed (the window is closed for members only)
    page = fair_staff.get(reverse("fairs:draw", args=[fair.pk]))
    assert page.context["p"].waiting == 1
    response = fair_staff.post(reverse("fairs:list_freeze", args=[fair.pk]))
    assert response.status_code == 302
    assert not FrozenList.objects.filter(fair=fair).exists()
    assert len(messages_of(response)) == 1


def test_infeasible_quotas_are_named_before_freezing(fair_staff):
    by = manager()
    fair = make_fair()
    publish_policy(fair, by, district_min=1)  # nine districts, applicants from one
    make_eligible(apply(fair, by), by)
    fair = close_window(fair)
    response = fair_staff.get(reverse("fairs:draw", args=[fair.pk]))
    problems = response.context["p"].problems
    with translation.override("th"):
        name = District.objects.get(code="2702").name
    assert any(name in problem for problem in problems)
    assert name in response.content.decode()
    response = fair_staff.post(reverse("fairs:list_freeze", args=[fair.pk]))
    refused = " ".join(messages_of(response))
    assert name in refused
    assert not FrozenList.objects.filter(fair=fair).exists()


def test_the_same_person_cannot_confirm_the_source(fair_staff):
    source = typed_source()
    response = fair_staff.post(
        reverse("fairs:source_confirm", args=[source.pk]), {"retyped": SOURCE}
    )
    assert response.status_code == 200
    assert thai("A second person must confirm the random source.") in response.content.decode()
    source.refresh_from_db()
    assert not source.is_confirmed


def test_a_mismatch_is_refused(client):
    source = typed_source()
    client.force_login(second_manager())
    response = client.post(
        reverse("fairs:source_confirm", args=[source.pk]),
        {"retyped": SOURCE.replace("123456", "123465")},
    )
    assert response.status_code == 200
    form = response.context["confirm_form"]
    assert form.errors["retyped"] == [
        thai("What you typed differs from what was entered. Check the results.")
    ]
    source.refresh_from_db()
    assert not source.is_confirmed


def test_an_empty_source_shows_the_form_again(fair_staff):
    fair = frozen_fair()
    response = fair_staff.post(reverse("fairs:source_enter", args=[fair.pk]), {"text": ""})
    assert response.status_code == 200
    assert response.context["enter_form"].errors["text"]
    assert not RandomSource.objects.filter(fair=fair).exists()


def test_the_official_draw_waits_for_the_confirmed_source(fair_staff):
    source = typed_source()
    response = fair_staff.post(reverse("fairs:draw_run", args=[source.fair_id]))
    assert response.status_code == 302
    assert messages_of(response) == [
        thai("The random source must be typed in and confirmed first.")
    ]
    assert not Draw.objects.filter(fair_id=source.fair_id).exists()


def test_readers_cannot_act(client, officer):
    fair = ready_fair(applicants=1)
    client.force_login(officer)
    assert client.post(reverse("fairs:list_freeze", args=[fair.pk])).status_code == 403
    assert not FrozenList.objects.filter(fair=fair).exists()


# --- Re-runs and the draw's page ------------------------------------------------------------


def test_an_unofficial_rerun_is_stored_and_labelled(fair_staff):
    fair, official = drawn(publish=False, applicants=4, food=0)
    response = fair_staff.post(reverse("fairs:draw_rerun", args=[fair.pk]), {"source_text": ""})
    assert response.status_code == 200
    assert response.context["rerun_form"].errors["source_text"]

    response = fair_staff.post(
        reverse("fairs:draw_rerun", args=[fair.pk]), {"source_text": "ทดลอง 999999"}
    )
    rerun = Draw.objects.get(fair=fair, official=False)
    assert response["Location"] == reverse("fairs:draw_detail", args=[rerun.pk])
    page = fair_staff.get(response["Location"]).content.decode()
    assert thai("Unofficial") in page
    assert rerun.seed != official.seed
    pipeline = fair_staff.get(reverse("fairs:draw", args=[fair.pk])).content.decode()
    assert reverse("fairs:draw_detail", args=[rerun.pk]) in pipeline
    assert reverse("fairs:draw_detail", args=[official.pk]) in pipeline
    # the same source again gives the same draw
    fair_staff.post(
        reverse("fairs:draw_rerun", args=[fair.pk]), {"source_text": official.source_text}
    )
    again = Draw.objects.filter(fair=fair, official=False).order_by("-run_at").first()
    assert again.seed == official.seed
    assert list(again.lines.values_list("application_id", "outcome", "booth_id")) == list(
        official.lines.values_list("application_id", "outcome", "booth_id")
    )


def test_only_the_official_draw_is_published(fair_staff):
    fair, _official = drawn(publish=False, applicants=2, food=0)
    rerun = lottery.draw_run(fair=fair, by=manager(), official=False, source_text="x" * 8)
    response = fair_staff.post(reverse("fairs:draw_publish", args=[rerun.pk]))
    assert response.status_code == 302
    assert messages_of(response) == [thai("Only the official draw is published.")]
    rerun.refresh_from_db()
    assert not rerun.is_published


def test_a_district_member_sees_names_of_their_own_district_only(client, district_member):
    _fair, official = drawn(applicants=6, food=1)
    client.force_login(district_member)
    page = client.get(reverse("fairs:draw_detail", args=[official.pk])).content.decode()
    lines = official.lines.select_related("application__producer")
    own = [line for line in lines if line.application.district_id == "2701"]
    others = [line for line in lines if line.application.district_id != "2701"]
    assert own and others
    for line in own:
        assert line.application.producer.name in page
    for line in others:
        assert line.application.producer.name not in page


def test_staff_see_every_name_and_reason(fair_staff):
    _fair, official = drawn(applicants=6, food=1)
    response = fair_staff.get(reverse("fairs:draw_detail", args=[official.pk]))
    page = response.content.decode()
    for line in official.lines.select_related("application__producer"):
        assert line.application.producer.name in page
    rows = response.context["rows"]
    assert [row.line.position for row in rows] == list(range(1, len(rows) + 1))
    assert all(row.reason.startswith("ลำดับจับสลาก") for row in rows)


def _detail_queries(client, draw) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("fairs:draw_detail", args=[draw.pk])).status_code == 200
    return len(queries)


def test_the_draw_page_takes_the_same_queries_for_3_and_30_lines(client, district_member):
    _fair, small = drawn(applicants=1, food=2)
    _fair, large = drawn(applicants=28, food=2)
    assert small.lines.count() == 3 and large.lines.count() == 30
    client.force_login(district_member)
    assert _detail_queries(client, small) == _detail_queries(client, large)


# --- The reason in Thai -------------------------------------------------------------------------


def _line(**fields):
    values = {
        "position": 57,
        "tickets": 2,
        "booth_id": None,
        "booth": None,
        "zone": None,
        "skip_code": "",
        "skip_subject": "",
        "waitlist_position": None,
    }
    values.update(fields)
    return SimpleNamespace(**values)


@pytest.fixture
def names(db):
    return selectors_draw.Names(
        districts={"2703": "คลองหาด", "2701": "เมืองสระแก้ว"},
        booth_types={"FOOD": "บูธอาหาร"},
    )


def test_reasons_read_in_thai(names):
    with translation.override("th"):
        line = _line(
            skip_code=lottery_module.SKIP_CATEGORY_MAX, skip_subject="food", waitlist_position=3
        )
        text = selectors_draw.reason(line, of=412, names=names)
        assert (
            text
            == "ลำดับจับสลาก 57 จาก 412, สลาก 2 ใบ; ข้าม: หมวดอาหารได้ครบจำนวนสูงสุดแล้ว; รายชื่อรอลำดับ 3"
        )
        kept = selectors_draw.skip_sentence(
            lottery_module.SKIP_WOULD_BREAK_MINIMUM, "district 2703, food", names
        )
        assert "อำเภอคลองหาด" in kept and "อาหาร" in kept
        full = selectors_draw.skip_sentence(lottery_module.SKIP_TYPE_FULL, "FOOD", names)
        assert "บูธอาหาร" in full
        district = selectors_draw.skip_sentence(lottery_module.SKIP_DISTRICT_MAX, "2701", names)
        assert "อำเภอเมืองสระแก้ว" in district
        withdrawn = selectors_draw.skip_sentence(lottery_module.SKIP_WITHDRAWN, "", names)
        assert withdrawn and "withdrawn" not in withdrawn
        booth = SimpleNamespace(code="S03")
        zone = SimpleNamespace(code="A")
        chosen = selectors_draw.reason(
            _line(position=1, tickets=1, booth_id=9, booth=booth, zone=zone), of=5, names=names
        )
        assert chosen == "ลำดับจับสลาก 1 จาก 5, สลาก 1 ใบ; ได้บูธ S03 โซน A"


def test_quota_problems_read_in_thai(names):
    with translation.override("th"):
        alone = selectors_draw.problem_sentence(
            "district 2703: minimum 3 cannot be met (too few applicants or booths)", names
        )
        together = selectors_draw.problem_sentence(
            "category food: minimum 2 cannot be met with district 2701, category herbal", names
        )
        unknown = selectors_draw.problem_sentence("something else", names)
    assert "อำเภอคลองหาด" in alone and "3" in alone
    assert "อาหาร" in together and "อำเภอเมืองสระแก้ว" in together
    assert "something else" in unknown


def test_a_rerun_before_the_freeze_is_refused_on_the_form(fair_staff):
    fair = ready_fair(applicants=1)
    response = fair_staff.post(
        reverse("fairs:draw_rerun", args=[fair.pk]), {"source_text": "ทดลอง 123"}
    )
    assert response.status_code == 200
    assert thai("Freeze the list first.") in response.content.decode()
    assert not Draw.objects.filter(fair=fair).exists()
