"""A person's rights over their data (Thailand's PDPA): export everything the portal
holds about them, and anonymise them when they leave.

Each app knows its own rows, and `members` never imports the others, so each app
says what it holds about a person in a `<app>/privacy.py` that registers a
`PersonData` source here (found like the admin's modules: `autodiscover_modules`).
A source gives the sheets of the export, the open matters that stop an
anonymisation (a savings balance not paid out, an open loan, an active booking),
and clears the identifying text it holds, in its rows and in their history rows.

Money, booking and draw records stay, with their amounts and ids: they refer to
the person by id, so once the person row and the text copies are cleared nothing
in them names the person. What was done is recorded in a PersonDataAction, which
names the person by id only. A login of theirs (through a committee seat) keeps its
username but loses its names, e-mail and phone, and is deactivated.

History rows (pghistory) are append-only: the clearing lifts that protection for its
own transaction only, and leaves the history triggers on, so the clearing is itself
recorded, with the cleared values.
"""

import contextlib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import pgtrigger
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from members.models import (
    ActionItem,
    CommitteeSeat,
    ContactLog,
    DataActionKind,
    NationalIdView,
    Participant,
    Person,
    PersonDataAction,
    Producer,
    ProducerMember,
    ProducerMerge,
    Sex,
    User,
)
from otop_portal.lib.exports import guard
from otop_portal.lib.natid import format_national_id
from otop_portal.lib.thaidate import format_numeric_date, format_numeric_datetime

# Stored data, not interface text: always Thai, whatever the language of the request.
PLACEHOLDER = "ผู้ถูกลบข้อมูล #{id}"
MIN_NEEDLE = 4  # shorter texts would match inside other words


def placeholder_for(person: Person) -> str:
    return PLACEHOLDER.format(id=person.pk)


def is_anonymised(person: Person) -> bool:
    return PersonDataAction.objects.filter(person=person, kind=DataActionKind.ANONYMISE).exists()


# --- Sources ---------------------------------------------------------------------------


@dataclass
class Sheet:
    """One kind of record about the person: a sheet of the export."""

    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)


def sheet(title, columns: list[tuple[str, Callable]], rows: Iterable) -> Sheet:
    """A sheet from (header, getter) pairs and the rows they read."""
    return Sheet(
        title=str(title),
        headers=[str(header) for header, _get in columns],
        rows=[[get(row) for _header, get in columns] for row in rows],
    )


class PersonData:
    """What an app holds about a person. Override what applies."""

    def sheets(self, person: Person) -> list[Sheet]:
        return []

    def open_matters(self, person: Person) -> list[str]:
        """Why the person cannot be anonymised yet, one sentence each (Thai first)."""
        return []

    def anonymise(self, person: Person, *, needles: list[str], placeholder: str) -> dict[str, int]:
        """Clear the identifying text this app holds about `person`; say how many rows
        of each kind changed. Runs inside the anonymisation's transaction."""
        return {}


_SOURCES: list[PersonData] = []
_discovered = False


def register(source: type[PersonData]) -> type[PersonData]:
    """Class decorator: an app's `privacy.py` registers what it holds about people."""
    _SOURCES.append(source())
    return source


def sources() -> list[PersonData]:
    global _discovered
    if not _discovered:
        autodiscover_modules("privacy")
        _discovered = True
    return list(_SOURCES)


# --- Clearing text ---------------------------------------------------------------------


def identifying_texts(person: Person) -> list[str]:
    """The ways the person's name, ID and phone appear as text elsewhere, longest first
    (so "นางสมศรี ใจดี" is replaced before "สมศรี ใจดี")."""
    names = [
        person.full_name,
        f"{person.first_name} {person.last_name}".strip(),
        f"{person.first_name_en} {person.last_name_en}".strip(),
        person.phone,
    ]
    if person.national_id:
        names += [person.national_id, format_national_id(person.national_id)]
    unique = {name for name in names if len(name) >= MIN_NEEDLE}
    return sorted(unique, key=len, reverse=True)


def scrub(text: str, needles: list[str], placeholder: str) -> str:
    """`text` with every needle replaced by the placeholder."""
    if not text or not needles:
        return text
    pattern = re.compile("|".join(re.escape(needle) for needle in needles))
    return pattern.sub(placeholder, text)


def scrub_text_fields(
    queryset: models.QuerySet, names: list[str], needles: list[str], placeholder: str
) -> int:
    """Replace the needles in the text fields `names` of the rows of `queryset`,
    append-only rows included (their protection trigger is bypassed, in this
    transaction only). A tracked model's history triggers stay on: the change is
    recorded like any other, with the scrubbed text. Returns how many rows changed."""
    model = queryset.model
    lookup = models.Q()
    for name in names:
        for needle in needles:
            lookup |= models.Q(**{f"{name}__contains": needle})
    changed = 0
    with _writable(model):
        for row in queryset.filter(lookup).only("pk", *names):
            values = {name: scrub(getattr(row, name), needles, placeholder) for name in names}
            changed += model._base_manager.filter(pk=row.pk).update(**values)
    return changed


def clear_rows(queryset: models.QuerySet, values: dict) -> int:
    """Set `values` on every row of `queryset`, bypassing an append-only trigger."""
    with _writable(queryset.model):
        return queryset.update(**values)


def _writable(model):
    """Lift, for the block, the protection triggers that would refuse an update of
    `model`'s rows: the append-only trigger of a history (event) model, or of an
    append-only record such as ProducerMerge. Nothing else: the history-writing
    triggers of a tracked model stay on, so a scrub of its rows is itself recorded
    (with the cleared values, which name no one)."""
    uris = [
        f"{model._meta.label}:{trigger.name}"
        for trigger in getattr(model._meta, "triggers", [])
        if isinstance(trigger, pgtrigger.Protect) and "UPDATE" in str(trigger.operation)
    ]
    # pgtrigger.ignore() with no URI ignores every trigger, history ones included
    return pgtrigger.ignore(*uris) if uris else contextlib.nullcontext()


def history_of(model: type[models.Model]) -> type[models.Model] | None:
    """The pghistory event model of `model`, if it has history."""
    for candidate in model._meta.apps.get_models():
        if getattr(candidate, "pgh_tracked_model", None) is model:
            return candidate
    return None


def clear_history(model: type[models.Model], values: dict, **lookup) -> int:
    """Set `values` (those the history keeps) on the history rows of `model` matching
    `lookup`, e.g. `pgh_obj_id__in=[...]` or `saver__in=[...]`."""
    events = history_of(model)
    if events is None:
        return 0
    known = {f.name for f in events._meta.fields}
    kept = {k: v for k, v in values.items() if k in known}
    return clear_rows(events.objects.filter(**lookup), kept) if kept else 0


def clear_with_history(queryset: models.QuerySet, values: dict) -> int:
    """Set `values` on the rows and on every history row of those rows.

    The rows are changed first: their history triggers write an event with the
    cleared values, in this transaction and at once (the triggers are not deferred),
    so the history rows cleared next include it."""
    pks = list(queryset.values_list("pk", flat=True))
    if not pks:
        return 0
    changed = queryset.model._base_manager.filter(pk__in=pks).update(**values)
    clear_history(queryset.model, values, pgh_obj_id__in=pks)
    return changed


def scrub_with_history(
    queryset: models.QuerySet, names: list[str], needles: list[str], placeholder: str
) -> int:
    """Scrub the rows, then every history row (those the scrub itself just wrote
    included: they hold the scrubbed text already)."""
    changed = scrub_text_fields(queryset, names, needles, placeholder)
    events = history_of(queryset.model)
    if events is not None:
        scrub_text_fields(events.objects.all(), names, needles, placeholder)
    return changed


# --- The registry's own rows -------------------------------------------------------------


def _yes_no(value) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


PERSON_FIELDS = [
    "title",
    "first_name",
    "last_name",
    "first_name_en",
    "last_name_en",
    "sex",
    "birth_date",
    "phone",
    "line_id",
    "email",
    "house_no",
    "moo",
    "village",
    "soi",
    "road",
    "subdistrict",
    "postal_code",
]


def _field_label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


@register
class RegistryData(PersonData):
    def sheets(self, person: Person) -> list[Sheet]:
        return [
            self._person(person),
            self._consent(person),
            sheet(
                pgettext_lazy("personal data sheet", "Producer groups"),
                [
                    (_("Producer"), lambda m: m.producer.name),
                    (_("Role"), lambda m: m.get_role_display()),
                    (_("Since"), lambda m: m.created_at),
                ],
                ProducerMember.objects.filter(person=person).select_related("producer"),
            ),
            sheet(
                pgettext_lazy("personal data sheet", "Contact person of"),
                [(_("Producer"), lambda p: p.name), (_("District"), lambda p: p.district.name)],
                Producer.objects.filter(contact_person=person).select_related("district"),
            ),
            sheet(
                pgettext_lazy("personal data sheet", "Committee seats"),
                [
                    (_("Committee"), lambda s: str(s.term)),
                    (_("Role"), lambda s: s.get_role_display()),
                    (_("From"), lambda s: s.starts_on),
                    (_("To"), lambda s: s.ends_on),
                ],
                CommitteeSeat.objects.filter(person=person).select_related("term__district"),
            ),
            sheet(
                pgettext_lazy("personal data sheet", "Activities"),
                [
                    (_("Activity"), lambda p: p.activity.title),
                    (_("Invited on"), lambda p: p.invited_on),
                    (_("Attended"), lambda p: _yes_no(p.attended)),
                ],
                Participant.objects.filter(person=person).select_related("activity"),
            ),
            sheet(
                pgettext_lazy("personal data sheet", "National ID views"),
                [
                    (_("Seen by"), lambda v: v.viewed_by.get_full_name() or v.viewed_by.username),
                    (_("When"), lambda v: v.viewed_at),
                    (_("Page"), lambda v: v.path),
                ],
                NationalIdView.objects.filter(person=person).select_related("viewed_by"),
            ),
            sheet(
                pgettext_lazy("personal data sheet", "Data requests"),
                [
                    (_("Action"), lambda a: a.get_kind_display()),
                    (_("Done by"), lambda a: a.by.get_full_name() or a.by.username),
                    (_("When"), lambda a: a.at),
                ],
                PersonDataAction.objects.filter(person=person).select_related("by"),
            ),
            self._history(person),
        ]

    def _person(self, person: Person) -> Sheet:
        columns = [(_field_label(Person, "national_id"), lambda p: p.national_id or "")]
        for name in PERSON_FIELDS:
            field_ = Person._meta.get_field(name)
            if field_.choices:
                columns.append(
                    (field_.verbose_name, lambda p, n=name: getattr(p, f"get_{n}_display")())
                )
            elif name == "subdistrict":
                columns.append((field_.verbose_name, lambda p: p.address_lines()))
            else:
                columns.append((field_.verbose_name, lambda p, n=name: getattr(p, n)))
        columns += [
            (_field_label(Person, "district"), lambda p: p.district.name),
            (_("Registered"), lambda p: p.created_at),
        ]
        return sheet(pgettext_lazy("personal data sheet", "Person"), columns, [person])

    def _consent(self, person: Person) -> Sheet:
        columns = [
            (_field_label(Person, "consent_on"), lambda p: p.consent_on),
            (_field_label(Person, "consent_method"), lambda p: p.get_consent_method_display()),
            (_field_label(Person, "consent_witness"), lambda p: p.consent_witness),
            (_field_label(Person, "consent_fairs"), lambda p: _yes_no(p.consent_fairs)),
            (_field_label(Person, "consent_savings"), lambda p: _yes_no(p.consent_savings)),
            (_field_label(Person, "consent_withdrawn_on"), lambda p: p.consent_withdrawn_on),
        ]
        return sheet(pgettext_lazy("personal data sheet", "Consent"), columns, [person])

    def _history(self, person: Person) -> Sheet:
        events = history_of(Person)
        names = [
            n for n in [*PERSON_FIELDS, "consent_on", "consent_withdrawn_on"] if n != "subdistrict"
        ]
        columns = [
            (_("When"), lambda e: e.pgh_created_at),
            (_("Change"), lambda e: e.pgh_label),
            *[(_field_label(Person, n), lambda e, n=n: getattr(e, n)) for n in names],
        ]
        rows = events.objects.filter(pgh_obj_id=person.pk).order_by("pgh_created_at", "pk")
        return sheet(pgettext_lazy("personal data sheet", "History"), columns, rows)

    def anonymise(self, person, *, needles, placeholder) -> dict[str, int]:
        cleared = {
            str(ContactLog._meta.verbose_name_plural): scrub_with_history(
                ContactLog.objects.all(), ["notes"], needles, placeholder
            ),
            str(ActionItem._meta.verbose_name_plural): scrub_with_history(
                ActionItem.objects.all(), ["owner_name"], needles, placeholder
            ),
        }
        cleared[str(ProducerMerge._meta.verbose_name_plural)] = _scrub_merges(needles, placeholder)
        cleared[_("logins cleared and deactivated")] = _clear_logins(person, placeholder)
        return {label: count for label, count in cleared.items() if count}


def _clear_logins(person: Person, placeholder: str) -> int:
    """The logins of the person's committee seats: deactivated, and their names,
    e-mail and phone cleared in the row and in its history rows. The username stays
    (it is what the log-in records and the history's context refer to)."""
    ids = list(
        User.objects.filter(committee_seats__person=person).values_list("pk", flat=True).distinct()
    )
    if not ids:
        return 0
    values = {**CLEARED_LOGIN, "first_name": placeholder}
    # one update, so one history event, which clear_history then clears with the rest
    changed = User.objects.filter(pk__in=ids).update(is_active=False, **values)
    clear_history(User, values, pgh_obj_id__in=ids)
    return changed


def _scrub_merges(needles: list[str], placeholder: str) -> int:
    """A merge's notes name the people who moved ("สมศรี is already in the group kept")."""
    changed = 0
    with _writable(ProducerMerge):
        for merge in ProducerMerge.objects.only("pk", "summary"):
            summary = _scrub_json(merge.summary, needles, placeholder)
            if summary != merge.summary:
                changed += ProducerMerge.objects.filter(pk=merge.pk).update(summary=summary)
    return changed


def _scrub_json(value, needles, placeholder):
    if isinstance(value, str):
        return scrub(value, needles, placeholder)
    if isinstance(value, list):
        return [_scrub_json(item, needles, placeholder) for item in value]
    if isinstance(value, dict):
        return {
            scrub(key, needles, placeholder): _scrub_json(item, needles, placeholder)
            for key, item in value.items()
        }
    return value


# --- Export ----------------------------------------------------------------------------


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_numeric_datetime(value)
    if isinstance(value, date):
        return format_numeric_date(value)
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, (int, Decimal)):
        return value
    return guard(str(value))


def person_sheets(person: Person) -> list[Sheet]:
    return [found for source in sources() for found in source.sheets(person)]


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    """An XLSX file with one sheet per kind of record (text cells guarded against
    formulas, dates in B.E.)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    used: set[str] = set()
    for found in sheets:
        title = _sheet_title(found.title, used)
        page = book.create_sheet(title)
        page.append(found.headers)
        for row in found.rows:
            page.append([_cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title)[:28] or "-"
    name, n = base, 2
    while name in used:
        name, n = f"{base} {n}", n + 1
    used.add(name)
    return name


@transaction.atomic
def person_data_export(*, person: Person, by: User, path: str) -> tuple[bytes, PersonDataAction]:
    """Everything the portal holds about `person`, as an XLSX workbook; the export is
    recorded (who, when, how many rows of each kind), and so is the sight of the full
    national ID it holds (`path`: the page that made the file), both or neither."""
    sheets = person_sheets(person)
    action = PersonDataAction(
        person=person,
        kind=DataActionKind.EXPORT,
        by=by,
        summary={found.title: len(found.rows) for found in sheets if found.rows},
    )
    action.full_clean()
    action.save()
    if person.national_id:  # the file holds the full ID
        NationalIdView.objects.create(person=person, viewed_by=by, path=path)
    return workbook_bytes(sheets), action


# --- Anonymisation -----------------------------------------------------------------------


class AnonymiseRefused(ValidationError):
    pass


def anonymise_problems(person: Person) -> list[str]:
    """Why `person` cannot be anonymised now (empty when they can)."""
    if is_anonymised(person):
        return [_("This person is already anonymised.")]
    return [problem for source in sources() for problem in source.open_matters(person)]


CLEARED_PERSON = {
    "title": "",
    "last_name": "",
    "first_name_en": "",
    "last_name_en": "",
    "sex": Sex.UNSPECIFIED,
    "national_id": None,
    "birth_date": None,
    "phone": "",
    "line_id": "",
    "email": "",
    "house_no": "",
    "moo": None,
    "village": "",
    "soi": "",
    "road": "",
    "subdistrict": None,
    "postal_code": "",
    # How and before whom the consent was given goes (a spoken consent names its
    # witness, and the database wants a witness for "spoken"); its date stays, with
    # the withdrawal date set below: that there was a consent, and until when.
    "consent_method": "",
    "consent_witness": "",
}

CLEARED_LOGIN = {"last_name": "", "email": "", "phone": ""}


@transaction.atomic
def person_anonymise(*, person: Person, by: User, reason: str) -> PersonDataAction:
    """Replace everything that identifies `person` with a placeholder, in their row, in
    every history row of it, and in the text other records copied (notes, names
    typed on forms). A login of theirs (through a committee seat) is deactivated and
    its names, e-mail and phone are cleared, in the row and its history rows; the
    username stays. The consent keeps its date and gets a withdrawal date. Refused,
    naming why, while they have open money matters, and a second time."""
    reason = reason.strip()
    if not reason:
        raise AnonymiseRefused({"reason": _("Say why the person's data is removed.")})
    person = Person.objects.select_for_update().get(pk=person.pk)
    problems = anonymise_problems(person)
    if problems:
        raise AnonymiseRefused(problems)
    needles = identifying_texts(person)
    placeholder = placeholder_for(person)
    summary: dict[str, int] = {}
    for source in sources():
        summary.update(source.anonymise(person, needles=needles, placeholder=placeholder))
    values = {**CLEARED_PERSON, "first_name": placeholder}
    if person.has_consent:  # leaving ends the consent (never before it was given)
        values["consent_withdrawn_on"] = max(timezone.localdate(), person.consent_on)
    clear_with_history(Person.objects.filter(pk=person.pk), values)
    action = PersonDataAction(
        person=person,
        kind=DataActionKind.ANONYMISE,
        by=by,
        reason=scrub(reason, needles, placeholder),
        summary=summary,
    )
    action.full_clean()
    action.save()
    return action
