"""pabutools' side of the benchmark: its own virtualenv, and the worker run there as a subprocess.

The virtualenv is created from this interpreter (`python -m venv`) and gets
requirements-pabutools.txt; a marker file holds the requirements it was installed from, so that a
changed pin reinstalls. The worker runs with `python -I` (isolated: neither the worker's folder nor
PYTHONPATH on sys.path), so it cannot import the portal even by accident.
"""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements-pabutools.txt"
WORKER = HERE / "pabutools_worker.py"
MARKER = ".bench-tally-requirements"


class PabutoolsError(RuntimeError):
    pass


def venv_python(venv: Path) -> Path:
    return Path(venv) / "bin" / "python"


def ensure_venv(venv: Path, *, install: bool = True, requirements: Path = REQUIREMENTS) -> Path:
    """The pabutools virtualenv's python, creating the virtualenv and installing into it if needed."""
    venv = Path(venv)
    python = venv_python(venv)
    wanted = requirements.read_text(encoding="utf-8")
    marker = venv / MARKER
    if python.exists() and marker.exists() and marker.read_text(encoding="utf-8") == wanted:
        return python
    if not install:
        raise PabutoolsError(f"no pabutools virtualenv at {venv} (run without --no-install to create it)")
    try:
        if not python.exists():
            print(f"Creating the pabutools virtualenv at {venv} ...", flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        print(f"Installing {requirements.name} into {venv} ...", flush=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(requirements)],
            check=True,
        )
    except subprocess.CalledProcessError as error:
        raise PabutoolsError(f"could not set up the pabutools virtualenv at {venv}: {error}") from error
    marker.write_text(wanted, encoding="utf-8")
    return python


def worker_command(python: Path, path: Path, rules: str, *, repeat: int = 1, tie_breaking: str = "ours") -> list[str]:
    return [
        str(python),
        "-I",
        str(WORKER),
        str(path),
        "--rules",
        rules,
        "--repeat",
        str(repeat),
        "--tie-breaking",
        tie_breaking,
    ]


def run_worker(python: Path, path: Path, rules: str, *, repeat: int = 1, tie_breaking: str = "ours") -> dict:
    completed = subprocess.run(
        worker_command(python, path, rules, repeat=repeat, tie_breaking=tie_breaking),
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise PabutoolsError(f"pabutools worker failed on {path.name}:\n{completed.stderr.strip()}")
    return json.loads(completed.stdout)


@dataclass(frozen=True)
class Attempt:
    """pabutools' MES with add1 completion, stopped at a timeout or a memory cap."""

    finished: bool
    seconds: float
    peak_bytes: int | None  # the largest resident size seen (VmHWM), when /proc tells it
    winners: tuple[str, ...] = ()
    error: str = ""


def attempt_add1(
    python: Path, path: Path, *, timeout: float, memory_cap_bytes: int, tie_breaking: str = "ours"
) -> Attempt:
    """Run pabutools' add1 until it finishes, `timeout` seconds pass, or it hits `memory_cap_bytes`
    of address space (set with RLIMIT_AS, so that it cannot take the machine's memory)."""

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (memory_cap_bytes, memory_cap_bytes))

    started = time.perf_counter()
    process = subprocess.Popen(
        worker_command(python, path, "mes-add1", tie_breaking=tie_breaking),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=limit_memory,  # the parent has no threads: preexec_fn is safe
    )
    peak = None
    try:
        while process.poll() is None:
            seen = _peak_rss(process.pid)
            if seen is not None:
                peak = max(peak or 0, seen)
            if time.perf_counter() - started > timeout:
                process.send_signal(signal.SIGKILL)
                process.wait()
                return Attempt(False, time.perf_counter() - started, peak, error=f"killed after {timeout:.0f} s")
            time.sleep(0.5)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    seconds = time.perf_counter() - started
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        if "MemoryError" in stderr:
            reason = f"out of memory (the {memory_cap_bytes / 1024**3:g} GB cap)"
        else:
            reason = f"exit status {process.returncode}"
        return Attempt(False, seconds, peak, error=reason)
    result = json.loads(stdout)["rules"]["mes-add1"]
    return Attempt(True, seconds, peak, tuple(result["winners"]))


def _peak_rss(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


def environment_summary(python: Path) -> str:
    completed = subprocess.run(
        [
            str(python),
            "-I",
            "-c",
            "import sys, importlib.metadata as m; print(sys.version.split()[0], m.version('pabutools'))",
        ],
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        return "unknown"
    version, pabutools = completed.stdout.split()
    return f"pabutools {pabutools} on Python {version}"
