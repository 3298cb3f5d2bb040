"""The producer list read a page at a time by its sort key: first, next, previous and
last pages without OFFSET, a bounded count, and Thai substring search over every source
(names, people, products, phones, CDD codes), at national scale in bench/."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Producer
from otop_portal.lib import keyset
from tests.factories import PersonFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db
URL = reverse("members:producer_list")


def _names(response) -> list[str]:
    return [producer.name for producer in response.context["page"]]


def _link(response, rel: str) -> str:
    """The href of a pagination link (by its Thai/English text or rel)."""
    html = response.content.decode()
    match = re.search(rf'href="(\?[^"]*)"[^>]*rel="{rel}"', html)
    assert match, f"no {rel} link"
    return URL + match.group(1).replace("&amp;", "&")


@pytest.fixture
def sixty(db):
    """60 producers of one district whose names sort as their numbers."""
    return [ProducerFactory(name=f"กลุ่มทดสอบ {n:03d}", district_id="2701").name for n in range(60)]


def test_next_and_previous_walk_the_whole_list_in_order_without_repeats(client, staff, sixty):
    client.force_login(staff)
    response = client.get(URL)
    seen = _names(response)
    while not response.context["page"].last:
        response = client.get(_link(response, "next"))
        seen += _names(response)
    assert seen == sixty
    back = _names(client.get(_link(response, "prev")))
    assert back == sixty[25:50]


def test_the_last_page_holds_the_last_rows(client, staff, sixty):
    client.force_login(staff)
    response = client.get(URL, {"last": "1"})
    assert _names(response) == sixty[-25:]
    assert response.context["page"].last and not response.context["page"].first


def test_filters_stay_on_the_page_links(client, staff, sixty):
    ProducerFactory(name="กลุ่มอื่น", district_id="2702")
    client.force_login(staff)
    response = client.get(URL, {"district": "2701"})
    assert "district=2701" in _link(response, "next")


def test_a_made_up_or_old_cursor_is_the_first_page_not_an_error(client, staff, sixty):
    client.force_login(staff)
    for cursor in ("nonsense", "W10:1abc:xyz", "", "a" * 5000):
        response = client.get(URL, {"after": cursor})
        assert response.status_code == 200
        assert _names(response) == sixty[:25]
    response = client.get(URL, {"before": "nonsense"})
    assert _names(response) == sixty[:25]


def test_a_cursor_past_the_end_shows_the_last_page(client, staff, sixty):
    client.force_login(staff)
    last = client.get(URL, {"last": "1"})
    cursor = last.context["page"].next_cursor
    assert _names(client.get(URL, {"after": cursor})) == sixty[-25:]


def test_the_count_stops_at_the_limit_and_says_so(client, staff, sixty, monkeypatch):
    monkeypatch.setattr(keyset, "COUNT_LIMIT", 50)
    client.force_login(staff)
    response = client.get(URL)
    page = response.context["page"]
    assert (page.count, page.count_more) == (50, True)
    assert "มากกว่า 50" in response.content.decode()
    response = client.get(URL, {"q": "กลุ่มทดสอบ 00"})
    assert response.context["page"].count == 10
    assert "10 ราย" in response.content.decode()


def test_every_page_takes_the_same_queries(client, staff, sixty):
    client.force_login(staff)

    def queries(params) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(URL, params)
        return len(captured)

    middle = dict(parse_qsl(urlsplit(_link(client.get(URL), "next")).query))
    assert client.get(URL, middle).context["page"].rows[0].name == sixty[25]
    assert queries({}) == queries({"last": "1"}) == queries(middle)


def test_a_page_reads_only_what_its_rows_show(client, staff, sixty):
    """The page's query names the columns a row shows, not the search text (every name,
    product and phone of the producer) or the contact person's personal details."""
    Producer.objects.update(contact_person=PersonFactory(national_id="1101700203451"))
    client.force_login(staff)
    client.get(URL, {"q": "กลุ่มทดสอบ"})  # the filter bar cached
    client.get(URL)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(URL, {"q": "กลุ่มทดสอบ"}).content.decode()
    [rows] = [q["sql"] for q in captured if "ORDER BY" in q["sql"] and "LIMIT 26" in q["sql"]]
    selected = rows[: rows.index(' FROM "members_producer" ')]
    assert '"name"' in selected and '"name_sort"' in selected and '"first_name"' in selected
    for private in ("search_text", "national_id", "birth_date", "phone", "juristic_id"):
        assert private not in selected
    assert len(captured) == len(_queries_of_a_plain_page(client))  # nothing read row by row
    assert sixty[0] in page


def _queries_of_a_plain_page(client) -> list:
    with CaptureQueriesContext(connection) as captured:
        client.get(URL)
    return captured.captured_queries


def test_the_list_reads_by_key_not_offset(client, staff, sixty):
    client.force_login(staff)
    with CaptureQueriesContext(connection) as captured:
        client.get(URL, {"last": "1"})
    rows = [q["sql"] for q in captured if "members_producer" in q["sql"] and "LIMIT 26" in q["sql"]]
    assert rows and all("OFFSET" not in sql for sql in rows)


@pytest.mark.parametrize(
    "text",
    ["ทอผ้า", "นางบุญเรือน", "เรือน", "สบู่", "0812345", "081-234-5678", "b-2701-000777"],
)
def test_search_finds_a_producer_by_each_source(client, staff, text):
    person = PersonFactory(first_name="บุญเรือน", last_name="ศรีสุข", phone="0899999999")
    target = ProducerFactory(name="กลุ่มทอผ้าบ้านหนองแวง", phone="0812345678", cdd_code="B-2701-000777")
    target.members.create(person=person, role="member")
    ProductFactory(producer=target, name="สบู่สมุนไพร")
    ProducerFactory(name="กลุ่มจักสาน", phone="0370000000")
    client.force_login(staff)
    text = text.replace("นาง", "")  # a title typed in front is not part of the name
    response = client.get(URL, {"q": text})
    assert _names(response) == [target.name], text


def test_search_pages_like_the_whole_list(client, staff, sixty):
    client.force_login(staff)
    response = client.get(URL, {"q": "ทดสอบ"})
    assert response.context["page"].count == 60
    following = client.get(_link(response, "next"))
    assert _names(following) == sixty[25:50]


def test_merged_records_stay_out_of_every_page(client, staff, sixty):
    kept = Producer.objects.get(name=sixty[0])
    Producer.objects.filter(name=sixty[1]).update(merged_into=kept)
    client.force_login(staff)
    assert sixty[1] not in _names(client.get(URL))
    assert client.get(URL).context["page"].count == 59


# --- The filter bar, cached (templates/members/producer_list.html) -------------------------


def _bar(response) -> str:
    html = response.content.decode()
    start = html.index('role="search"')
    return html[start : html.index("</form>", start)]


def test_the_filter_bar_is_cached_per_query_language_and_persona(client, staff, district_member):
    ProducerFactory(name="กลุ่มทอผ้า")
    url = reverse("members:producer_list")
    client.force_login(staff)
    client.get(url)
    with CaptureQueriesContext(connection) as warm:
        first = client.get(url, {"q": "ทอผ้า"})
        again = client.get(url, {"q": "ทอผ้า"})
    # the district select's choices are read once, then the bar comes from the cache
    districts = [q for q in warm.captured_queries if 'FROM "members_district"' in q["sql"]]
    assert len(districts) == 1
    assert _bar(first) == _bar(again)
    assert 'value="ทอผ้า"' in _bar(first)
    assert 'value="จักสาน"' in _bar(client.get(url, {"q": "จักสาน"}))
    assert 'name="district"' in _bar(first)
    chosen = client.get(url, {"category": "food"})
    assert '<option value="food" selected>' in _bar(chosen)

    client.force_login(district_member)  # no district select for a district member
    assert 'name="district"' not in _bar(client.get(url, {"q": "ทอผ้า"}))
    thai = _bar(client.get(url, {"q": "ทอผ้า"}))
    client.cookies["django_language"] = "en"
    english = _bar(client.get(url, {"q": "ทอผ้า"}))
    assert "All categories" in english
    assert "All categories" not in thai
