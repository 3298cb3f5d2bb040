"""What the producer search box looks in (Producer.search_text), kept by the database:
the name, English name, phone and CDD code, the products' names and the group members'
names and phones, whatever writes them, and never in the producer's history."""

import pytest
from pghistory.models import Events

from members import privacy
from members.models import MemberRole, Person, Producer, ProducerMember, Product
from members.selectors import search_producers
from tests.factories import PersonFactory, ProducerFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def _text(producer) -> str:
    return Producer.objects.values_list("search_text", flat=True).get(pk=producer.pk)


def _found(text: str) -> set[int]:
    return set(search_producers(Producer.objects.all(), text).values_list("pk", flat=True))


def test_a_new_producer_is_found_by_its_name_english_name_phone_and_code():
    producer = ProducerFactory(
        name="วิสาหกิจชุมชนผ้าไหมบ้านหนองหว้า",
        name_en="Nong Wa Silk",
        phone="037123456",
        cdd_code="OTOP-27-0099",
    )
    for text in ("ผ้าไหมบ้าน", "nong wa", "037-123", "otop-27-0099"):
        assert _found(text) == {producer.pk}, text


def test_renaming_a_producer_with_sql_alone_is_followed():
    producer = ProducerFactory(name="กลุ่มจักสานบ้านเก่า")
    Producer.objects.filter(pk=producer.pk).update(name="กลุ่มจักสานบ้านใหม่")
    assert "บ้านใหม่" in _text(producer)
    assert "บ้านเก่า" not in _text(producer)


def test_products_added_renamed_moved_and_deleted_are_followed():
    first, second = ProducerFactory(), ProducerFactory()
    product = ProductFactory(producer=first, name="น้ำพริกปลาย่างสูตรโบราณ")
    assert _found("ปลาย่าง") == {first.pk}
    Product.objects.filter(pk=product.pk).update(name="น้ำพริกกุ้งเสียบ")
    assert _found("ปลาย่าง") == set()
    assert _found("กุ้งเสียบ") == {first.pk}
    Product.objects.filter(pk=product.pk).update(producer=second)  # a merge moves products
    assert _found("กุ้งเสียบ") == {second.pk}
    Product.objects.filter(pk=product.pk).delete()
    assert _found("กุ้งเสียบ") == set()


def test_group_members_joining_leaving_and_renamed_are_followed():
    producer = ProducerFactory()
    person = PersonFactory(first_name="บุญเรือน", last_name="ใจงาม", phone="0891112222")
    member = ProducerMember.objects.create(producer=producer, person=person, role=MemberRole.MEMBER)
    assert _found("ใจงาม") == {producer.pk}
    assert _found("089-111") == {producer.pk}
    Person.objects.filter(pk=person.pk).update(last_name="ใจดีงาม", phone="0893334444")
    assert _found("ใจดีงาม") == {producer.pk}
    assert _found("0891112222") == set()
    member.delete()
    assert _found("ใจดีงาม") == set()


def test_an_anonymised_persons_name_and_phone_leave_the_search():
    producer = ProducerFactory()
    person = PersonFactory(first_name="ประไพศรี", last_name="มั่นคงดี", phone="0867776666")
    ProducerMember.objects.create(producer=producer, person=person, role=MemberRole.MEMBER)
    assert "มั่นคงดี" in _text(producer)
    privacy.person_anonymise(person=person, by=UserFactory(staff=True), reason="ลาออกจากกลุ่ม")
    assert "มั่นคงดี" not in _text(producer)
    assert "ประไพศรี" not in _text(producer)
    assert "0867776666" not in _text(producer)


def test_the_search_text_leaves_no_event_in_the_producers_history():
    producer = ProducerFactory()
    events = Events.objects.references(producer).filter(pgh_model="members.ProducerEvent")
    before = events.count()
    ProductFactory(producer=producer, name="สบู่น้ำผึ้ง")
    assert "สบู่น้ำผึ้ง" in _text(producer)
    assert events.count() == before
    assert not any("search_text" in (event.pgh_data or {}) for event in events)


def test_the_search_text_is_kept_in_capitals_and_matched_without_upper_per_row():
    """Stored in capitals, so a search compares the column itself with LIKE (one UPPER
    of what was typed, none per row), and a percent sign or underscore typed is a
    character, not a wildcard."""
    producer = ProducerFactory(name="กลุ่ม Silk_100%", name_en="Sa Kaeo Silk")
    assert "SA KAEO SILK" in _text(producer) and "กลุ่ม SILK_100%" in _text(producer)
    assert _found("kaeo sILK") == {producer.pk}
    assert _found("silk_100%") == {producer.pk}
    assert _found("silk%100") == set() and _found("s_lk") == set()
    sql = str(search_producers(Producer.objects.all(), "silk").query)
    assert 'UPPER("members_producer"."search_text"' not in sql
