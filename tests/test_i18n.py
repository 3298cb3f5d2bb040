"""Thai first: our catalogue is complete and compiled, and pages read in Thai."""

from pathlib import Path

import polib
import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent
CATALOGUES = [
    BASE_DIR / "locale" / "th" / "LC_MESSAGES" / "django.po",
    BASE_DIR / "locale" / "admin" / "th" / "LC_MESSAGES" / "django.po",
]


def _translated(entry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural.get(0))
    return bool(entry.msgstr)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_every_string_has_a_thai_translation(path):
    catalogue = polib.pofile(str(path))
    untranslated = [e.msgid for e in catalogue if not e.obsolete and not _translated(e)]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags and not e.obsolete]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_the_compiled_catalogue_matches_its_source(path):
    source = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path)) if not e.obsolete}
    compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(path.with_suffix(".mo")))}
    assert set(compiled) >= {key for key, e in source.items() if _translated(e)}
    for key, entry in compiled.items():
        if key in source and not entry.msgid_plural:
            assert entry.msgstr == source[key].msgstr, key


def test_the_login_page_reads_in_thai(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "เข้าสู่ระบบ" in page
    assert "ชื่อผู้ใช้" in page
    assert "Log in" not in page


def test_the_home_page_reads_in_thai(client, district_member):
    client.force_login(district_member)
    page = client.get(reverse("home")).content.decode()
    for thai in ["อำเภอของคุณ", "ตำบล", "รหัสไปรษณีย์", "ออกจากระบบ", "เปลี่ยนรหัสผ่าน"]:
        assert thai in page


def test_the_admin_reads_in_thai(client, staff):
    client.force_login(staff)
    page = client.get(reverse("admin:members_user_changelist")).content.decode()
    assert "บัญชีผู้ใช้" in page
    assert "ระงับบัญชีที่เลือก" in page


def test_makemessages_never_guesses_a_translation():
    """A fuzzy guess would show wrong Thai until someone noticed its flag."""
    from otop_portal.management.commands.makemessages import Command

    assert "--no-fuzzy-matching" in Command.msgmerge_options
