"""The test run's environment, fed to the one settings module (otop_portal/settings.py).

It supplies the variables a test run needs (a key, plain-HTTP cookies for the test
client and the browser, mail kept in memory) and swaps in two things that only make
tests faster: a fast password hasher and static files served without collectstatic.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from otop_portal.settings import *  # noqa: F403

# A fast hasher: tests create many accounts.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests serve static files through the finders; nothing is collected.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# One test database per run, so two runs at once (two terminals, CI and a developer)
# never drop each other's database.
DATABASES["default"]["TEST"] = {"NAME": f"test_otop_{os.getpid()}"}  # noqa: F405
