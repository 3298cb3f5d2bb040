"""Reads of the draw pipeline and the public verification pages.

The pure lottery (`fairs.draw`) writes each applicant's reason in English and names
quotas by code ("district 2703", "food"); the pages render them in the reader's
language from the stored fields (position, tickets, skip code and subject, waitlist
place, zone and booth), with district and category names.

The public pages show numbers, districts, categories, tickets and keys; a producer's
name only when the producer got a booth (DOMAIN.md §2). The logged-in draw page shows
names within the reader's reach: a district member sees their own district's
producers by name, the others by number.
"""

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fairs import draw as lottery
from fairs import verify_script
from fairs.models import (
    ApplicationStatus,
    Draw,
    DrawLine,
    Fair,
    FairCategory,
    FrozenList,
    Outcome,
    Policy,
    QuotaKind,
    RandomSource,
)
from fairs.services.lottery import booths_of, feasibility, official_draw
from fairs.services.setup import policy_in_force
from members.models import District

# --- Names of codes ---------------------------------------------------------------------


@dataclass
class Names:
    """District and booth-type names by code, fetched once per page."""

    districts: dict[str, str] = field(default_factory=dict)
    booth_types: dict[str, str] = field(default_factory=dict)

    def district(self, code: str) -> str:
        return _("district %(name)s") % {"name": self.districts.get(code, code)}

    def booth_type(self, code: str) -> str:
        return self.booth_types.get(code, code)


def category_label(code: str) -> str:
    try:
        return str(FairCategory(code).label)
    except ValueError:
        return code


def names_for(fair: Fair, district_codes) -> Names:
    """Two queries, always: the districts named (in the reader's language) and the
    fair's booth types."""
    districts = District.objects.filter(code__in=sorted(set(district_codes)) or [""]).only(
        "code", "name_th", "name_en"
    )
    return Names(
        districts={d.code: d.name for d in districts},
        booth_types=dict(fair.booth_types.values_list("code", "name")),
    )


# --- One applicant's reason ---------------------------------------------------------------

_DISTRICT_QUOTA = re.compile(r"^district (\S+)$")


def quota_name(text: str, names: Names) -> str:
    """ "district 2703" → the district's name; "food" → the category's label."""
    match = _DISTRICT_QUOTA.match(text.strip())
    if match:
        return names.district(match.group(1))
    return category_label(text.strip())


def skip_sentence(code: str, subject: str, names: Names) -> str:
    if code == lottery.SKIP_TYPE_FULL:
        return _("%(type)s booths are all taken") % {"type": names.booth_type(subject)}
    if code == lottery.SKIP_DISTRICT_MAX:
        return _("the maximum of %(district)s is reached") % {"district": names.district(subject)}
    if code == lottery.SKIP_CATEGORY_MAX:
        return _("the maximum of %(category)s is reached") % {"category": category_label(subject)}
    if code == lottery.SKIP_WOULD_BREAK_MINIMUM:
        kept = ", ".join(quota_name(part, names) for part in subject.split(",") if part.strip())
        return _("booths kept for the minimums of %(quotas)s") % {"quotas": kept}
    if code == lottery.SKIP_WITHDRAWN:
        return _("withdrawn after the list was frozen")
    return subject or code


def reason(line: DrawLine, *, of: int, names: Names) -> str:
    """E.g. "ลำดับจับสลาก 57 จาก 412, สลาก 2 ใบ; ข้าม: …; รายชื่อรอลำดับ 3"."""
    head = _("draw position %(position)s of %(of)s") % {"position": line.position, "of": of}
    tickets = ngettext("%(count)s ticket", "%(count)s tickets", line.tickets) % {
        "count": line.tickets
    }
    parts = [f"{head}, {tickets}"]
    if line.booth_id is not None:
        parts.append(
            _("booth %(booth)s in zone %(zone)s")
            % {"booth": line.booth.code, "zone": line.zone.code if line.zone else ""}
        )
    if line.skip_code:
        parts.append(
            _("skipped: %(why)s") % {"why": skip_sentence(line.skip_code, line.skip_subject, names)}
        )
    if line.waitlist_position is not None:
        parts.append(_("waitlist %(position)s") % {"position": line.waitlist_position})
    return "; ".join(parts)


# --- Quota problems before the freeze -------------------------------------------------------

_ABOVE = re.compile(r"^(district|category) (\S+): minimum (\d+) is above maximum (\d+)$")
_ALONE = re.compile(r"^(district|category) (\S+): minimum (\d+) cannot be met \(")
_TOGETHER = re.compile(r"^(district|category) (\S+): minimum (\d+) cannot be met with (.+)$")


def _quota(kind: str, key: str, names: Names) -> str:
    return names.district(key) if kind == "district" else category_label(key)


def problem_sentence(problem: str, names: Names) -> str:
    """The algorithm's English problem ("district 2701: minimum 3 cannot be met …") in
    the reader's language; an unknown form is shown as is after a translated lead."""
    if match := _ABOVE.match(problem):
        kind, key, low, high = match.groups()
        return _("%(quota)s: the minimum %(minimum)s is above the maximum %(maximum)s.") % {
            "quota": _quota(kind, key, names),
            "minimum": low,
            "maximum": high,
        }
    if match := _TOGETHER.match(problem):
        kind, key, low, others = match.groups()
        return _("%(quota)s: the minimum %(minimum)s cannot be met together with %(others)s.") % {
            "quota": _quota(kind, key, names),
            "minimum": low,
            "others": ", ".join(quota_name(_strip_category(o), names) for o in others.split(",")),
        }
    if match := _ALONE.match(problem):
        kind, key, low = match.groups()
        return _(
            "%(quota)s: the minimum %(minimum)s cannot be met (too few eligible applicants "
            "or booths of their types)."
        ) % {"quota": _quota(kind, key, names), "minimum": low}
    return _("Quota problem: %(problem)s") % {"problem": problem}


def _strip_category(text: str) -> str:
    text = text.strip()
    return text[len("category ") :] if text.startswith("category ") else text


# --- The pipeline page -----------------------------------------------------------------------

STATUSES = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.NEEDS_INFO,
    ApplicationStatus.ELIGIBLE,
    ApplicationStatus.REJECTED,
    ApplicationStatus.WITHDRAWN,
]


@dataclass
class Pipeline:
    fair: Fair
    counts: list[tuple[str, str, int]]
    waiting: int
    eligible: int
    policy: Policy | None
    problems: list[str]
    frozen: FrozenList | None
    sources: list[RandomSource]
    draws: list[Draw]

    @property
    def source(self) -> RandomSource | None:
        """The source to confirm or the confirmed one: the confirmed, else the newest."""
        confirmed = [s for s in self.sources if s.is_confirmed]
        if confirmed:
            return confirmed[0]
        return self.sources[0] if self.sources else None

    @property
    def confirmed(self) -> bool:
        return any(s.is_confirmed for s in self.sources)

    @property
    def official(self) -> Draw | None:
        return next((d for d in self.draws if d.official), None)

    @property
    def closed(self) -> bool:
        return timezone.localdate() > self.fair.applications_close_on


def status_counts(fair: Fair) -> dict[str, int]:
    rows = fair.applications.values("status").annotate(n=Count("pk")).values_list("status", "n")
    return dict(rows)


def pipeline(fair: Fair) -> Pipeline:
    counts = status_counts(fair)
    frozen = (
        FrozenList.objects.select_related("policy", "frozen_by")
        .annotate(size=Count("entries"))
        .filter(fair=fair)
        .first()
    )
    policy = frozen.policy if frozen else policy_in_force(fair)
    problems = []
    eligible = counts.get(ApplicationStatus.ELIGIBLE, 0)
    if frozen is None and policy is not None and eligible:
        found = feasibility(fair, policy)
        if found:
            names = names_for(fair, _problem_districts(found))
            problems = [problem_sentence(p, names) for p in found]
    return Pipeline(
        fair=fair,
        counts=[(s.value, s.label, counts.get(s.value, 0)) for s in STATUSES],
        waiting=counts.get(ApplicationStatus.SUBMITTED, 0)
        + counts.get(ApplicationStatus.NEEDS_INFO, 0),
        eligible=eligible,
        policy=policy,
        problems=problems,
        frozen=frozen,
        sources=list(
            fair.random_sources.select_related("entered_by", "confirmed_by").order_by(
                "-entered_at", "-pk"
            )
        ),
        draws=list(
            fair.draws.select_related("run_by", "published_by").order_by("-official", "-run_at")
        ),
    )


def _problem_districts(problems: list[str]) -> set[str]:
    return set(re.findall(r"district (\d+)", " ".join(problems)))


# --- A draw's lines ---------------------------------------------------------------------------


@dataclass
class LineRow:
    line: DrawLine
    district: str
    category: str
    name: str  # empty when the reader may not see it
    reason: str
    in_reach: bool

    @property
    def key(self) -> str:
        return repr(self.line.key)

    @property
    def u(self) -> str:
        return repr(self.line.uniform)


def _lines(draw: Draw) -> list[DrawLine]:
    return list(
        draw.lines.select_related("entry", "application__producer", "zone", "booth").order_by(
            "position"
        )
    )


def draw_rows(draw: Draw, *, user=None) -> list[LineRow]:
    """Every line of a draw, in draw order, in a fixed number of queries (three).

    With `user`: names within the user's reach (the logged-in draw page). Without:
    the public rule, names only of those selected.
    """
    lines = _lines(draw)
    codes = {line.entry.district_id for line in lines}
    for line in lines:
        if line.skip_code == lottery.SKIP_WOULD_BREAK_MINIMUM:
            codes |= set(re.findall(r"district (\S+?)(?:,|$)", line.skip_subject))
    names = names_for(draw.fair, codes)
    rows = []
    for line in lines:
        if user is None:
            in_reach = False
            visible = line.outcome == Outcome.SELECTED
        else:
            in_reach = user.sees_all_districts or line.application.district_id == user.district_id
            visible = in_reach
        rows.append(
            LineRow(
                line=line,
                district=names.districts.get(line.entry.district_id, line.entry.district_id),
                category=category_label(line.entry.category),
                name=line.application.producer.name if visible else "",
                reason=reason(line, of=len(lines), names=names),
                in_reach=in_reach,
            )
        )
    return rows


def outcome_counts(rows: list[LineRow]) -> dict[str, int]:
    counts = dict.fromkeys(Outcome.values, 0)
    for row in rows:
        counts[row.line.outcome] += 1
    return counts


# --- The public pages ---------------------------------------------------------------------------


def _published_official():
    return Draw.objects.filter(fair=OuterRef("pk"), official=True, published_at__isnull=False)


def public_fairs():
    """The fairs whose list is frozen (and so published), newest first."""
    return (
        Fair.objects.filter(frozen_list__isnull=False)
        .select_related("series", "frozen_list")
        .annotate(drawn=Exists(_published_official()))
        .order_by("-starts_on", "-pk")
    )


def public_fair(pk) -> Fair:
    """A fair with a frozen list; 404 otherwise. Public: no reach to check, the frozen
    list and its draw are published for everyone."""
    return get_object_or_404(
        Fair.objects.filter(frozen_list__isnull=False).select_related(
            "series", "frozen_list__policy"
        ),
        pk=pk,
    )


def published_draw(fair: Fair) -> Draw | None:
    draw = official_draw(fair)
    return draw if draw is not None and draw.is_published else None


@dataclass
class QuotaRow:
    kind: str
    name: str
    minimum: int
    maximum: int | None


def quota_rows(policy: Policy) -> list[QuotaRow]:
    quotas = list(policy.quotas.all())
    names = names_for(policy.fair, [q.key for q in quotas if q.kind == QuotaKind.DISTRICT])
    rows = []
    for quota in quotas:
        if quota.kind == QuotaKind.DISTRICT:
            name = names.districts.get(quota.key, quota.key)
        else:
            name = category_label(quota.key)
        rows.append(QuotaRow(quota.get_kind_display(), name, quota.minimum, quota.maximum))
    return rows


def booth_rows(fair: Fair) -> list[tuple[str, str, int]]:
    """(zone, booth type, booths to draw), by zone and type code."""
    return [
        (zone, booth_type, count)
        for zone, types in sorted(booths_of(fair).items())
        for booth_type, count in sorted(types.items())
    ]


def results_csv(draw: Draw) -> str:
    """The draw's lines in the form the downloadable verify.py prints."""
    lines = _lines(draw)
    rows = [
        verify_script.result_row(
            position=line.position,
            number=line.entry.number,
            district=line.entry.district_id,
            category=line.entry.category,
            booth_type=line.entry.booth_type_code,
            tickets=line.tickets,
            u=line.uniform,
            key=line.key,
            outcome=line.outcome,
            zone=line.zone.code if line.zone else "",
            booth=line.booth.code if line.booth else "",
            skip_code=line.skip_code,
            skip_subject=line.skip_subject,
            waitlist=line.waitlist_position,
        )
        for line in lines
    ]
    return verify_script.csv_text(rows)


def policy_document(fair: Fair) -> dict:
    """What verify.py needs besides the list: quotas, booths in their order along each
    zone, withdrawn numbers (once the official draw is published)."""
    frozen = fair.frozen_list
    quotas: dict[str, dict] = {"district": {}, "category": {}}
    for quota in frozen.policy.quotas.all():
        quotas[quota.kind][quota.key] = [quota.minimum, quota.maximum]
    booths: dict[str, dict[str, list[str]]] = {}
    for zone, booth_type, code in (
        fair.booths.drawable()
        .order_by("order", "code")
        .values_list("zone__code", "booth_type__code", "code")
    ):
        booths.setdefault(zone, {}).setdefault(booth_type, []).append(code)
    draw = published_draw(fair)
    return {
        "fair": fair.pk,
        "list_hash": frozen.list_hash,
        "algorithm_version": frozen.algorithm_version,
        "policy_version": frozen.policy.version,
        "quotas": quotas,
        "booths": booths,
        "withdrawn": draw.withdrawn() if draw else [],
        "source": draw.source_text if draw else None,
    }


README = """\
Recompute a fair's booth draw / ตรวจผลจับสลากบูธด้วยตนเอง

1. Download list.csv (the frozen list) and results.csv (the published result)
   from the fair's verification page, into this folder.
   ดาวน์โหลด list.csv และ results.csv จากหน้าตรวจสอบของงาน มาไว้ในโฟลเดอร์นี้
2. Check: the SHA-256 of list.csv is the published hash.
   sha256sum list.csv
3. Run (Python 3.10 or later, nothing else needed):
   python3 verify.py list.csv "<the random source, exactly as published>" > mine.csv
   diff mine.csv results.csv
   No output from diff: the published result is the one the rules give.
   ถ้า diff ไม่แสดงอะไรเลย แปลว่าผลที่ประกาศตรงกับผลที่คำนวณได้

fairs/draw: the lottery itself (the code the portal runs).
policy.json: the quotas, the booths of each zone and type in their order along the
zone, and the numbers withdrawn after the freeze (present when downloaded for a fair).
"""

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _code_files() -> dict[str, bytes]:
    module = Path(lottery.__file__)
    files = {"fairs/__init__.py": b""}
    if module.name == "__init__.py":
        for path in sorted(module.parent.rglob("*.py")):
            relative = path.relative_to(module.parent).as_posix()
            files[f"fairs/draw/{relative}"] = path.read_bytes()
    else:
        files["fairs/draw.py"] = module.read_bytes()
    files["verify.py"] = Path(verify_script.__file__).read_bytes()
    files["README.txt"] = README.encode("utf-8")
    return files


def code_zip(fair: Fair | None = None) -> bytes:
    """The lottery's code, verify.py and (for a fair) its policy.json, zipped with
    fixed timestamps and in name order, so the same content gives the same bytes."""
    files = _code_files()
    if fair is not None:
        document = json.dumps(policy_document(fair), ensure_ascii=False, indent=2, sort_keys=True)
        files["policy.json"] = (document + "\n").encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()
