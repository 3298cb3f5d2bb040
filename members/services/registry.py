"""Registry writes: producers, the people in them, products and what is said of them.

Each service runs in one transaction and calls full_clean() before saving, so a
form that was bypassed (a script, the import) still cannot write a bad row.
"""

from django.contrib.postgres.search import TrigramSimilarity
from django.db import transaction
from django.db.models import Q, QuerySet

from members.models import (
    MemberRole,
    MembershipStatus,
    NetworkMembership,
    Person,
    Producer,
    ProducerMember,
    User,
)

SIMILAR_NAME = 0.45  # trigram similarity above which two Thai names look alike


@transaction.atomic
def producer_register(*, producer: Producer, contact: Person, role: str, by: User) -> Producer:
    """Register a producer with its contact person (who joins it in `role`), and open
    its network membership as pending."""
    producer.registered_by = by
    producer.full_clean()
    producer.save()
    person_join(producer=producer, person=contact, role=role)
    producer.contact_person = contact
    producer.save(update_fields=["contact_person", "updated_at"])
    NetworkMembership.objects.create(producer=producer, status=MembershipStatus.PENDING)
    return producer


@transaction.atomic
def producer_update(*, producer: Producer) -> Producer:
    producer.full_clean()
    producer.save()
    return producer


@transaction.atomic
def person_join(*, producer: Producer, person: Person, role: str) -> ProducerMember:
    """Add a person (new or already registered) to a producer in a role. A new person
    belongs to the producer's district."""
    if person.pk is None:
        person.district_id = producer.district_id
        person.full_clean()
        person.save()
    member = ProducerMember(producer=producer, person=person, role=role)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def person_update(*, person: Person) -> Person:
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def record_save(*, record):
    """Save a single registry row (a product, rating, quadrant, certification, contact
    or sales figure) after validating it, constraints included."""
    record.full_clean()
    record.save()
    return record


def similar_producers(
    *,
    name: str,
    subdistrict_id: str | None,
    phone: str | list[str],
    exclude_pk: int | None = None,
) -> QuerySet[Producer]:
    """Producers that may be the same as the one being entered: a similar Thai name in
    the same subdistrict, or one of the phone numbers given (the producer's, its contact
    person's) as a producer's or one of its people's."""
    conditions = Q()
    if subdistrict_id and name:
        alike = (
            Producer.objects.current()
            .filter(subdistrict_id=subdistrict_id)
            .annotate(similarity=TrigramSimilarity("name", name))
            .filter(similarity__gte=SIMILAR_NAME)
            .values("pk")
        )
        conditions |= Q(pk__in=alike)
    phones = [number for number in ([phone] if isinstance(phone, str) else phone) if number]
    if phones:
        conditions |= Q(phone__in=phones) | Q(members__person__phone__in=phones)
    if not conditions:
        return Producer.objects.none()
    return Producer.objects.current().filter(conditions).exclude(pk=exclude_pk).distinct()


def default_role(producer_type: str) -> str:
    return MemberRole.CHAIR if producer_type == "community_group" else MemberRole.OWNER
