"""The portal served by gunicorn in a subprocess (one sync worker, DEBUG off) on a free
port, on a database of a throwaway cluster, and a small cookie-keeping HTTP client."""

import os
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import psutil

from tests.faults.cluster import ThrowawayCluster, free_port

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
DATABASE = "otop"
USERNAME, PASSWORD = "faults-staff", "a-long-test-password-42"

SETUP = textwrap.dedent(f"""
    import django
    django.setup()
    from django.core.management import call_command
    from members.models import User
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_geography", verbosity=0)
    User.objects.create_user(
        {USERNAME!r}, password={PASSWORD!r}, role="provincial_staff"
    )
""")


def environment(cluster: ThrowawayCluster) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",  # static files without collectstatic
        "DATABASE_URL": cluster.url(DATABASE),
        "DEBUG": "0",
        "SECRET_KEY": "faults-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "INFO",
    }


def prepare_database(cluster: ThrowawayCluster) -> None:
    """Migrate the throwaway database, load the geography and add a staff account."""
    cluster.create_database(DATABASE)
    subprocess.run(  # noqa: S603 - our own interpreter and script
        [PYTHON, "-c", SETUP],
        env=environment(cluster),
        cwd=BASE_DIR,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=900,  # a migration from scratch: under a minute on an idle machine
    )


class Portal:
    def __init__(self, cluster: ThrowawayCluster):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = cluster.root / "portal.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our interpreter, gunicorn
                [
                    *(PYTHON, "-m", "gunicorn", "otop_portal.wsgi:application"),
                    *("--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "60"),
                ],
                env=environment(cluster),
                cwd=BASE_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log.read_text()}")
            try:
                if Client(self.url).get("/health/").status == 200:
                    return
            except URLError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer:\n{self.log.read_text()}")

    def worker_pids(self) -> list[int]:
        return sorted(child.pid for child in psutil.Process(self.process.pid).children())

    def log_text(self) -> str:
        return self.log.read_text()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


@dataclass
class Response:
    status: int
    headers: dict
    text: str


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """Enough of a browser for these tests: cookies, CSRF tokens, no redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, method: str, path: str, data: dict | None = None, headers=None) -> Response:
        body = urlencode(data).encode() if data is not None else None
        request = Request(  # noqa: S310 - http://127.0.0.1 only
            self.base + path, data=body, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=60) as answer:
                return Response(answer.status, dict(answer.headers), answer.read().decode())
        except HTTPError as error:
            return Response(error.code, dict(error.headers), error.read().decode())

    def get(self, path: str, headers=None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict) -> Response:
        token = next(c.value for c in self.cookies if c.name == "csrftoken")
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": token})

    def log_in(self, username: str = USERNAME, password: str = PASSWORD) -> None:
        self.get("/accounts/login/")
        answer = self.post("/accounts/login/", {"username": username, "password": password})
        assert answer.status == 302, answer.text
