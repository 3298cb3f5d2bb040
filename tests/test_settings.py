"""Settings come from the environment, fail loudly, and pass Django's deploy checks."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from otop_portal.lib.env import env_bool, env_int, env_list
from tests.utils import run_manage

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-of-more-than-fifty-characters-0123456789abcdef",
    "ALLOWED_HOSTS": "otop.sakaeo.example.org",
}


def _manage(*args, env):
    return run_manage(*args, env=env)


def test_check_deploy_passes_with_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_debug_a_secret_key_is_required():
    result = _manage("check", env={**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: SECRET_KEY is not set: set it to a long random string (DEBUG is off)."
    )


def test_debug_is_off_unless_asked_for():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        env={**PRODUCTION, "DEBUG": ""},
    )
    assert result.stdout.strip() == "False", result.stderr


def test_time_zone_and_language(settings):
    assert settings.TIME_ZONE == "Asia/Bangkok"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "th"


@pytest.mark.parametrize(
    "raw, expected", [("1", True), ("true", True), ("off", False), ("0", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not expected) is expected


def test_env_helpers_fail_loudly_on_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)
    monkeypatch.setenv("X_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUMBER"):
        env_int("X_NUMBER", 1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("X_LIST", "a.example.org, b.example.org,")
    assert env_list("X_LIST", []) == ["a.example.org", "b.example.org"]


def test_every_variable_the_settings_read_is_in_env_example():
    import re

    read = set()
    for path in [
        BASE_DIR / "otop_portal" / "settings.py",
        BASE_DIR / "otop_portal" / "lib" / "database.py",
    ]:
        read |= set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', path.read_text()))
        read |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', path.read_text()))
    listed = set(re.findall(r"^#?\s*([A-Z_]+)=", (BASE_DIR / ".env.example").read_text(), re.M))
    assert read - {"LC_ALL", "LANG"} <= listed
