"""A PostgreSQL server of the test's own, so that it can be stopped and restarted without touching
the one every other test (and the test database) runs on.

initdb'd into a fresh directory, listening on a free loopback port (its socket in that directory
too), trust authentication: nothing leaves the machine. PostgreSQL refuses to run as root, so a
test run as root (a CI container) runs the server's programs as the `postgres` user, who then
owns the directory. Its data is fsync-free: it lives for one test.
"""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.integration.conftest import free_port

SERVER_USER = "postgres"


def bin_directory() -> Path:
    """Where initdb and pg_ctl are: `pg_config --bindir` when it names them (Debian's pg_config
    may belong to the client package), else the newest /usr/lib/postgresql/<version>/bin."""
    candidates = []
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        candidates.append(subprocess.run(["pg_config", "--bindir"], check=True, capture_output=True,
                                         text=True).stdout.strip())  # fmt: skip
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(Path(path).parent.name),
                         reverse=True)  # fmt: skip
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    raise RuntimeError("No PostgreSQL server programs (initdb, pg_ctl) found; install the PostgreSQL server.")


class PostgresServer:
    """start(), create_database(), stop_server()/start_server() (a restart, data kept), stop()."""

    def __init__(self, *, port: int | None = None):
        self.port = port or free_port()
        self.bindir = bin_directory()
        self.as_root = os.geteuid() == 0
        # Not under the test's tmp_path: PostgreSQL's user must be able to reach the directory,
        # and pytest's directories are private to the user running the tests.
        self.directory = Path(tempfile.mkdtemp(prefix="portal-postgres-"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self.running = False

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *command, **kwargs):
        """A server program, as the server's user when we are root."""
        argv = [str(self.bindir / command[0]), *map(str, command[1:])]
        if self.as_root:
            argv = ["runuser", "-u", SERVER_USER, "--", *argv]
        return subprocess.run(argv, check=True, capture_output=True, text=True, **kwargs)

    def start(self):
        if self.as_root:
            shutil.chown(self.directory, user=SERVER_USER, group=None)
        self.directory.chmod(0o700)
        self._run("initdb", "-D", self.data, "-U", SERVER_USER, "--auth=trust", "--encoding=UTF8",
                  "--locale=C.UTF-8", "--no-sync", "--no-instructions")  # fmt: skip
        options = {
            "listen_addresses": "127.0.0.1",
            "port": self.port,
            "unix_socket_directories": self.directory,
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": 100,
            "shared_buffers": "32MB",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = '{value}'\n" for name, value in options.items())
        self.start_server()
        return self

    def start_server(self, *, timeout: int = 60):
        try:
            self._run("pg_ctl", "start", "-D", self.data, "-l", self.log, "-w", "-t", timeout)
        except subprocess.CalledProcessError as error:
            raise AssertionError(f"PostgreSQL did not start: {error.stderr}\n{self.log_text()}") from error
        self.running = True

    def stop_server(self, *, mode: str = "fast", timeout: int = 60):
        """pg_ctl stop: "fast" ends the sessions (their connections break) and shuts down cleanly."""
        self._run("pg_ctl", "stop", "-D", self.data, "-m", mode, "-w", "-t", timeout)
        self.running = False

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            return None

    def psql(self, sql: str, database: str = "postgres", **kwargs):
        return self._run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", self.port,
                         "-U", SERVER_USER, "-d", database, "-c", sql, **kwargs)  # fmt: skip

    def create_database(self, name: str, *, copy_of: str | None = None):
        """A database; with `copy_of` (a PostgreSQL URL) a copy of that database's schema and data,
        pg_dump'd (much faster than running every migration)."""
        self.psql(f'CREATE DATABASE "{name}"')
        if copy_of is None:
            return
        dump = subprocess.run([str(self.bindir / "pg_dump"), "--no-owner", "--no-privileges", "--dbname", copy_of],
                              check=True, capture_output=True)  # fmt: skip
        self._run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", self.port,
                  "-U", SERVER_USER, "-d", name, input=dump.stdout.decode())  # fmt: skip

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self):
        """Stops the server (immediately: its data is thrown away) and removes its directory."""
        if self.running or self.postmaster_pid():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run("pg_ctl", "stop", "-D", self.data, "-m", "immediate", "-w", "-t", 30)
            self.running = False
        deadline = time.monotonic() + 10
        while self.postmaster_pid() and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.rmtree(self.directory, ignore_errors=True)
