"""Merging a producer registered twice: nothing attached to either record is lost."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from members import imports, selectors, services
from members.models import (
    Certification,
    CommitteeLevel,
    CommitteeSeat,
    CommitteeTerm,
    ContactKind,
    ContactLog,
    District,
    MemberRole,
    MembershipPayment,
    MembershipStatus,
    NetworkMembership,
    NetworkSettings,
    Producer,
    ProducerMember,
    ProducerMerge,
    Product,
    SalesChannel,
    SalesReport,
    Standard,
    StarRating,
)
from members.services.merge import _ignored
from tests.conftest import OTHER_DISTRICT
from tests.factories import (
    PersonFactory,
    ProducerFactory,
    ProductFactory,
    StarRatingFactory,
    sa_kaeo_district,
)

pytestmark = pytest.mark.django_db


def _relations():
    """Every kind of row that can point to a producer, found the way the merge finds them."""
    for relation in Producer._meta.get_fields(include_hidden=True):
        if (
            relation.auto_created
            and not relation.concrete
            and relation.is_relation
            and not relation.many_to_many
            and not _ignored(relation.related_model)
        ):
            yield relation


def _attached(*producers) -> dict[str, set[int]]:
    """The primary keys of every row pointing to any of `producers`, per model."""
    attached = {}
    for relation in _relations():
        rows = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": producers}
        )
        if relation.related_model is Producer:  # the duplicate itself points to the one kept
            rows = rows.exclude(pk__in=[producer.pk for producer in producers])
        attached[relation.related_model._meta.label] = set(rows.values_list("pk", flat=True))
    return attached


def _sales(producer, year=2568, quarter=1, channel=SalesChannel.FAIR, amount="1000"):
    return SalesReport.objects.create(
        producer=producer,
        fiscal_year_be=year,
        quarter=quarter,
        channel=channel,
        amount=Decimal(amount),
    )


def _everything_attached(producer, staff, quarter=2):
    """A second member, a product with a rating and a certification, a contact, sales,
    a paid membership and a committee seat."""
    ProducerMember.objects.create(producer=producer, person=PersonFactory(), role="member")
    product = ProductFactory(producer=producer)
    StarRatingFactory(product=product, stars=5)
    Certification.objects.create(product=product, standard=Standard.TCPS, number="มผช. 1/2567")
    ContactLog.objects.create(
        producer=producer, on=timezone.localdate(), kind=ContactKind.VISIT, recorded_by=staff
    )
    _sales(producer, quarter=quarter)
    NetworkSettings.objects.update_or_create(pk=1, defaults={"annual_fee": Decimal("20")})
    services.membership_renew(
        membership=producer.membership, fiscal_year_be=2569, paid_on=date(2025, 11, 1), by=staff
    )
    term = CommitteeTerm.objects.create(
        level=CommitteeLevel.DISTRICT,
        district=producer.district,
        starts_on=date(2025, 10, 1),
        ends_on=date(2027, 9, 30),
    )
    CommitteeSeat.objects.create(
        term=term, person=producer.contact_person, role="member", producer=producer
    )
    return product


def _merge(kept, absorbed, staff, **kwargs):
    return services.producer_merge(
        kept=kept, absorbed=absorbed, by=staff, reason="ลงทะเบียนซ้ำ", **kwargs
    )


# --- The service ---------------------------------------------------------------------------


def test_a_merge_moves_everything_attached_and_loses_nothing(staff):
    kept = ProducerFactory(name="กลุ่มทอผ้าบ้านหนองแวง")
    absorbed = ProducerFactory(name="กลุ่มทอผ้าหนองแวง", district=sa_kaeo_district(OTHER_DISTRICT))
    kept_product = _everything_attached(kept, staff)
    absorbed_product = _everything_attached(absorbed, staff, quarter=1)
    _sales(absorbed, quarter=3)
    before = _attached(kept, absorbed)
    kept_chair = kept.contact_person

    result = _merge(kept, absorbed, staff)

    after_kept, after_absorbed = _attached(kept), _attached(absorbed)
    after_kept["members.Producer"].discard(absorbed.pk)  # the duplicate now points to it
    for label, rows in before.items():
        assert after_kept[label] | after_absorbed[label] == rows, f"{label} rows were lost"
    # What stays with the duplicate: its membership (both had one), ended, with its receipts.
    stays = {label: rows for label, rows in after_absorbed.items() if rows}
    assert stays == {"members.NetworkMembership": {absorbed.membership.pk}}
    absorbed.refresh_from_db()
    assert absorbed.merged_into == kept
    assert absorbed.membership.status == MembershipStatus.REMOVED
    assert absorbed.membership.ended_on == timezone.localdate()
    assert absorbed.membership.payments.count() == 1
    kept.membership.refresh_from_db()
    assert kept.membership.status == MembershipStatus.ACTIVE
    # The products keep their ratings and certifications; both products are the kept one's.
    assert set(kept.products.all()) == {kept_product, absorbed_product}
    assert absorbed_product.ratings.count() == 1
    assert absorbed_product.certifications.count() == 1
    assert kept.sales.count() == 3
    assert CommitteeSeat.objects.filter(producer=kept).count() == 2
    # One chair: the duplicate's chair joins as a member, and the notes say so.
    assert kept.members.get(role=MemberRole.CHAIR).person == kept_chair
    assert kept.members.count() == 4, result.notes
    assert any("เข้ากลุ่มที่คงไว้ในฐานะสมาชิก" in note for note in result.notes)
    merge = ProducerMerge.objects.get()
    assert (merge.kept, merge.absorbed, merge.merged_by) == (kept, absorbed, staff)
    assert merge.summary["moved"][str(Product._meta.verbose_name_plural)] == 1


def test_the_record_kept_takes_the_duplicates_membership_when_it_has_none(staff):
    kept, absorbed = ProducerFactory(), ProducerFactory()
    kept.membership.delete()
    membership = absorbed.membership

    _merge(kept, absorbed, staff)

    membership.refresh_from_db()
    assert membership.producer == kept
    assert membership.status == MembershipStatus.PENDING


def test_a_person_in_both_groups_stays_once_in_the_group_kept(staff):
    kept, absorbed = ProducerFactory(), ProducerFactory()
    shared = PersonFactory()
    ProducerMember.objects.create(producer=kept, person=shared, role="treasurer")
    ProducerMember.objects.create(producer=absorbed, person=shared, role="secretary")

    result = _merge(kept, absorbed, staff)

    assert kept.members.get(person=shared).role == "treasurer"
    assert absorbed.members.get(person=shared).role == "secretary"
    assert any(shared.full_name in note for note in result.notes)


def test_codes_and_blank_details_of_the_record_kept_are_filled_from_the_duplicate(staff):
    kept = ProducerFactory(phone="")
    absorbed = ProducerFactory(cdd_code="OTOP-27-0001", juristic_id=None, phone="0371234567")

    with translation.override("en"):
        result = _merge(kept, absorbed, staff)

    kept.refresh_from_db()
    absorbed.refresh_from_db()
    assert (kept.cdd_code, kept.phone) == ("OTOP-27-0001", "0371234567")
    assert absorbed.cdd_code is None
    assert any("CDD producer code" in note and "phone" in note for note in result.notes)


def test_a_quarter_reported_in_both_refuses_the_merge_and_changes_nothing(staff):
    kept, absorbed = ProducerFactory(), ProducerFactory()
    _everything_attached(absorbed, staff)
    _sales(kept, year=2568, quarter=2)
    before = _attached(kept, absorbed)

    with translation.override("en"), pytest.raises(services.MergeRefused) as refused:
        _merge(kept, absorbed, staff)

    assert "quarter 2 of fiscal year 2568" in " ".join(refused.value.result.problems)
    assert _attached(kept, absorbed) == before
    absorbed.refresh_from_db()
    assert absorbed.merged_into is None
    assert not ProducerMerge.objects.exists()


def test_a_record_cannot_be_merged_twice_or_into_itself(staff):
    kept, absorbed, third = ProducerFactory(), ProducerFactory(), ProducerFactory()
    _merge(kept, absorbed, staff)
    with pytest.raises(services.MergeRefused):
        _merge(third, absorbed, staff)
    with pytest.raises(services.MergeRefused):
        _merge(absorbed, third, staff)
    with pytest.raises(services.MergeRefused):
        _merge(third, third, staff)


def test_duplicates_merged_earlier_follow_to_the_record_kept(staff):
    first, second, third = ProducerFactory(), ProducerFactory(), ProducerFactory()
    _merge(second, third, staff)
    _merge(first, second, staff)
    third.refresh_from_db()
    assert third.merged_into == first


def test_a_dry_run_says_what_would_move_and_writes_nothing(staff):
    kept, absorbed = ProducerFactory(), ProducerFactory()
    _everything_attached(absorbed, staff)
    before = _attached(kept, absorbed)

    result = _merge(kept, absorbed, staff, dry_run=True)

    assert result.moved[str(Product._meta.verbose_name_plural)] == 1
    assert _attached(kept, absorbed) == before
    assert Producer.objects.get(pk=absorbed.pk).merged_into is None
    assert not ProducerMerge.objects.exists()


def test_a_merge_needs_a_reason(staff):
    kept, absorbed = ProducerFactory(), ProducerFactory()
    with pytest.raises(ValidationError):
        services.producer_merge(kept=kept, absorbed=absorbed, by=staff, reason="  ")
    assert Producer.objects.get(pk=absorbed.pk).merged_into is None


def test_the_database_keeps_merge_records_as_written(staff):
    kept, absorbed = ProducerFactory(), ProducerFactory()
    _merge(kept, absorbed, staff)
    with pytest.raises(Exception, match="append_only"), transaction.atomic():
        ProducerMerge.objects.update(reason="แก้")
    with pytest.raises(IntegrityError), transaction.atomic():
        Producer.objects.filter(pk=kept.pk).update(merged_into=kept)


# --- What everyone sees afterwards --------------------------------------------------------


def test_a_merged_record_leaves_the_lists_counts_and_duplicate_checks(staff, district_member):
    kept = ProducerFactory(name="กลุ่มจักสานบ้านท่าแยก", phone="0371111111")
    absorbed = ProducerFactory(name="กลุ่มจักสานท่าแยก", phone="0372222222")
    _merge(kept, absorbed, staff)

    for user in (staff, district_member):
        assert list(selectors.producers_for(user)) == [kept]
    own = next(row for row in selectors.district_dashboard(staff) if row["district"].code == "2701")
    assert own["producers"] == 1
    similar = services.similar_producers(name="", subdistrict_id=None, phone="0372222222")
    assert not similar.exists()


def test_a_merged_record_shows_where_it_went_and_cannot_be_changed(client, staff, district_member):
    kept, absorbed = ProducerFactory(), ProducerFactory()
    _merge(kept, absorbed, staff)

    client.force_login(district_member)
    with translation.override("th"):
        page = client.get(reverse("members:producer_detail", args=[absorbed.pk]))
    assert page.status_code == 200
    assert kept.get_absolute_url() in page.content.decode()
    assert "ลงทะเบียนซ้ำ" in page.content.decode()
    assert client.get(reverse("members:producer_edit", args=[absorbed.pk])).status_code == 403
    assert client.get(reverse("members:product_add", args=[absorbed.pk])).status_code == 403
    kept_page = client.get(reverse("members:producer_detail", args=[kept.pk])).content.decode()
    assert absorbed.get_absolute_url() in kept_page


def test_an_import_row_with_a_merged_records_code_names_the_record_kept(staff):
    kept = ProducerFactory(cdd_code="OTOP-27-0002", name="กลุ่มที่เก็บไว้")
    absorbed = ProducerFactory(cdd_code="OTOP-27-0003")
    _merge(kept, absorbed, staff)
    row = {
        "producer_name": "กลุ่มทดสอบ",
        "producer_type": "กลุ่มผู้ผลิตชุมชน",
        "cdd_code": "OTOP-27-0003",
        "subdistrict": "270106",
        "first_name": "มาลี",
        "last_name": "นำเข้า",
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.header for column in imports.COLUMNS])
    writer.writerow([row.get(column.key, "") for column in imports.COLUMNS])
    scope = District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE)
    with translation.override("en"):
        preview = imports.preview_file(out.getvalue().encode("utf-8-sig"), district_scope=scope)
    errors = preview.rows[0].errors
    assert [error.code for error in errors] == ["merged"]
    assert "กลุ่มที่เก็บไว้" in str(errors[0])


# --- The pages -----------------------------------------------------------------------------


def test_staff_see_likely_duplicates_without_typing(client, staff):
    kept = ProducerFactory(name="กลุ่มแม่บ้านเกษตรกรคลองน้ำใส", phone="0373333333")
    ProducerFactory(name="กลุ่มแม่บ้านเกษตรกรคลองน้ำใส ", phone="0373333333")
    ProducerFactory(name="ร้านอื่นสิ้นเชิง", district=sa_kaeo_district(OTHER_DISTRICT))
    client.force_login(staff)

    page = client.get(reverse("members:producer_merge_find", args=[kept.pk]))

    assert page.status_code == 200
    assert [p.name for p in page.context["candidates"]] == ["กลุ่มแม่บ้านเกษตรกรคลองน้ำใส "]
    found = client.get(reverse("members:producer_merge_find", args=[kept.pk]), {"q": "สิ้นเชิง"})
    assert [p.name for p in found.context["candidates"]] == ["ร้านอื่นสิ้นเชิง"]


def test_staff_compare_see_what_moves_give_a_reason_and_merge(client, staff):
    kept, absorbed = ProducerFactory(), ProducerFactory()
    ProductFactory(producer=absorbed)
    url = reverse("members:producer_merge", args=[kept.pk, absorbed.pk])
    client.force_login(staff)

    with translation.override("th"):
        preview = client.get(url)
        assert preview.status_code == 200
        assert "ผลิตภัณฑ์: 1" in preview.content.decode()
        missing = client.post(url, {"reason": ""})
    assert missing.status_code == 400
    assert "ระบุ" in missing.content.decode()  # Thai message next to the field
    assert Producer.objects.get(pk=absorbed.pk).merged_into is None

    done = client.post(url, {"reason": "ลงทะเบียนซ้ำจากสองอำเภอ"})

    assert done.status_code == 302
    assert done.url == kept.get_absolute_url()
    assert Producer.objects.get(pk=absorbed.pk).merged_into == kept
    assert absorbed.pk not in {p.pk for p in selectors.producers_for(staff)}


def test_a_merge_that_cannot_be_done_says_why_and_offers_no_button(client, staff):
    kept, absorbed = ProducerFactory(), ProducerFactory()
    _sales(kept)
    _sales(absorbed)
    client.force_login(staff)
    url = reverse("members:producer_merge", args=[kept.pk, absorbed.pk])
    page = client.get(url)
    refused = client.post(url, {"reason": "ซ้ำ"})
    assert "ยังรวมสองระเบียนนี้ไม่ได้" in page.content.decode()
    assert 'name="reason"' not in page.content.decode()
    assert refused.status_code == 400
    assert Producer.objects.get(pk=absorbed.pk).merged_into is None


def test_the_merge_page_reads_a_fixed_number_of_queries(client, staff):
    def count(n):
        kept, absorbed = ProducerFactory(), ProducerFactory()
        for _ in range(n):
            product = ProductFactory(producer=absorbed)
            StarRatingFactory(product=product)
            ContactLog.objects.create(
                producer=absorbed, on=date(2025, 1, 1), kind="call", recorded_by=staff
            )
        client.force_login(staff)
        url = reverse("members:producer_merge", args=[kept.pk, absorbed.pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count(1) == count(30)


def test_the_admin_action_opens_the_comparison_for_exactly_two(client, staff):
    first, second = ProducerFactory(), ProducerFactory()
    client.force_login(staff)
    url = reverse("admin:members_producer_changelist")
    response = client.post(url, {"action": "merge_two", "_selected_action": [first.pk, second.pk]})
    assert response.status_code == 302
    assert response.url == reverse("members:producer_merge", args=[first.pk, second.pk])
    one = client.post(url, {"action": "merge_two", "_selected_action": [first.pk]}, follow=True)
    assert len(one.redirect_chain) == 1 and one.redirect_chain[0][0].startswith(url)
    assert Producer.objects.filter(merged_into__isnull=False).count() == 0


def test_the_admin_list_leaves_merged_records_out_and_shows_them_read_only(client, staff):
    kept, absorbed = ProducerFactory(), ProducerFactory()
    _merge(kept, absorbed, staff)
    client.force_login(staff)
    changelist = client.get(reverse("admin:members_producer_changelist"))
    assert list(changelist.context["cl"].result_list) == [kept]
    merged = client.get(reverse("admin:members_producer_changelist"), {"merged": "yes"})
    assert list(merged.context["cl"].result_list) == [absorbed]
    change = client.get(reverse("admin:members_producer_change", args=[absorbed.pk]))
    assert change.status_code == 200
    assert not change.context["has_change_permission"]


def test_membership_payments_of_a_merged_record_stay_with_it(staff):
    kept, absorbed = ProducerFactory(), ProducerFactory()
    _everything_attached(absorbed, staff)
    payment = MembershipPayment.objects.get(membership__producer=absorbed)
    _merge(kept, absorbed, staff)
    assert MembershipPayment.objects.get(pk=payment.pk).membership.producer == absorbed
    assert NetworkMembership.objects.filter(producer=kept).count() == 1
    assert StarRating.objects.filter(product__producer=kept).count() == 1


def test_the_admin_lists_merges_read_only_with_what_moved(client, staff):
    kept, absorbed = ProducerFactory(), ProducerFactory()
    ProductFactory(producer=absorbed)
    merge = _merge(kept, absorbed, staff).merge
    client.force_login(staff)
    page = client.get(reverse("admin:members_producermerge_change", args=[merge.pk]))
    assert page.status_code == 200
    assert "ผลิตภัณฑ์: 1" in page.content.decode()
    assert not page.context["has_change_permission"]
