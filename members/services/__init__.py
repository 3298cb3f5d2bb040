"""Registry writes: everything that writes more than one row or changes a state goes
through a service here (keyword-only arguments, one transaction each)."""

from members.services.accounts import users_set_active
from members.services.committees import (
    action_item_save,
    action_item_set_done,
    activity_save,
    committee_seat_save,
    committee_term_save,
    participant_record_attendance,
    participants_invite,
)
from members.services.geography import GeographyResult, geography_load
from members.services.imports import ImportRefused, ImportResult, producers_import
from members.services.membership import (
    membership_end,
    membership_renew,
    next_receipt_number,
    renewal_fee,
)
from members.services.merge import MergeRefused, MergeResult, merge_handler, producer_merge
from members.services.ratings import star_rating_unverify, star_ratings_verify
from members.services.registry import (
    default_role,
    person_join,
    person_update,
    producer_register,
    producer_update,
    record_save,
    similar_producers,
)

__all__ = [
    "GeographyResult",
    "ImportRefused",
    "ImportResult",
    "MergeRefused",
    "MergeResult",
    "action_item_save",
    "action_item_set_done",
    "activity_save",
    "committee_seat_save",
    "committee_term_save",
    "default_role",
    "geography_load",
    "membership_end",
    "membership_renew",
    "merge_handler",
    "next_receipt_number",
    "participant_record_attendance",
    "participants_invite",
    "person_join",
    "person_update",
    "producer_merge",
    "producer_register",
    "producer_update",
    "producers_import",
    "record_save",
    "renewal_fee",
    "similar_producers",
    "star_rating_unverify",
    "star_ratings_verify",
    "users_set_active",
]
