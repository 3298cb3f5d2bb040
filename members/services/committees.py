"""Committees and activities: terms and seats, activities, invitations, attendance and
action-plan items.

Each service runs in one transaction and calls full_clean() before saving, so the rules
(one chair per term, N representatives per district on the provincial committee, a
provincial seat represents a district) hold for every caller: pages, admin, demo data.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from members.models import (
    ActionItem,
    Activity,
    CommitteeSeat,
    CommitteeTerm,
    Participant,
    Person,
)


@transaction.atomic
def committee_term_save(*, term: CommitteeTerm) -> CommitteeTerm:
    term.full_clean()
    term.save()
    return term


@transaction.atomic
def committee_seat_save(*, seat: CommitteeSeat) -> CommitteeSeat:
    """Add or change a seat. The term row is locked first, so two people adding the
    last representative of a district at the same moment cannot both succeed."""
    CommitteeTerm.objects.select_for_update().get(pk=seat.term_id)
    seat.full_clean()
    seat.save()
    return seat


@transaction.atomic
def activity_save(*, activity: Activity) -> Activity:
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def participants_invite(
    *, activity: Activity, people: Iterable[Person], capacity: str = "", on: date | None = None
) -> list[Participant]:
    """Invite people to an activity; those already invited are left as they are.
    Returns the new participants."""
    on = on or timezone.localdate()
    invited = set(activity.participants.values_list("person_id", flat=True))
    added = []
    for person in people:
        if person.pk in invited:
            continue
        participant = Participant(
            activity=activity, person=person, capacity=capacity, invited_on=on
        )
        participant.full_clean()
        participant.save()
        invited.add(person.pk)
        added.append(participant)
    return added


@transaction.atomic
def participant_record_attendance(
    *, participant: Participant, attended: bool | None, note: str | None = None
) -> Participant:
    """Record whether a participant attended (None: not recorded)."""
    participant.attended = attended
    if note is not None:
        participant.attendance_note = note
    participant.full_clean()
    participant.save(update_fields=["attended", "attendance_note", "updated_at"])
    return participant


@transaction.atomic
def action_item_save(*, item: ActionItem) -> ActionItem:
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_set_done(*, item: ActionItem, done: bool, on: date | None = None) -> ActionItem:
    """Tick an action-plan item off as done (on a day, today by default), or open it
    again."""
    item.done_on = (on or timezone.localdate()) if done else None
    item.full_clean()
    item.save(update_fields=["done_on", "updated_at"])
    return item
