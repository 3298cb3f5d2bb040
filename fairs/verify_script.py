"""Recompute a fair's booth draw from its published files, on your own computer.

This file is shipped as ``verify.py`` in the ``draw.zip`` of the public verification
page, next to the lottery itself (``fairs/draw``) and the fair's ``policy.json``. It
needs Python 3.10 or later and nothing else.

Usage::

    python3 verify.py list.csv "<random source, exactly as published>" > mine.csv
    diff mine.csv results.csv

``list.csv`` is the published eligible list (its SHA-256 must be the published
hash); ``policy.json`` (next to this script, or ``--policy FILE``) holds the quotas,
the booths of each zone and type in their order along the zone, and the numbers
withdrawn after the freeze (``--withdrawn 3,17`` overrides them). The draw is
printed in the same form as the published ``results.csv``, so ``diff`` shows
nothing when the published result is the one the rules give. The list's hash and
the seed are printed on the standard error.

The portal writes its ``results.csv`` with :func:`result_row` and
:func:`write_rows` of this very file, so both sides share one format.
"""

import argparse
import csv
import hashlib
import io
import json
import sys
from collections import defaultdict
from pathlib import Path

HEADER = (
    "position",
    "number",
    "district",
    "category",
    "booth_type",
    "tickets",
    "u",
    "key",
    "outcome",
    "zone",
    "booth",
    "skipped_because",
    "skipped_for",
    "waitlist",
)
SELECTED, WAITLIST, WITHDRAWN = "selected", "waitlist", "withdrawn"


def result_row(
    *,
    position: int,
    number: int,
    district: str,
    category: str,
    booth_type: str,
    tickets: int,
    u: float,
    key: float,
    outcome: str,
    zone: str = "",
    booth: str = "",
    skip_code: str = "",
    skip_subject: str = "",
    waitlist: int | None = None,
) -> list[str]:
    """One line of results.csv. Floats are written with ``repr``: every digit, so
    the number read back is exactly the one computed."""
    return [
        str(position),
        str(number),
        district,
        category,
        booth_type,
        str(tickets),
        repr(float(u)),
        repr(float(key)),
        outcome,
        zone,
        booth,
        skip_code,
        skip_subject,
        "" if waitlist is None else str(waitlist),
    ]


def write_rows(rows, out) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)


def csv_text(rows) -> str:
    """The whole results.csv as text."""
    buffer = io.StringIO(newline="")
    write_rows(rows, buffer)
    return buffer.getvalue()


def parse_list(text: str, lottery) -> list:
    """The applicants of the canonical list (see ``fairs.draw.canonical_list``)."""
    lines = text.split("\n")
    applicants = []
    for line in lines[1:]:
        if not line:
            continue
        number, district, category, booth_type, zones, stars, misses, no_show, prime = line.split(
            ","
        )
        applicants.append(
            lottery.Applicant(
                number=int(number),
                district=district,
                category=category,
                booth_type=booth_type,
                zones=tuple(z for z in zones.split(";") if z),
                stars=int(stars),
                misses=int(misses),
                no_show_last=no_show == "1",
                prime_last=prime == "1",
            )
        )
    return applicants


def quotas_from(policy: dict, lottery):
    def table(kind: str) -> dict:
        return {
            key: lottery.Quota(minimum, maximum)
            for key, (minimum, maximum) in policy["quotas"].get(kind, {}).items()
        }

    return lottery.Quotas(district=table("district"), category=table("category"))


def booth_counts(policy: dict) -> dict[str, dict[str, int]]:
    return {
        zone: {booth_type: len(codes) for booth_type, codes in types.items()}
        for zone, types in policy["booths"].items()
    }


def physical_booths(result, applicants: list, policy: dict) -> dict[int, str]:
    """The draw gives a zone and a place along it; the zone's booths of each type are
    taken in their order along the zone, place by place."""
    types = {a.number: a.booth_type for a in applicants}
    free = {
        zone: {t: list(codes) for t, codes in by_type.items()}
        for zone, by_type in policy["booths"].items()
    }
    by_zone = defaultdict(list)
    for number, assignment in result.assignments.items():
        by_zone[assignment.zone].append((assignment.booth, number))
    codes = {}
    for zone, places in by_zone.items():
        for _place, number in sorted(places):
            codes[number] = free[zone][types[number]].pop(0)
    return codes


def recompute(list_text: str, source: str, policy: dict, withdrawn, lottery) -> tuple:
    """The draw's result and its lines as results.csv has them."""
    applicants = parse_list(list_text, lottery)
    result = lottery.draw(
        applicants, quotas_from(policy, lottery), booth_counts(policy), source, withdrawn
    )
    by_number = {a.number: a for a in applicants}
    codes = physical_booths(result, applicants, policy)
    waitlist = {w.number: w.position for w in result.waitlist}
    rows = []
    for entry in result.order:
        applicant = by_number[entry.number]
        skip = result.skips.get(entry.number)
        assignment = result.assignments.get(entry.number)
        if entry.number in codes:
            outcome = SELECTED
        elif skip is not None and skip.code == lottery.SKIP_WITHDRAWN:
            outcome = WITHDRAWN
        else:
            outcome = WAITLIST
        rows.append(
            result_row(
                position=entry.position,
                number=entry.number,
                district=applicant.district,
                category=applicant.category,
                booth_type=applicant.booth_type,
                tickets=entry.tickets,
                u=entry.u,
                key=entry.key,
                outcome=outcome,
                zone=assignment.zone if assignment else "",
                booth=codes.get(entry.number, ""),
                skip_code=skip.code if skip else "",
                skip_subject=skip.subject if skip else "",
                waitlist=waitlist.get(entry.number),
            )
        )
    return result, rows


def main(argv=None) -> int:
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    from fairs import draw as lottery

    parser = argparse.ArgumentParser(description="Recompute a fair's booth draw.")
    parser.add_argument("list_csv", help="the published list (list.csv)")
    parser.add_argument("source", help="the public random source, exactly as published")
    parser.add_argument("--policy", default=str(here / "policy.json"), help="policy.json")
    parser.add_argument("--withdrawn", help="numbers withdrawn after the freeze, e.g. 3,17")
    args = parser.parse_args(argv)

    raw = Path(args.list_csv).read_bytes()
    if not Path(args.policy).is_file():
        print(
            f"{args.policy} is missing: download draw.zip from the fair's verification page.",
            file=sys.stderr,
        )
        return 2
    policy = json.loads(Path(args.policy).read_text(encoding="utf-8"))
    if args.withdrawn is not None:
        withdrawn = [int(n) for n in args.withdrawn.split(",") if n.strip()]
    else:
        withdrawn = policy.get("withdrawn", [])
    list_hash = hashlib.sha256(raw).hexdigest()
    print(f"list SHA-256: {list_hash}", file=sys.stderr)
    published = policy.get("list_hash")
    if published and published != list_hash:
        print(f"WARNING: the published hash is {published}", file=sys.stderr)
    result, rows = recompute(raw.decode("utf-8"), args.source, policy, withdrawn, lottery)
    print(f"seed: {result.seed}", file=sys.stderr)
    sys.stdout.reconfigure(encoding="utf-8", newline="\n")
    write_rows(rows, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
