#!/usr/bin/env python3
"""Find, and keep filled, the strings that Django's Thai catalogues lack.

The portal is Thai-first, but Django's own Thai catalogues (and those of some
installed packages) leave strings untranslated, so parts of the admin and of the
auth pages show in English. This script lists those gaps and keeps a catalogue of
our own translations for them at ``locale/admin/th/LC_MESSAGES/`` (``django.po``
and ``djangojs.po``), which settings put in LOCALE_PATHS so that it takes
precedence over the packages' catalogues.

The translations live in those .po files, not here: run ``--update`` after a
Django or package upgrade, translate the entries it leaves empty (``--check``
names them), and run ``--update`` again to compile.

Usage (from the project root, with the project's virtualenv)::

    python locale/tools/django_th_gaps.py            # gap counts per catalogue
    python locale/tools/django_th_gaps.py --list     # ... and every gap msgid
    python locale/tools/django_th_gaps.py --update   # merge gaps into our .po, compile
    python locale/tools/django_th_gaps.py --check    # exit 1 if a gap is untranslated

What counts as a gap: a msgid (with its msgctxt) of the package's English
catalogue (``locale/en/LC_MESSAGES/<domain>.po``) whose Thai entry is missing,
has an empty msgstr (any plural form) or is fuzzy. Where a package has a locale
directory but neither a Thai nor an English catalogue, the msgids are extracted
from its Python source and templates. Packages without any locale directory are
skipped (their strings can only be translated in the project's own catalogue).

Entries of our catalogue that are not gaps are kept only when a translator
comment starting with ``override:`` says why they replace Django's Thai; the
others are dropped on ``--update`` (Django's own Thai now covers them).

Standard library only; ``msgfmt`` (GNU gettext) compiles the catalogues.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

LANG = "th"
ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "locale" / "admin" / LANG / "LC_MESSAGES"
OVERRIDE_PREFIX = "override:"

HEADER = {
    "django": "Thai translations that Django's and its packages' catalogues lack",
    "djangojs": "Thai translations that the Django admin's JavaScript catalogue lacks",
}


# --- .po reading and writing ---------------------------------------------------------

_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


def _unquote(text: str) -> str:
    """Decode one C-quoted .po string literal ("...")."""
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted string: {text!r}")
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1 :])
            out.append(chr(int(m.group(), 8)))
            i += 1 + len(m.group())
        elif nxt == "x":
            m = re.match(r"[0-9a-fA-F]+", body[i + 2 :])
            out.append(chr(int(m.group(), 16)))
            i += 2 + len(m.group())
        else:
            raise ValueError(f"unknown escape \\{nxt} in {text!r}")
    return "".join(out)


def _quote(text: str) -> str:
    text = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\t", "\\t")
        .replace("\r", "\\r")
    )
    return f'"{text}"'


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    translator_comments: list[str] = field(default_factory=list)  # "# ..."
    extracted_comments: list[str] = field(default_factory=list)  # "#. ..."
    references: list[str] = field(default_factory=list)  # "#: ..."
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def translated(self) -> bool:
        if self.fuzzy or self.obsolete:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    def translations(self) -> list[str]:
        if self.msgid_plural is not None:
            return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]
        return [self.msgstr]


def read_po(path: Path) -> tuple[Entry | None, list[Entry]]:
    """Parse a .po file; return (header entry, other entries). Obsolete ones are skipped."""
    entries: list[Entry] = []
    cur: Entry | None = None
    # the field that continuation lines ("...") append to
    target: tuple[str, int | None] | None = None
    pending: dict[str, list[str]] = {"tc": [], "ec": [], "ref": [], "flags": []}
    seen_msgid = False

    def finish() -> None:
        nonlocal cur, seen_msgid
        if cur is not None and seen_msgid:
            entries.append(cur)
        cur, seen_msgid = None, False

    def new_entry() -> Entry:
        e = Entry(
            msgid="",
            translator_comments=pending["tc"],
            extracted_comments=pending["ec"],
            references=pending["ref"],
            flags=pending["flags"],
        )
        for k in pending:
            pending[k] = []
        return e

    def append(value: str) -> None:
        name, idx = target
        if name == "msgstr_plural":
            cur.msgstr_plural[idx] = cur.msgstr_plural.get(idx, "") + value
        else:
            setattr(cur, name, (getattr(cur, name) or "") + value)

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        try:
            if not line:
                finish()
                target = None
                continue
            if line.startswith("#~"):
                finish()
                target = None
                continue
            if line.startswith("#"):
                if cur is not None and seen_msgid:
                    finish()
                if line.startswith("#,"):
                    pending["flags"] += [f.strip() for f in line[2:].split(",") if f.strip()]
                elif line.startswith("#."):
                    pending["ec"].append(line[2:].strip())
                elif line.startswith("#:"):
                    pending["ref"] += line[2:].split()
                elif line.startswith("#|"):
                    pass  # previous msgid: not needed
                else:
                    pending["tc"].append(raw[1:].strip())
                continue
            if line.startswith('"'):
                append(_unquote(line))
                continue
            kw, _, rest = line.partition(" ")
            if kw == "msgctxt":
                finish()
                cur = new_entry()
                cur.msgctxt = ""
                target = ("msgctxt", None)
            elif kw == "msgid":
                if cur is None or seen_msgid:
                    finish()
                    cur = new_entry()
                seen_msgid = True
                target = ("msgid", None)
            elif kw == "msgid_plural":
                cur.msgid_plural = ""
                target = ("msgid_plural", None)
            elif kw == "msgstr":
                target = ("msgstr", None)
            elif kw.startswith("msgstr["):
                idx = int(kw[7:-1])
                cur.msgstr_plural.setdefault(idx, "")
                target = ("msgstr_plural", idx)
            else:
                raise ValueError(f"unexpected keyword {kw!r}")
            append(_unquote(rest))
        except (ValueError, TypeError, AttributeError) as exc:
            raise SystemExit(f"{path}:{lineno}: cannot parse .po line: {exc}") from exc
    finish()
    header = None
    if entries and entries[0].msgid == "" and entries[0].msgctxt is None:
        header = entries.pop(0)
    return header, entries


def _wrap(value: str, width: int = 76) -> list[str]:
    """Split a string into .po lines: after each newline, and at spaces when long."""
    parts = re.split(r"(?<=\n)", value)
    lines: list[str] = []
    for part in parts:
        if not part:
            continue
        while len(_quote(part)) > width:
            cut = part.rfind(" ", 0, width - 2)
            if cut <= 0:
                break
            lines.append(part[: cut + 1])
            part = part[cut + 1 :]
        lines.append(part)
    return lines


def _field(name: str, value: str) -> list[str]:
    lines = _wrap(value)
    if len(lines) <= 1 and len(name) + len(_quote(value)) < 79:
        return [f"{name} {_quote(value)}"]
    return [f'{name} ""'] + [_quote(line) for line in lines]


def format_entry(e: Entry) -> str:
    out = [f"# {c}".rstrip() for c in e.translator_comments]
    out += [f"#. {c}" for c in e.extracted_comments]
    if e.references:
        out.append("#: " + " ".join(e.references))
    if e.flags:
        out.append("#, " + ", ".join(e.flags))
    if e.msgctxt is not None:
        out += _field("msgctxt", e.msgctxt)
    out += _field("msgid", e.msgid)
    if e.msgid_plural is not None:
        out += _field("msgid_plural", e.msgid_plural)
        for i in sorted(e.msgstr_plural) or [0]:
            out += _field(f"msgstr[{i}]", e.msgstr_plural.get(i, ""))
    else:
        out += _field("msgstr", e.msgstr)
    return "\n".join(out)


def _header_fields(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    header = read_po(path)[0]
    if header is None:
        return {}
    return dict(line.split(": ", 1) for line in header.msgstr.splitlines() if ": " in line)


def write_po(path: Path, domain: str, entries: list[Entry]) -> None:
    old = _header_fields(path)
    revised = old.get("PO-Revision-Date") or datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    translator = old.get("Last-Translator") or "OTOP portal team"
    header = "\n".join(
        [
            f"# {HEADER[domain]}.",
            "# Generated and merged by locale/tools/django_th_gaps.py: edit the msgstr lines,",
            "# then run `python locale/tools/django_th_gaps.py --update`. An entry that is not",
            f"# a gap is kept only with a translator comment starting with '{OVERRIDE_PREFIX}'.",
            "#",
            'msgid ""',
            'msgstr ""',
            '"Project-Id-Version: otop-portal django-th-gaps\\n"',
            f'"PO-Revision-Date: {revised}\\n"',
            f'"Last-Translator: {translator}\\n"',
            '"Language-Team: Thai\\n"',
            '"Language: th\\n"',
            '"MIME-Version: 1.0\\n"',
            '"Content-Type: text/plain; charset=UTF-8\\n"',
            '"Content-Transfer-Encoding: 8bit\\n"',
            '"Plural-Forms: nplurals=1; plural=0;\\n"',
        ]
    )
    body = "\n\n".join(format_entry(e) for e in entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + "\n\n" + body + "\n", encoding="utf-8")


# --- where the catalogues are ----------------------------------------------------------


@dataclass
class Source:
    name: str  # shown in reports and in our entries' "#:" references
    domain: str
    english: list[Entry] | None = None  # every msgid, in order
    thai: dict[tuple[str | None, str], Entry] = field(default_factory=dict)
    note: str = ""
    skipped: bool = False
    ref_prefix: str = ""  # makes the English catalogue's "#:" references package-relative


def _package_dir(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


# (report name, importable package, sub-path holding locale/, domains)
DJANGO_CATALOGUES = [
    ("django (core)", "django", "conf", ["django"]),
    ("django.contrib.admin", "django", "contrib/admin", ["django", "djangojs"]),
    ("django.contrib.auth", "django", "contrib/auth", ["django"]),
    ("django.contrib.contenttypes", "django", "contrib/contenttypes", ["django"]),
    ("django.contrib.sessions", "django", "contrib/sessions", ["django"]),
    ("django.contrib.humanize", "django", "contrib/humanize", ["django"]),
    ("django.contrib.postgres", "django", "contrib/postgres", ["django"]),
]
# (report name, importable packages of the distribution)
THIRD_PARTY = [
    ("django-axes", ["axes"]),
    ("django-crispy-forms", ["crispy_forms", "crispy_bootstrap5"]),
    ("django-pghistory", ["pghistory"]),
]

_GETTEXT_FUNCS = {
    # name: (index of msgctxt, index of msgid, index of msgid_plural)
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ugettext": (None, 0, None),
    "ugettext_lazy": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
_TEMPLATE_TRANS = re.compile(
    r"""\{%\s*(?:trans|translate)\s+(?P<q>["'])(?P<msg>.*?)(?P=q)"""
    r"""(?:\s+context\s+(?P<q2>["'])(?P<ctx>.*?)(?P=q2))?""",
)


def _flags_for(msgid: str) -> list[str]:
    if re.search(r"%(\([^)]+\))?[-#0 +]*\d*(\.\d+)?[diouxXeEfFgGcrs]", msgid):
        return ["python-format"]
    if re.search(r"\{[A-Za-z_0-9]*\}", msgid):
        return ["python-brace-format"]
    return []


def extract_source_msgids(pkg_dir: Path, pkg_label: str) -> tuple[list[Entry], list[str]]:
    """msgids of gettext calls in .py files and {% translate %} tags in templates."""
    found: dict[tuple[str | None, str], Entry] = {}
    unextractable: list[str] = []

    def add(ctxt, msgid, plural, ref):
        key = (ctxt, msgid)
        if key not in found:
            found[key] = Entry(
                msgid=msgid, msgctxt=ctxt, msgid_plural=plural, flags=_flags_for(msgid)
            )
            if plural is not None:
                found[key].msgstr_plural = {0: ""}
        found[key].references.append(ref)

    for py in sorted(pkg_dir.rglob("*.py")):
        if "migrations" in py.parts or "tests" in py.parts:
            continue
        tree = ast.parse(py.read_text(encoding="utf-8"), filename=str(py))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", None)
            if name not in _GETTEXT_FUNCS:
                continue
            ci, mi, pi = _GETTEXT_FUNCS[name]
            args = node.args
            ref = f"{pkg_label}/{py.relative_to(pkg_dir).as_posix()}:{node.lineno}"

            def const(i, args=args):
                if i is None:
                    return None
                if (
                    i < len(args)
                    and isinstance(args[i], ast.Constant)
                    and isinstance(args[i].value, str)
                ):
                    return args[i].value
                return False

            msgid, ctxt, plural = const(mi), const(ci), const(pi)
            if msgid is False or ctxt is False or plural is False:
                unextractable.append(ref)
                continue
            add(ctxt, msgid, plural, ref)
    for tpl in sorted(pkg_dir.rglob("templates/**/*.htm*")) + sorted(
        pkg_dir.rglob("templates/**/*.txt")
    ):
        text = tpl.read_text(encoding="utf-8")
        for m in _TEMPLATE_TRANS.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            add(
                m.group("ctx"),
                m.group("msg"),
                None,
                f"{pkg_label}/{tpl.relative_to(pkg_dir).as_posix()}:{line}",
            )
        if re.search(r"\{%\s*blocktrans", text):
            unextractable.append(f"{pkg_label}/{tpl.relative_to(pkg_dir).as_posix()} (blocktrans)")
    return list(found.values()), unextractable


def load_sources() -> list[Source]:
    sources: list[Source] = []
    django_dir = _package_dir("django")
    for name, _pkg, sub, domains in DJANGO_CATALOGUES:
        locale = django_dir / sub / "locale"
        for domain in domains:
            label = name if domain == "django" else f"{name} ({domain})"
            en = locale / "en" / "LC_MESSAGES" / f"{domain}.po"
            th = locale / LANG / "LC_MESSAGES" / f"{domain}.po"
            src = Source(label, domain, ref_prefix="django/")
            if not en.exists():
                src.skipped, src.note = True, f"no English catalogue at {en}"
            else:
                src.english = read_po(en)[1]
                if th.exists():
                    src.thai = {e.key: e for e in read_po(th)[1]}
                else:
                    src.note = "no Thai catalogue: every msgid is a gap"
            sources.append(src)
    for name, modules in THIRD_PARTY:
        for module in modules:
            label = name if len(modules) == 1 else f"{name} ({module})"
            src = Source(label, "django")
            pkg_dir = _package_dir(module)
            if pkg_dir is None:
                src.skipped, src.note = True, "not installed"
                sources.append(src)
                continue
            locale = pkg_dir / "locale"
            if not locale.is_dir():
                strings, _ = extract_source_msgids(pkg_dir, module)
                src.skipped = True
                src.note = "no locale directory: skipped"
                if strings:
                    shown = ", ".join(repr(e.msgid) for e in strings[:5])
                    src.note += f" (its source has {len(strings)} translatable string(s): {shown})"
                sources.append(src)
                continue
            th = locale / LANG / "LC_MESSAGES" / "django.po"
            en = locale / "en" / "LC_MESSAGES" / "django.po"
            if th.exists():
                src.thai = {e.key: e for e in read_po(th)[1]}
            if en.exists():
                src.english = read_po(en)[1]
            elif th.exists():
                src.english = list(src.thai.values())
                src.note = "no English catalogue: msgids from the Thai one"
            else:
                src.english, bad = extract_source_msgids(pkg_dir, module)
                src.note = "no Thai or English catalogue: msgids extracted from the source"
                if bad:
                    src.note += "; not extractable (computed msgid): " + ", ".join(bad)
            sources.append(src)
    return sources


# --- gaps and our catalogue --------------------------------------------------------------


def gaps(src: Source) -> list[Entry]:
    if src.skipped:
        return []
    out = []
    for e in src.english:
        th = src.thai.get(e.key)
        if th is None or not th.translated():
            out.append(e)
    return out


def out_path(domain: str) -> Path:
    return OUT_DIR / f"{domain}.po"


def load_ours(domain: str) -> dict[tuple[str | None, str], Entry]:
    path = out_path(domain)
    if not path.exists():
        return {}
    return {e.key: e for e in read_po(path)[1]}


def is_override(e: Entry) -> bool:
    return any(c.startswith(OVERRIDE_PREFIX) for c in e.translator_comments)


def django_thai(sources: list[Source], domain: str, key) -> tuple[str, Entry] | None:
    """The first package catalogue of this domain that translates key, if any."""
    for s in sources:
        if s.domain == domain and not s.skipped:
            th = s.thai.get(key)
            if th is not None and th.translated():
                return s.name, th
    return None


def merge(sources: list[Source], domain: str) -> tuple[list[Entry], list[str]]:
    """Our catalogue for domain: every gap (translated where we have it) and the overrides."""
    ours = load_ours(domain)
    english: dict[tuple[str | None, str], tuple[Source, Entry]] = {}
    for s in sources:
        if s.domain == domain and s.english:
            for e in s.english:
                english.setdefault(e.key, (s, e))
    result: dict[tuple[str | None, str], Entry] = {}
    notes: list[str] = []
    for src in sources:
        if src.domain != domain:
            continue
        for en in gaps(src):
            refs = [src.ref_prefix + r for r in en.references]
            if en.key in result:
                result[en.key].references += [r for r in refs if r not in result[en.key].references]
                continue
            new = Entry(
                msgid=en.msgid,
                msgctxt=en.msgctxt,
                msgid_plural=en.msgid_plural,
                flags=[f for f in en.flags if f != "fuzzy"],
                extracted_comments=list(en.extracted_comments),
                references=refs,
            )
            old = ours.get(en.key)
            if old is not None:
                new.translator_comments = list(old.translator_comments)
                texts = old.translations()
                if "fuzzy" in old.flags:
                    new.flags.append("fuzzy")
            else:
                other = django_thai(sources, domain, en.key)
                texts = other[1].translations() if other else [""]
                if other:
                    new.translator_comments = [f"reused: the Thai of {other[0]}"]
            if new.msgid_plural is not None:
                new.msgstr_plural = {0: texts[0] if texts else ""}
            else:
                new.msgstr = texts[0] if texts else ""
            result[en.key] = new
    for key, old in ours.items():
        if key in result:
            continue
        if is_override(old) and key in english:
            src, en = english[key]
            old.references = [src.ref_prefix + r for r in en.references]
            old.extracted_comments = list(en.extracted_comments)
            result[key] = old
            theirs = django_thai(sources, domain, key)
            if theirs and theirs[1].translations()[:1] == old.translations()[:1]:
                notes.append(f"override now equals Django's own Thai, could go: {key[1]!r}")
        elif is_override(old):
            notes.append(f"override of a msgid Django no longer has, dropped: {key[1]!r}")
        else:
            notes.append(f"no longer a gap (Django's Thai has it now), dropped: {key[1]!r}")
    # overrides first, then gaps in catalogue order
    ordered = [e for e in result.values() if is_override(e)] + [
        e for e in result.values() if not is_override(e)
    ]
    return ordered, notes


def compile_po(domain: str) -> None:
    po = out_path(domain)
    mo = po.with_suffix(".mo")
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise SystemExit("msgfmt (GNU gettext) is needed to compile; apt-get install gettext")
    # the command and both paths are fixed by this script, not taken from input
    subprocess.run([msgfmt, "--check", "-o", str(mo), str(po)], check=True)  # noqa: S603


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="print every gap msgid")
    parser.add_argument(
        "--update", action="store_true", help="merge the gaps into our .po files and compile them"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if a gap has no translation in our catalogue"
    )
    args = parser.parse_args(argv)

    sources = load_sources()
    if args.update:
        for domain in ("django", "djangojs"):
            entries, notes = merge(sources, domain)
            for n in notes:
                print(f"[{domain}] {n}")
            if entries:
                write_po(out_path(domain), domain, entries)
                compile_po(domain)
                print(
                    f"wrote {out_path(domain).relative_to(ROOT)} ({len(entries)} entries) "
                    "and its .mo"
                )

    ours = {d: load_ours(d) for d in ("django", "djangojs")}
    width = max(len(s.name) for s in sources)
    print("gaps: msgids without a Thai translation in the package's own catalogue; elsewhere:")
    print("of those, translated by another catalogue of the same domain (shown in Thai anyway);")
    print("filled/left: translated or not in locale/admin/th/LC_MESSAGES/")
    print(
        f"{'catalogue':<{width}}  {'msgids':>6}  {'gaps':>5}  {'elsewhere':>9}  {'filled':>6}  "
        f"{'left':>5}"
    )
    total_gaps = total_left = 0
    left_all: list[tuple[str, Entry]] = []
    for src in sources:
        if src.skipped:
            print(
                f"{src.name:<{width}}  {'-':>6}  {'-':>5}  {'-':>9}  {'-':>6}  {'-':>5}  {src.note}"
            )
            continue
        g = gaps(src)
        left = [
            e for e in g if not (e.key in ours[src.domain] and ours[src.domain][e.key].translated())
        ]
        elsewhere = [e for e in g if django_thai(sources, src.domain, e.key)]
        total_gaps += len(g)
        total_left += len(left)
        left_all += [(src.name, e) for e in left]
        note = f"  {src.note}" if src.note else ""
        print(
            f"{src.name:<{width}}  {len(src.english):>6}  {len(g):>5}  {len(elsewhere):>9}  "
            f"{len(g) - len(left):>6}  {len(left):>5}{note}"
        )
        if args.list:
            for e in g:
                mark = "! " if e in left else "  "
                ctx = f"[{e.msgctxt}] " if e.msgctxt is not None else ""
                print(f"    {mark}{ctx}{e.msgid!r}")
    print(
        f"{'total':<{width}}  {'':>6}  {total_gaps:>5}  {'':>9}  {total_gaps - total_left:>6}  "
        f"{total_left:>5}"
    )
    overrides = [e for d in ours.values() for e in d.values() if is_override(e)]
    print(f"overrides of Django's existing Thai: {len(overrides)}")
    if args.check and left_all:
        for name, e in left_all:
            print(f"untranslated: {name}: {e.msgid!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
