"""Small helpers shared by tests."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# What the test run itself sets (tests/settings.py, pytest-django); a child
# `manage.py` must start from the environment a user would have.
_TEST_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "EMAIL_BACKEND",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_manage(*args: str, env: dict[str, str], keep_database_url: bool = True):
    """Run `python manage.py ARGS` in a child process as a user would."""
    environment = {k: v for k, v in os.environ.items() if k not in _TEST_VARIABLES}
    if not keep_database_url:
        environment.pop("DATABASE_URL", None)
    environment.update(env)
    return subprocess.run(  # noqa: S603 - our own manage.py with our arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
