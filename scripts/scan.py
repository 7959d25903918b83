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
import subprocess
import sys

from local_site import ROOT, free_port, prepare_site, running_site, session_for, site_environment  # scripts/

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
    environment = site_environment(free_port(), WORKDIR)
    prepare_site(environment, WORKDIR)
    cookie = f"sessionid={session_for(environment)}"
    with running_site(environment, WORKDIR) as base:
        clean = True
        for name, session in (("guest", None), ("citizen", cookie)):
            report = run_wapiti(arguments.wapiti, base, name, cookie=session, max_scan_time=arguments.max_scan_time)
            clean = summarise(name, report) and clean
    print("No high or critical finding, no server error." if clean else "The scan found the problems above.")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
