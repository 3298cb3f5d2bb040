"""The portal's settings for the load test's gunicorn: the real settings (DEBUG off),
with the static files collected into a folder of the run's own (LOAD_STATIC_ROOT), so
a load test never touches the project's staticfiles/. The URLs are the portal's plus the
benchmarks' yardstick, the trivial logged-in page (bench/urls.py), which the load test's
second half (--yardstick) puts the same load on."""

import os
from pathlib import Path

from otop_portal.settings import *  # noqa: F403

if os.environ.get("LOAD_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["LOAD_STATIC_ROOT"])

ROOT_URLCONF = "bench.urls"
