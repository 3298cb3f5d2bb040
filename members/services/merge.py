"""Merging a producer registered twice: provincial staff keep one record and fold the
duplicate into it without losing anything attached to either.

Everything that points to the duplicate moves to the record kept, found generically
from the model graph, so a later app's rows (bookings, savings, fair applications)
move too without this module knowing them. A model whose rows need a decision (only
one chair per group, one membership per producer, one sales figure per quarter) has
a handler here; another app registers its own with `merge_handler`. What cannot move
is said before anything is written, and the merge is refused.

The duplicate itself stays, read-only, with `merged_into` set, so its history and the
rows that could not move (its ended membership and that membership's receipts) stay
readable. The preview is the merge itself run in a transaction that is rolled back,
so what staff are shown is exactly what the merge will do.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import (
    MemberRole,
    MembershipStatus,
    NetworkMembership,
    Producer,
    ProducerMember,
    ProducerMerge,
    SalesReport,
    User,
)


@dataclass
class MergeResult:
    kept: Producer
    absorbed: Producer
    moved: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    merge: ProducerMerge | None = None

    def count(self, model: type[models.Model], n: int) -> None:
        if n:
            label = str(model._meta.verbose_name_plural)
            self.moved[label] = self.moved.get(label, 0) + n


class MergeRefused(ValidationError):
    def __init__(self, result: MergeResult):
        super().__init__(result.problems)
        self.result = result


Handler = Callable[[Producer, Producer, MergeResult], None]
_HANDLERS: dict[str, Handler] = {}


def merge_handler(model_label: str):
    """Register how rows of `model_label` ("app.Model") move from the duplicate to
    the producer kept, for a model whose rows need more than re-pointing."""

    def register(function: Handler) -> Handler:
        _HANDLERS[model_label.lower()] = function
        return function

    return register


def _ignored(model: type[models.Model]) -> bool:
    # History rows describe the past and stay as written; merges are themselves a record.
    return hasattr(model, "pgh_tracked_model") or model is ProducerMerge


@merge_handler("members.ProducerMember")
def _move_people(kept: Producer, absorbed: Producer, result: MergeResult) -> None:
    kept_roles = dict(kept.members.values_list("person_id", "role"))
    has_chair = MemberRole.CHAIR in kept_roles.values()
    moved = 0
    for member in absorbed.members.select_related("person").order_by("pk"):
        person = member.person.full_name
        if member.person_id in kept_roles:
            result.notes.append(
                _(
                    "%(person)s is already in the group kept; their place on the duplicate "
                    "(%(role)s) stays there."
                )
                % {"person": person, "role": member.get_role_display()}
            )
            continue
        if member.role == MemberRole.CHAIR and has_chair:
            member.role = MemberRole.MEMBER
            result.notes.append(
                _("%(person)s chaired the duplicate and joins the group kept as a member.")
                % {"person": person}
            )
        member.producer = kept
        member.save(update_fields=["producer", "role", "updated_at"])
        moved += 1
    result.count(ProducerMember, moved)


@merge_handler("members.NetworkMembership")
def _move_membership(kept: Producer, absorbed: Producer, result: MergeResult) -> None:
    theirs = NetworkMembership.objects.filter(producer=absorbed).first()
    if theirs is None:
        return
    if not NetworkMembership.objects.filter(producer=kept).exists():
        theirs.producer = kept
        theirs.save(update_fields=["producer", "updated_at"])
        result.count(NetworkMembership, 1)
        return
    renewals = theirs.payments.count()
    if theirs.status not in (MembershipStatus.RESIGNED, MembershipStatus.REMOVED):
        theirs.status = MembershipStatus.REMOVED
        theirs.ended_on = timezone.localdate()
        theirs.end_reason = _("Merged into %(kept)s") % {"kept": kept.name}
        theirs.full_clean()
        theirs.save()
    result.notes.append(
        _(
            "Both records have a network membership: the kept one's stays; the duplicate's "
            "ends and stays with the duplicate with its %(n)s renewal(s) and receipts."
        )
        % {"n": renewals}
    )


@merge_handler("members.SalesReport")
def _move_sales(kept: Producer, absorbed: Producer, result: MergeResult) -> None:
    key = ("fiscal_year_be", "quarter", "channel")
    taken = set(SalesReport.objects.filter(producer=kept).values_list(*key))
    clashes = [
        report
        for report in SalesReport.objects.filter(producer=absorbed).order_by(*key)
        if (report.fiscal_year_be, report.quarter, report.channel) in taken
    ]
    for report in clashes:
        result.problems.append(
            _(
                "Both records report %(channel)s sales for quarter %(quarter)s of fiscal year "
                "%(year)s: correct one of them first."
            )
            % {
                "channel": report.get_channel_display(),
                "quarter": report.quarter,
                "year": report.fiscal_year_be,
            }
        )
    if not clashes:
        moved = SalesReport.objects.filter(producer=absorbed).update(producer=kept)
        result.count(SalesReport, moved)


def _move_generic(
    relation: models.ForeignObjectRel, kept: Producer, absorbed: Producer, result: MergeResult
) -> None:
    model, name = relation.related_model, relation.field.name
    rows = model._base_manager.filter(**{name: absorbed})
    if relation.one_to_one and model._base_manager.filter(**{name: kept}).exists():
        if rows.exists():
            result.problems.append(
                _("Both records have a %(what)s and a producer can have only one.")
                % {"what": model._meta.verbose_name}
            )
        return
    try:
        with transaction.atomic():
            result.count(model, rows.update(**{name: kept}))
    except IntegrityError:
        result.problems.append(
            _("The %(what)s of the duplicate cannot join the record kept (they clash).")
            % {"what": model._meta.verbose_name_plural}
        )


# Fields of the record kept that take the duplicate's value when the kept one is blank.
FILLED_FIELDS = ["name_en", "phone", "cdd_code", "juristic_id"]
ADDRESS_FIELDS = ["house_no", "moo", "village", "soi", "road", "subdistrict", "postal_code"]


def _fill_blanks(kept: Producer, absorbed: Producer, result: MergeResult) -> None:
    filled = []
    for name in FILLED_FIELDS:
        if getattr(absorbed, name) and not getattr(kept, name):
            filled.append(name)
    if absorbed.is_community_enterprise and not kept.is_community_enterprise:
        filled += ["is_community_enterprise", "community_enterprise_no"]
    if (
        absorbed.subdistrict_id
        and not kept.subdistrict_id
        and absorbed.subdistrict.district_id == kept.district_id
    ):
        filled += ADDRESS_FIELDS
    if absorbed.contact_person_id and not kept.contact_person_id:
        filled.append("contact_person")
    if not filled:
        return
    unique = [name for name in filled if name in ("cdd_code", "juristic_id")]
    values = {name: getattr(absorbed, name) for name in filled}
    if unique:  # the duplicate lets go of its codes before the record kept takes them
        for name in unique:
            setattr(absorbed, name, None)
        absorbed.save(update_fields=[*unique, "updated_at"])
    for name, value in values.items():
        setattr(kept, name, value)
    kept.full_clean()
    kept.save()
    result.notes.append(
        _("The record kept takes from the duplicate what it lacked: %(fields)s.")
        % {"fields": ", ".join(str(Producer._meta.get_field(n).verbose_name) for n in filled)}
    )


def _check(kept: Producer, absorbed: Producer, result: MergeResult) -> None:
    if kept.pk == absorbed.pk:
        result.problems.append(_("Choose two different producers."))
    for producer in (kept, absorbed):
        if producer.merged_into_id:
            result.problems.append(
                _("%(name)s was already merged into another producer.") % {"name": producer.name}
            )


@transaction.atomic
def producer_merge(
    *, kept: Producer, absorbed: Producer, by: User, reason: str, dry_run: bool = False
) -> MergeResult:
    """Fold `absorbed` into `kept`. Raises MergeRefused, naming every reason, when they
    cannot be merged; with `dry_run` everything is done and then rolled back, and the
    result says what a merge would do."""
    locked = Producer.objects.select_for_update().in_bulk(sorted({kept.pk, absorbed.pk}))
    kept, absorbed = locked[kept.pk], locked[absorbed.pk]
    result = MergeResult(kept=kept, absorbed=absorbed)
    _check(kept, absorbed, result)
    if result.problems:
        raise MergeRefused(result)
    with transaction.atomic():
        for relation in Producer._meta.get_fields(include_hidden=True):
            if not (relation.auto_created and not relation.concrete and relation.is_relation):
                continue
            if relation.many_to_many or _ignored(relation.related_model):
                continue
            if relation.related_model is Producer:  # duplicates merged into this one
                moved = Producer.objects.filter(merged_into=absorbed).update(merged_into=kept)
                result.count(Producer, moved)
                continue
            handler = _HANDLERS.get(relation.related_model._meta.label_lower)
            if handler:
                handler(kept, absorbed, result)
            else:
                _move_generic(relation, kept, absorbed, result)
        _fill_blanks(kept, absorbed, result)
        if result.problems:
            raise MergeRefused(result)
        absorbed.merged_into = kept
        absorbed.save(update_fields=["merged_into", "updated_at"])
        if dry_run:
            transaction.set_rollback(True)
            return result
        result.merge = ProducerMerge(
            kept=kept,
            absorbed=absorbed,
            merged_by=by,
            reason=reason.strip(),
            summary={"moved": result.moved, "notes": result.notes},
        )
        result.merge.full_clean()
        result.merge.save()
    return result
