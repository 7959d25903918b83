"""`make scan`: the site attacked by wapiti (a black-box web vulnerability scanner) on loopback.

The site runs as production would (DEBUG off, every secret set, gunicorn, WhiteNoise serving the
collected static files), except that it speaks plain HTTP on 127.0.0.1 and keeps its demo data in
a SQLite file of its own under var/scan/, so the scan never touches a real database. wapiti crawls
and attacks it twice: as a guest and with a signed-in citizen's session cookie (the sign-out and
account-deletion pages are left out, so that the session survives the crawl). The reports land in
var/scan/; the exit status is 1 on a finding of high or critical level, or on any server error
(an anomaly "Internal Server Error"), else 0.
"""

import argparse
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from check_deploy import production_environment  # scripts/, beside this file

ROOT = Path(__file__).resolve().parents[1]
WORKDIR = ROOT / "var" / "scan"
# wapiti's levels (wapitiCore/language/vulnerability.py): 1 low, 2 medium, 3 high, 4 critical.
LEVEL_NAMES = {0: "info", 1: "low", 2: "medium", 3: "high", 4: "critical"}
HIGH = 3
SERVER_ERROR = "Internal Server Error"
# wapiti's default modules less the two that cannot apply or would reach outside the loopback
# (ssl: the scan speaks plain HTTP; ssrf: it needs wapiti's endpoint on the internet), plus the
# checks for forms without a CSRF token, header injection and unexpected HTTP methods.
MODULES = "cookieflags,csp,exec,file,http_headers,permanentxss,redirect,sql,upload,xss,csrf,crlf,methods"
# A session the crawler must keep, and an action it must not take for the citizen.
EXCLUDED_PATHS = ("/signout/", "/en/signout/", "/me/delete/", "/en/me/delete/", "/admin/logout/")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_environment(port: int) -> dict:
    """Production's settings (scripts/check_deploy.py), on loopback: plain HTTP, the scan's database."""
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
        DATABASE_URL=f"sqlite:///{WORKDIR / 'scan.sqlite3'}",
        MEDIA_ROOT=str(WORKDIR / "media"),
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


def prepare_site(environment: dict) -> None:
    print("Preparing the scan's site (migrate, demo data, static files) in var/scan/ ...", flush=True)
    manage(environment, "migrate", "--no-input")
    # The demo accounts on a site with DEBUG off: this database is the scan's own, on loopback.
    manage(environment, "seed_demo", "--force")
    manage(environment, "collectstatic", "--no-input")


def citizen_session(environment: dict) -> str:
    """A session key of a demo citizen, made the way the test client's force_login does."""
    code = (
        "from importlib import import_module\n"
        "from django.conf import settings\n"
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from citizens.models import Citizen\n"
        "citizen = Citizen.objects.filter(is_staff=False, is_active=True).order_by('pk').first()\n"
        "store = import_module(settings.SESSION_ENGINE).SessionStore()\n"
        "store[SESSION_KEY] = citizen._meta.pk.value_to_string(citizen)\n"
        "store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]\n"
        "store[HASH_SESSION_KEY] = citizen.get_session_auth_hash()\n"
        "store.save()\n"
        "print(store.session_key)\n"
    )
    return manage(environment, "shell", "-c", code).strip().splitlines()[-1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}) before it answered: see var/scan/site.log")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 -- our own loopback URL
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The site did not answer at {url} within {timeout:.0f} s")


def run_wapiti(wapiti: str, base: str, name: str, *, cookie: str | None, max_scan_time: int) -> dict:
    report = WORKDIR / f"report-{name}.json"
    command = [
        wapiti, "--url", base, "--scope", "folder", "--flush-session", "--format", "json", "--output", str(report),
        # The scan's time bounds the crawl; each attack module gets a share of it on top.
        "--max-scan-time", str(max_scan_time), "--max-attack-time", str(max(30, max_scan_time // 8)),
        "--max-links-per-page", "40", "--max-files-per-dir", "30",
        "--tasks", "8", "--verbose", "0", "--module", MODULES,
    ]  # fmt: skip
    for path in EXCLUDED_PATHS:
        command += ["--exclude", f"{base.rstrip('/')}{path}"]
    if cookie:
        command += ["--cookie-value", cookie]
    print(f"wapiti ({name}) against {base}, at most {max_scan_time} s ...", flush=True)
    subprocess.run(command, check=False)
    return json.loads(report.read_text(encoding="utf-8"))


def findings(report: dict) -> tuple[list, list]:
    """(every vulnerability with its level, every server-error anomaly) of one report."""
    vulnerabilities = [
        (category, item) for category, items in report.get("vulnerabilities", {}).items() for item in items
    ]
    server_errors = list(report.get("anomalies", {}).get(SERVER_ERROR, []))
    return vulnerabilities, server_errors


def summarise(name: str, report: dict) -> bool:
    vulnerabilities, server_errors = findings(report)
    counts = {}
    for _category, item in vulnerabilities:
        counts[item.get("level", 0)] = counts.get(item.get("level", 0), 0) + 1
    levels = ", ".join(f"{LEVEL_NAMES.get(level, level)} {count}" for level, count in sorted(counts.items()))
    crawled = report.get("infos", {}).get("crawled_pages_nbr", 0)
    print(f"{name}: {crawled} pages crawled; findings: {levels or 'none'}; server errors: {len(server_errors)}")
    serious = [(category, item) for category, item in vulnerabilities if item.get("level", 0) >= HIGH]
    for category, item in serious:
        print(f"  HIGH {category}: {item.get('method')} {item.get('path')} {item.get('info')}")
    for item in server_errors:
        print(f"  500 {item.get('method')} {item.get('path')} {item.get('info')}")
    return not serious and not server_errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wapiti", required=True, help="the wapiti executable (in its own virtualenv)")
    parser.add_argument("--max-scan-time", type=int, default=420, help="seconds per scan (two scans)")
    parser.add_argument("--keep", action="store_true", help="keep var/scan/'s database from an earlier run")
    arguments = parser.parse_args()

    if not arguments.keep and WORKDIR.exists():
        shutil.rmtree(WORKDIR)
    WORKDIR.mkdir(parents=True, exist_ok=True)
    port = free_port()
    environment = site_environment(port)
    prepare_site(environment)
    cookie = f"sessionid={citizen_session(environment)}"
    base = f"http://127.0.0.1:{port}/"
    with (WORKDIR / "site.log").open("wb") as log:
        site = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "seoul_portal.wsgi:application", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_for(f"{base}healthz", site)
        clean = True
        for name, session in (("guest", None), ("citizen", cookie)):
            report = run_wapiti(arguments.wapiti, base, name, cookie=session, max_scan_time=arguments.max_scan_time)
            clean = summarise(name, report) and clean
    finally:
        site.terminate()
        try:
            site.wait(timeout=30)
        except subprocess.TimeoutExpired:
            site.kill()
    print("No high or critical finding, no server error." if clean else "The scan found the problems above.")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
