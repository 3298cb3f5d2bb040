"""The benchmark run's environment: the portal's settings plus the yardstick URL."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from otop_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Its own database, so a benchmark never drops a test run's database or the reverse.
# BENCH_DB names another (a second kept data set, say a tiny one to count queries on).
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("BENCH_DB", "bench_otop")}  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": True}
