"""The front end on a phone over a slow mobile connection: page weight, first and largest paint,
static-file caching and the web font, measured in headless Chromium against a running portal.

    python -m bench.frontend --base-url http://127.0.0.1:8000 --paths / /proposals/1/
    python -m bench.frontend --base-url ... --paths / --runs 5 --cpu-slowdown 4

Each page is loaded in a fresh browser context (first visit: empty cache, no cookies) with a phone
viewport. Targets (the performance issue; Decidim's mobile target for the paints):

- weight: at most 300 kB transferred (compressed, headers included) without the web-font slices;
  the fonts' bytes and the total with them are reported beside it;
- paints, under Lighthouse's "Slow 4G" throttling (its devtools values: 562.5 ms per request,
  1.6 Mbit/s × 0.9 down, 750 kbit/s × 0.9 up) and a CPU slowdown: median FCP < 2 s and median
  LCP < 2.5 s over the runs;
- every file under /static/ has a fingerprinted name and Cache-Control with max-age of at least a
  year and `immutable`;
- every @font-face rule of the served CSS says `font-display: swap`, at most two font weights are
  loaded, and each loaded face is a unicode-range slice (a dynamic subset, never the whole font).

The CPU slowdown is calibrated before every load (`--cpu-slowdown auto`, the default): Lighthouse's
fixed 4x assumes a high-end desktop (its BenchmarkIndex 1500 or more) and turns it into a mid-tier
phone (about 375); a shared server, or one busy with other work, is often slower than that already,
and 4x on top would emulate a phone no one has. So the browser's BenchmarkIndex is measured first
(Lighthouse's benchmark, below) and the rate is the one that brings it down to 375: at most 4x, at
least 1x (none). `--cpu-slowdown 4` forces Lighthouse's fixed value.

The table's "HTML ms" is the page's own request (latency, transfer and the server's work), which
every paint waits for; the lines under it list the runs, the fonts and the static files. This
benchmark's machines have no Korean system font, so until Pretendard GOV arrives Hangul is shaped
through a font fallback search that a phone with its Korean system font does not make: the paints
here err on the slow side.

Exit status 1 when a page misses a target, or a static file lacks a fingerprint or caching.
`measure_pages(base_url, paths)` returns the same measurements as dicts (bench/run.py's whole-portal
run calls it against its own server).
"""

import argparse
import base64
import os
import re
import shutil
import statistics
import sys
import urllib.request
from urllib.parse import urlsplit

WEIGHT_BUDGET_BYTES = 300_000
FCP_TARGET_MS = 2000.0
LCP_TARGET_MS = 2500.0
MAX_FONT_WEIGHTS = 2
ONE_YEAR_SECONDS = 365 * 24 * 3600
STATIC_PREFIX = "/static/"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

# Lighthouse's mobile throttling (lighthouse-core/config/constants.js, "mobileSlow4G"), applied
# by DevTools: the latency is added to every request, the throughput is shared by all of them.
SLOW_4G = {
    "offline": False,
    "latency": 150 * 3.75,
    "downloadThroughput": 1.6 * 1024 * 0.9 * 1024 / 8,
    "uploadThroughput": 750 * 0.9 * 1024 / 8,
}
MAX_CPU_SLOWDOWN = 4
REFERENCE_PHONE_INDEX = 375  # Lighthouse's 4x applied to a 1500 desktop: a mid-tier phone

# Django's ManifestStaticFilesStorage puts the first 12 hex digits of the content's MD5 before the
# extension: site.e01323095422.css.
FINGERPRINT = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.IGNORECASE)
DESCRIPTOR = re.compile(r"([a-z-]+)\s*:\s*([^;]+);?", re.IGNORECASE)
WHOLE_UNICODE_RANGE = {"", "u+0-10ffff", "u+0000-10ffff"}

# The paints, read after the page has loaded and the network is idle. LCP entries come from a
# buffered observer; the timeout lets its callback deliver what takeRecords() did not.
READ_PAINTS = """() => new Promise(resolve => {
  let lcp = null;
  const keep = entries => { for (const entry of entries) lcp = entry.startTime; };
  const observer = new PerformanceObserver(list => keep(list.getEntries()));
  observer.observe({type: "largest-contentful-paint", buffered: true});
  keep(observer.takeRecords());
  const fcp = performance.getEntriesByType("paint").find(entry => entry.name === "first-contentful-paint");
  setTimeout(() => { observer.disconnect(); resolve({fcp: fcp ? fcp.startTime : null, lcp}); }, 200);
})"""
# Lighthouse's BenchmarkIndex (computeBenchmarkIndex in GoogleChrome/lighthouse,
# core/lib/page-functions.js, Apache License 2.0): a GC-heavy string build and a GC-free array copy,
# half a second each, in iterations per second / 10.
BENCHMARK_INDEX = """() => {
  function withGarbage() {
    const start = Date.now();
    let iterations = 0;
    while (Date.now() - start < 500) {
      let text = "";
      for (let j = 0; j < 10000; j++) text += "a";
      if (text.length === 1) throw new Error("never: keeps the loop from being optimised away");
      iterations++;
    }
    return Math.round(iterations / 10 / ((Date.now() - start) / 1000));
  }
  function withoutGarbage() {
    const first = [], second = [];
    for (let i = 0; i < 100000; i++) first[i] = second[i] = i;
    const start = Date.now();
    let iterations = 0;
    while (iterations % 10 !== 0 || Date.now() - start < 500) {
      const source = iterations % 2 === 0 ? first : second;
      const target = iterations % 2 === 0 ? second : first;
      for (let j = 0; j < source.length; j++) target[j] = source[j];
      iterations++;
    }
    return Math.round(iterations / 10 / ((Date.now() - start) / 1000));
  }
  return (withGarbage() + withoutGarbage()) / 2;
}"""
# The faces the page actually loaded (a unicode-range slice is loaded only when the page shows one
# of its characters).
READ_LOADED_FONTS = """() => [...document.fonts].filter(face => face.status === "loaded").map(face => ({
  family: face.family.replace(/^["']|["']$/g, ""), weight: face.weight, style: face.style,
  unicodeRange: face.unicodeRange,
}))"""


# --- Pure checks (no browser): what the tests exercise on synthetic measurements ----------------


def max_age(cache_control: str) -> int | None:
    match = re.search(r"max-age\s*=\s*(\d+)", cache_control or "", re.IGNORECASE)
    return int(match.group(1)) if match else None


def static_file_problems(resources, *, static_prefix=STATIC_PREFIX) -> list[str]:
    """What is wrong with the static files among `resources` (dicts with url, status and
    cache_control): a name without a fingerprint, caching shorter than a year or not immutable,
    an error status."""
    problems = []
    for resource in resources:
        path = urlsplit(resource["url"]).path
        if not path.startswith(static_prefix):
            continue
        name = path[len(static_prefix) :]
        if resource.get("status") and resource["status"] >= 400:
            problems.append(f"{name}: HTTP {resource['status']}")
            continue
        if not FINGERPRINT.search(path):
            problems.append(f"{name}: no fingerprint in the name")
        cache_control = resource.get("cache_control") or ""
        age = max_age(cache_control)
        if age is None or age < ONE_YEAR_SECONDS or "immutable" not in cache_control.lower():
            problems.append(f"{name}: Cache-Control {cache_control or '(none)'!r}, wants max-age >= 1 year, immutable")
    return problems


def font_face_rules(css_text: str) -> list[dict]:
    """The @font-face rules of a stylesheet: family, weight, display, unicode-range, src."""
    rules = []
    for body in FONT_FACE.findall(css_text):
        descriptors = {name.lower(): value.strip() for name, value in DESCRIPTOR.findall(body)}
        rules.append({
            "family": descriptors.get("font-family", "").strip("'\""),
            "weight": descriptors.get("font-weight", "normal"),
            "display": descriptors.get("font-display", "auto").lower(),
            "unicode_range": descriptors.get("unicode-range", ""),
            "src": descriptors.get("src", ""),
        })  # fmt: skip
    return rules


def is_font(resource) -> bool:
    return resource.get("type") == "Font" or urlsplit(resource["url"]).path.endswith(
        (".woff2", ".woff", ".ttf", ".otf")
    )


def summarise_weight(resources) -> dict:
    """Transferred bytes split into web fonts and everything else, and the request counts."""
    fonts = [resource for resource in resources if is_font(resource)]
    others = [resource for resource in resources if not is_font(resource)]
    return {
        "requests": len(resources),
        "bytes_without_fonts": sum(resource["bytes"] for resource in others),
        "font_bytes": sum(resource["bytes"] for resource in fonts),
        "total_bytes": sum(resource["bytes"] for resource in resources),
        "font_slices": sorted(urlsplit(resource["url"]).path.rsplit("/", 1)[-1] for resource in fonts),
    }


def font_problems(*, faces, loaded) -> tuple[list[str], dict]:
    """Problems of the page's web fonts, and what was found: `faces` are the @font-face rules of
    its stylesheets, `loaded` the faces the document loaded (family, weight, unicodeRange)."""
    problems = []
    not_swapped = sorted({f"{face['family']} {face['weight']} ({face['display']})" for face in faces
                          if face["display"] != "swap"})  # fmt: skip
    if not_swapped:
        problems.append(f"@font-face without font-display: swap: {', '.join(not_swapped)}")
    weights = sorted({face["weight"] for face in loaded})
    if len(weights) > MAX_FONT_WEIGHTS:
        problems.append(f"{len(weights)} font weights loaded ({', '.join(weights)}), at most {MAX_FONT_WEIGHTS}")
    whole = sorted({f"{face['family']} {face['weight']}" for face in loaded
                    if face.get("unicodeRange", "").replace(" ", "").lower() in WHOLE_UNICODE_RANGE})  # fmt: skip
    if whole:
        problems.append(f"whole fonts loaded, not a unicode-range subset: {', '.join(whole)}")
    found = {
        "font_faces": len(faces),
        "font_families": sorted({face["family"] for face in loaded}),
        "font_weights": weights,
        "font_faces_loaded": len(loaded),
        "dynamic_subset": bool(loaded) and not whole,
    }
    return problems, found


def judge_page(page: dict) -> list[str]:
    """Every target `page` (one measurement) misses, as readable lines; empty when it meets them."""
    problems = []
    if page.get("status") != 200:
        problems.append(f"the page answered HTTP {page.get('status')}")
    if page["bytes_without_fonts"] > WEIGHT_BUDGET_BYTES:
        problems.append(
            f"weight {kb(page['bytes_without_fonts'])} kB without fonts, budget {kb(WEIGHT_BUDGET_BYTES)} kB"
        )
    for name, target in (("fcp", FCP_TARGET_MS), ("lcp", LCP_TARGET_MS)):
        value = page.get(f"{name}_ms")
        if value is None:
            problems.append(f"no {name.upper()} recorded")
        elif value >= target:
            problems.append(f"median {name.upper()} {value:.0f} ms, target < {target:.0f} ms")
    failed = [resource["url"] for resource in page.get("resources", [])
              if resource.get("status", 200) >= 400 or resource.get("failed")]  # fmt: skip
    if failed:
        problems.append(f"failed requests: {', '.join(failed)}")
    problems += page.get("static_problems", [])
    problems += page.get("font_problems", [])
    return problems


def kb(size: int) -> str:
    return f"{size / 1000:.1f}"


def format_table(pages) -> str:
    header = ("page", "requests", "kB no fonts", "kB fonts", "slices", "kB total", "HTML ms", "FCP ms", "LCP ms",
              "verdict")  # fmt: skip
    rows = []
    for page in pages:
        rows.append((
            page["path"], str(page["requests"]), kb(page["bytes_without_fonts"]), kb(page["font_bytes"]),
            str(len(page["font_slices"])), kb(page["total_bytes"]),
            _paint(page, "document"), _paint(page, "fcp"), _paint(page, "lcp"), "ok" if page["ok"] else "FAIL",
        ))  # fmt: skip
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    lines = ["  ".join(cell.ljust(width) if column == 0 else cell.rjust(width)
                       for column, (cell, width) in enumerate(zip(row, widths, strict=True)))
             for row in [header, *rows]]  # fmt: skip
    lines.insert(1, "  ".join("-" * width for width in widths))
    for page in pages:
        conditions = page.get("conditions", {})
        lines.append("")
        lines.append(f"{page['path']}: FCP runs {_runs(page['fcp_runs'])}, LCP runs {_runs(page['lcp_runs'])}; "
                     f"network {conditions.get('network', '?')}, CPU slowdown {_cpu(conditions)}")  # fmt: skip
        lines.append(f"  fonts: {', '.join(page['font_families']) or 'none'} weights {', '.join(page['font_weights']) or '-'}; "
                     f"{len(page['font_slices'])} slices fetched of {page['font_faces']} @font-face rules, "
                     f"dynamic subset: {'yes' if page['dynamic_subset'] else 'no'}")  # fmt: skip
        lines.append(f"  static files: {page['static_files']} under {STATIC_PREFIX}, "
                     f"{len(page['static_problems'])} without fingerprint or far-future caching")  # fmt: skip
        for problem in page["problems"]:
            lines.append(f"  FAIL {problem}")
    return "\n".join(lines)


def _paint(page, name):
    value = page.get(f"{name}_ms")
    return "-" if value is None else f"{value:.0f}"


def _cpu(conditions):
    rates = " ".join(f"{rate:g}x" for rate in conditions.get("cpu_slowdown", []))
    indexes = [index for index in conditions.get("benchmark_index", []) if index is not None]
    if indexes:
        return f"{rates} (calibrated: BenchmarkIndex {' '.join(f'{index:.0f}' for index in indexes)})"
    return rates


def _runs(values):
    return "[" + ", ".join("-" if value is None else f"{value:.0f}" for value in values) + "]"


def median_or_none(values):
    """The median, a run without a value counting as the worst (None when that is the median)."""
    if not values:
        return None
    middle = statistics.median([float("inf") if value is None else value for value in values])
    return None if middle == float("inf") else middle


# --- The browser ------------------------------------------------------------------------------


def find_chromium() -> str:
    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise RuntimeError("bench.frontend needs Chromium: apt-get install -y chromium (or set CHROMIUM_PATH)")
    return chromium


class NetworkLog:
    """The page's requests as DevTools reports them: URL, resource type, status, Cache-Control and
    the bytes received (encodedDataLength: compressed body plus headers)."""

    def __init__(self, cdp):
        self.cdp = cdp
        self.requests = {}
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)

    def _sent(self, event):
        url = event["request"]["url"]
        if url.startswith(("http://", "https://")):
            self.requests[event["requestId"]] = {"url": url, "type": event.get("type", ""), "bytes": 0,
                                                 "status": None, "cache_control": "", "mime": "",
                                                 "priority": event["request"].get("initialPriority", ""),
                                                 "sent_at": event["timestamp"]}  # fmt: skip

    def _response(self, event):
        request = self.requests.get(event["requestId"])
        if request is None:
            return
        response = event["response"]
        headers = {name.lower(): value for name, value in response.get("headers", {}).items()}
        request.update(status=response["status"], cache_control=headers.get("cache-control", ""),
                       mime=response.get("mimeType", ""), type=event.get("type", request["type"]))  # fmt: skip

    def _finished(self, event):
        request = self.requests.get(event["requestId"])
        if request is not None:
            request["bytes"] = int(event["encodedDataLength"])
            request["finished"] = True
            request["finished_at"] = event["timestamp"]

    def _failed(self, event):
        request = self.requests.get(event["requestId"])
        if request is not None:
            request["failed"] = event.get("errorText", "failed")

    def stylesheet_text(self, request_id) -> str:
        try:
            body = self.cdp.send("Network.getResponseBody", {"requestId": request_id})
        except Exception:  # evicted from the browser's buffer (Playwright's Error): ask the server again
            with urllib.request.urlopen(self.requests[request_id]["url"], timeout=30) as response:  # noqa: S310
                return response.read().decode("utf-8", errors="replace")
        if body.get("base64Encoded"):
            return base64.b64decode(body["body"]).decode("utf-8", errors="replace")
        return body["body"]

    def resources(self):
        """The requests in the order they were sent, with their start and end in milliseconds from
        the first one's start (the document's)."""
        requests = [dict(request) for request in self.requests.values()]
        origin = min((request["sent_at"] for request in requests), default=0.0)
        for request in requests:
            request["start_ms"] = round((request.pop("sent_at") - origin) * 1000)
            finished_at = request.pop("finished_at", None)
            request["end_ms"] = None if finished_at is None else round((finished_at - origin) * 1000)
        return requests


def calibrated_slowdown(benchmark_index: float) -> float:
    """The CPU throttling rate that brings a browser scoring `benchmark_index` down to the
    reference phone, between 1 (no slowdown: the machine is that slow already) and 4."""
    return round(min(MAX_CPU_SLOWDOWN, max(1.0, benchmark_index / REFERENCE_PHONE_INDEX)), 2)


def load_once(browser, url, *, network, cpu_slowdown="auto", timeout_ms=90_000) -> dict:
    """One first visit of `url` in a fresh context: the network log, paints, fonts and CSS.
    cpu_slowdown: a throttling rate, or "auto" to calibrate it first (calibrated_slowdown)."""
    context = browser.new_context(**PHONE, locale="ko-KR")
    try:
        page = context.new_page()
        benchmark_index = None
        if cpu_slowdown == "auto":
            benchmark_index = page.evaluate(BENCHMARK_INDEX)
            cpu_slowdown = calibrated_slowdown(benchmark_index)
        cpu_slowdown = float(cpu_slowdown or 1)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        log = NetworkLog(cdp)
        if network:
            cdp.send("Network.emulateNetworkConditions", network)
        if cpu_slowdown != 1:
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
        response = page.goto(url, wait_until="load", timeout=timeout_ms)
        page.wait_for_load_state("networkidle", timeout=timeout_ms)
        paints = page.evaluate(READ_PAINTS)
        loaded_fonts = page.evaluate(READ_LOADED_FONTS)
        if cpu_slowdown != 1:
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        stylesheets = {}
        for request_id, request in log.requests.items():
            if request["type"] == "Stylesheet" and request.get("finished"):
                stylesheets[request["url"]] = log.stylesheet_text(request_id)
        return {
            "status": response.status if response else None,
            "resources": log.resources(),
            "document_ms": next(
                (resource["end_ms"] for resource in log.resources() if resource["type"] == "Document"), None
            ),
            "fcp_ms": paints["fcp"],
            "lcp_ms": paints["lcp"],
            "loaded_fonts": loaded_fonts,
            "stylesheets": stylesheets,
            "benchmark_index": benchmark_index,
            "cpu_slowdown": cpu_slowdown,
        }
    finally:
        context.close()


def measure_page(browser, base_url, path, *, runs=3, network=SLOW_4G, cpu_slowdown="auto") -> dict:
    """One page: weight, fonts and static files from the first run, paints as medians of `runs`."""
    url = base_url.rstrip("/") + path
    visits = [load_once(browser, url, network=network, cpu_slowdown=cpu_slowdown) for _ in range(max(1, runs))]
    first = visits[0]
    resources = first["resources"]
    faces = [face for text in first["stylesheets"].values() for face in font_face_rules(text)]
    fonts_wrong, fonts_found = font_problems(faces=faces, loaded=first["loaded_fonts"])
    static = [resource for resource in resources if urlsplit(resource["url"]).path.startswith(STATIC_PREFIX)]
    page = {
        "path": path,
        "url": url,
        "status": first["status"],
        **summarise_weight(resources),
        **fonts_found,
        # The HTML's own time (latency, transfer and the server's work): what the paints wait for
        # before any static file.
        "document_ms": median_or_none([visit["document_ms"] for visit in visits]),
        "fcp_runs": [visit["fcp_ms"] for visit in visits],
        "lcp_runs": [visit["lcp_ms"] for visit in visits],
        "fcp_ms": median_or_none([visit["fcp_ms"] for visit in visits]),
        "lcp_ms": median_or_none([visit["lcp_ms"] for visit in visits]),
        "static_files": len(static),
        "static_problems": static_file_problems(resources),
        "font_problems": fonts_wrong,
        "resources": resources,
        "conditions": {
            "network": "Slow 4G (562.5 ms, 1.44 Mbit/s down)" if network == SLOW_4G else ("custom" if network else "none"),
            "cpu_slowdown": [visit["cpu_slowdown"] for visit in visits],
            "benchmark_index": [visit["benchmark_index"] for visit in visits],
            "viewport": PHONE["viewport"],
            "runs": len(visits),
        },
    }  # fmt: skip
    page["problems"] = judge_page(page)
    page["ok"] = not page["problems"]
    return page


def measure_pages(base_url, paths, *, runs=3, throttle=True, cpu_slowdown="auto") -> list[dict]:
    """Measure each of `paths` on the portal at `base_url` (loopback only): a list of dicts, one
    per page, with `ok` and the `problems` found."""
    host = urlsplit(base_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"bench.frontend measures a portal on this machine only, not {host}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
        try:
            return [measure_page(browser, base_url, path, runs=runs, network=SLOW_4G if throttle else None,
                                 cpu_slowdown=cpu_slowdown if throttle else 1) for path in paths]  # fmt: skip
        finally:
            browser.close()


def cpu_slowdown_argument(value: str):
    return value if value == "auto" else float(value)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="the running portal, e.g. http://127.0.0.1:8000")
    parser.add_argument("--paths", nargs="+", default=["/"], help="pages to measure, e.g. / /proposals/1/")
    parser.add_argument("--runs", type=int, default=3, help="throttled loads per page (the paints' median)")
    parser.add_argument("--cpu-slowdown", type=cpu_slowdown_argument, default="auto",
                        help="DevTools CPU throttling rate, or auto (calibrated to a mid-tier phone; the default)")  # fmt: skip
    parser.add_argument("--no-throttle", action="store_true", help="no network or CPU throttling")
    args = parser.parse_args(argv)
    try:
        pages = measure_pages(args.base_url, args.paths, runs=args.runs, throttle=not args.no_throttle,
                              cpu_slowdown=args.cpu_slowdown)  # fmt: skip
    except (RuntimeError, ValueError) as error:
        parser.error(str(error))
    print(format_table(pages))
    return 0 if all(page["ok"] for page in pages) else 1


if __name__ == "__main__":
    sys.exit(main())
