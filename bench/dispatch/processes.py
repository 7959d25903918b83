"""Memory and CPU time of groups of processes, read from /proc (Linux; psutil is not a dependency).

A group is a process tree (a Celery worker and its prefork pool, the fake provider) or a set of
pids found otherwise (the PostgreSQL backends serving the benchmark's database).

Each process's own peak (VmHWM) is kept by the kernel; a group's total is only known at the
moments it is sampled: its summed RSS (which counts the pages a prefork child shares with its
parent once per process) and its summed PSS (which splits shared pages between their sharers:
what the group really occupies). CPU time (user + system) is cumulative per process: the last
value read of each process counts, so a process that lives between two samples is missed.
"""

import os
import threading
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def children_by_parent() -> dict[int, list[int]]:
    tree = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # The command name is in parentheses and may hold spaces: the parent's pid follows ") S ".
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def descendants(root: int, tree: dict[int, list[int]]) -> list[int]:
    found, waiting = [], [root]
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting.extend(tree.get(pid, ()))
    return found


def status_kb(pid: int, *names: str) -> dict[str, int]:
    """Fields of /proc/<pid>/status in kB ({} when the process is gone)."""
    wanted, values = set(names), {}
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in wanted:
                values[name] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        return {}
    return values


def cpu_seconds(pid: int) -> tuple[int, float] | None:
    """(start time, user + system CPU seconds so far) of the process; None when it is gone.
    The start time tells a process from a later one that got its pid again."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    # fields[0] is the state (field 3 of proc(5)); utime, stime and starttime are fields 14, 15, 22.
    return int(fields[19]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def pss_kb(pid: int) -> int | None:
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


class ProcessGroup:
    """One group's figures: per process its peak RSS (kB) and CPU time, and the peaks of the sums."""

    def __init__(self, name: str, *, root: int | None = None):
        self.name = name
        self.root = root  # a tree's root, or None for a set of pids given at each sample
        self.pids: dict[int, int | None] = {}  # pid → its start time (None: not read yet)
        # Keyed by (pid, start time): a pid used again by another process is another process.
        self.process_peak_kb: dict[tuple, int] = {}
        self.process_cpu: dict[tuple, float] = {}
        self.peak_rss_sum_kb = 0
        self.peak_pss_sum_kb = 0

    def members(self, tree) -> list[int]:
        return descendants(self.root, tree) if self.root is not None else sorted(self.pids)

    def sample(self, tree, *, memory=True):
        rss_sum, pss_sum = 0, 0
        for pid in self.members(tree):
            read = cpu_seconds(pid)
            if read is None:
                continue
            started, used = read
            if self.root is None:
                if self.pids.get(pid) is None:
                    self.pids[pid] = started
                elif self.pids[pid] != started:
                    continue  # the pid now belongs to some other process
            key = (pid, started)
            self.process_cpu[key] = max(self.process_cpu.get(key, 0.0), used)
            if not memory:
                continue
            values = status_kb(pid, "VmHWM", "VmRSS")
            self.process_peak_kb[key] = max(self.process_peak_kb.get(key, 0), values.get("VmHWM", 0))
            rss_sum += values.get("VmRSS", 0)
            pss_sum += pss_kb(pid) or 0
        self.peak_rss_sum_kb = max(self.peak_rss_sum_kb, rss_sum)
        self.peak_pss_sum_kb = max(self.peak_pss_sum_kb, pss_sum)

    def summary(self) -> dict:
        peaks = self.process_peak_kb
        root_peak = max((peak for (pid, _), peak in peaks.items() if pid == self.root), default=0)
        root_cpu = max((used for (pid, _), used in self.process_cpu.items() if pid == self.root), default=0.0)
        return {
            "name": self.name,
            "processes": len(self.process_cpu),
            "process_peak_rss_mb": round(max(peaks.values(), default=0) / 1024, 1),
            "main_peak_rss_mb": round(root_peak / 1024, 1),
            "tree_peak_rss_mb": round(self.peak_rss_sum_kb / 1024, 1),
            "tree_peak_pss_mb": round(self.peak_pss_sum_kb / 1024, 1),
            "cpu_seconds": round(sum(self.process_cpu.values()), 2),
            "main_cpu_seconds": round(root_cpu, 2),
        }


class ProcessSampler:
    """Samples its groups every `interval` seconds, in a thread. Groups named in `cpu_only`
    (the PostgreSQL backends: shared memory, not ours to judge) get their CPU time read only."""

    def __init__(self, *, interval=0.5, cpu_only=()):
        self.groups: dict[str, ProcessGroup] = {}
        self.interval = interval
        self.cpu_only = set(cpu_only)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="process-sampler", daemon=True)

    def tree(self, name: str, root: int):
        with self._lock:
            self.groups[name] = ProcessGroup(name, root=root)

    def add_pids(self, name: str, pids):
        with self._lock:
            group = self.groups.setdefault(name, ProcessGroup(name))
            for pid in pids:
                if pid not in group.pids:
                    read = cpu_seconds(pid)  # its start time, while the pid is surely still its own
                    group.pids[pid] = read[0] if read else -1  # gone already: never counted

    def sample(self):
        with self._lock:
            groups = list(self.groups.values())
        tree = children_by_parent()
        for group in groups:
            group.sample(tree, memory=group.name not in self.cpu_only)

    def _run(self):
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> dict[str, dict]:
        """Stops sampling after a last look (call it while the processes still run)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self.sample()
        return {name: group.summary() for name, group in self.groups.items()}
