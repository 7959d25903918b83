"""The site as production runs it, on loopback, with the demo data in a folder of its own: what
`make scan` attacks and `make screenshots` photographs.

DEBUG off, every secret set (scripts/check_deploy.py's production environment), gunicorn, WhiteNoise
serving the collected static files — except that it speaks plain HTTP on 127.0.0.1 and keeps its
data in a SQLite file under the given folder, so it never touches a real database.
"""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from check_deploy import production_environment  # scripts/, beside this file

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_environment(port: int, workdir: Path) -> dict:
    """Production's settings on loopback: plain HTTP, the folder's own database and media."""
    environment = {
        name: value
        for name, value in production_environment().items()
        if name not in {"REDIS_URL", "CELERY_BROKER_URL", "DATABASE_REPLICA_URL"}
    }
    environment.update(
        ALLOWED_HOSTS="127.0.0.1",
        # Loopback speaks HTTP: no redirect to HTTPS and cookies that travel over it.
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=f"sqlite:///{workdir / 'site.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        PORT=str(port),
        WEB_CONCURRENCY="3",
    )
    return environment


def manage(environment: dict, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare_site(environment: dict, workdir: Path) -> None:
    print(f"Preparing the site (migrate, demo data, static files) in {workdir.relative_to(ROOT)}/ ...", flush=True)
    manage(environment, "migrate", "--no-input")
    # The demo accounts on a site with DEBUG off: this database is the folder's own, on loopback.
    manage(environment, "seed_demo", "--force")
    manage(environment, "collectstatic", "--no-input")


def session_for(environment: dict, phone: str | None = None) -> str:
    """A session key of the demo citizen with this mobile number (else the first citizen), made the
    way the test client's force_login does."""
    find = (
        f"Citizen.objects.get(phone_index=phone_blind_index(normalize_mobile({phone!r})))"
        if phone
        else "Citizen.objects.filter(is_staff=False, is_active=True).order_by('pk').first()"
    )
    code = (
        "from importlib import import_module\n"
        "from django.conf import settings\n"
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from citizens.models import Citizen, phone_blind_index\n"
        "from citizens.phones import normalize_mobile\n"
        f"citizen = {find}\n"
        "store = import_module(settings.SESSION_ENGINE).SessionStore()\n"
        "store[SESSION_KEY] = citizen._meta.pk.value_to_string(citizen)\n"
        "store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]\n"
        "store[HASH_SESSION_KEY] = citizen.get_session_auth_hash()\n"
        "store.save()\n"
        "print(store.session_key)\n"
    )
    return manage(environment, "shell", "-c", code).strip().splitlines()[-1]


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}) before it answered: see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 -- our own loopback URL
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The site did not answer at {url} within {timeout:.0f} s")


@contextmanager
def running_site(environment: dict, workdir: Path):
    """gunicorn serving the site on the environment's port; yields its base URL."""
    port = environment["PORT"]
    base = f"http://127.0.0.1:{port}/"
    log_path = workdir / "site.log"
    with log_path.open("wb") as log:
        site = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "seoul_portal.wsgi:application", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_for(f"{base}healthz", site, log_path)
        yield base
    finally:
        site.terminate()
        try:
            site.wait(timeout=30)
        except subprocess.TimeoutExpired:
            site.kill()
