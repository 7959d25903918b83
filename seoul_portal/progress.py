"""Progress of a long command: a bar on a terminal, a line now and then in a log, a summary at the end.

    with Progress(self.stdout, "citizens", total=count, summary="seeded {done} {label} in {time} ({rate}/s)") as bar:
        for citizen in citizens:
            ...
            bar.advance()

On a terminal (`stream.isatty()`) one line is redrawn in place with `\\r`, at most REDRAWS_PER_SECOND
times a second: `citizens [#######-------------] 350,000/1,000,000  35.0%  24,312/s  0:14 ETA 0:26`.
Anywhere else (a pipe, a log file, CI) a plain line is written every `every` seconds (EVERY by
default) and nothing in between, so a log holds a few lines per minute whatever the speed. At the
end `finish()` writes the summary, a line with the counts and the time: "seeded 1,000,000
citizens in 41.2 s (24,300/s)". Leaving the `with` block finishes it; an error leaves it without a
summary (the terminal's line is ended, so that the traceback starts on a line of its own).

`advance()` and `update()` are called once per row in loops of millions: they add and compare
the clock with the next moment a line is due, nothing else. The clock can be injected
(tests drive it by hand). A Django command's `self.stdout` or `self.stderr` (an OutputWrapper)
is written to through the stream it wraps: no ending added, no error style on stderr.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable

# Seconds between two lines where the output is not a terminal (a log, a pipe).
EVERY = 10.0
REDRAWS_PER_SECOND = 10
BAR_WIDTH = 20
DEFAULT_SUMMARY = "{label}: {done} {what} in {time} ({rate}/s)"


def duration(seconds: float) -> str:
    """41.2 s; 12 min 03 s; 2 h 05 min."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def clock_time(seconds: float) -> str:
    """A terminal's elapsed time and ETA: 0:14, 12:03, 2:05:09."""
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _number(value) -> str:
    """Thousands separators; a float (a rate) whole, or with one decimal below 10."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float):
        return f"{value:,.1f}" if value < 10 else f"{value:,.0f}"
    return f"{value:,}"


class _Fields(dict):
    """A summary's values: a placeholder without one stays as it is written, never a KeyError."""

    def __missing__(self, key):
        return "{" + key + "}"


def _raw(stream):
    """The file a Django OutputWrapper writes to (its write() adds endings and styles)."""
    from django.core.management.base import OutputWrapper

    return stream._out if isinstance(stream, OutputWrapper) else stream


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed file
        return False


class Progress:
    """A reporter of `done` out of `total` (None: unknown) things, named by `label`.

    `what` names the things in lines and the summary ("rows", "months"); `detail`, a string or a
    callable giving one, is added to each line (evaluated only when a line is drawn, e.g. the peak
    memory). `summary` is the end line's template: {label} {done} {total} {what} {time} {rate},
    numbers with thousands separators, plus any value given to `finish()`.
    """

    def __init__(
        self,
        stream,
        label: str,
        total: int | None = None,
        *,
        what: str = "",
        every: float | None = None,
        summary: str = DEFAULT_SUMMARY,
        detail: str | Callable[[], str] = "",
        clock: Callable[[], float] = time.monotonic,
        tty: bool | None = None,
    ):
        self.stream = _raw(stream)
        self.label, self.total, self.what = label, total, what
        self.summary, self.detail = summary, detail
        self.tty = _is_terminal(self.stream) if tty is None else tty
        self.interval = 1 / REDRAWS_PER_SECOND if self.tty else (EVERY if every is None else every)
        self.clock = clock
        self.done = 0
        self.finished = False
        self.started = clock()
        self._due = self.started + self.interval
        self._drawn = 0  # the length of the terminal line drawn last (0: none yet)
        if self.tty:
            self._width = max(shutil.get_terminal_size().columns - 1, 20)
            self._draw(self.started)

    # --- Counting: the hot path ------------------------------------------------------------

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.clock() >= self._due:
            self._report()

    def update(self, done: int, total: int | None = None) -> None:
        """Set how many are done (and, when given, of how many): a callback `(done, total)`."""
        self.done = done
        if total is not None:
            self.total = total
        if self.clock() >= self._due:
            self._report()

    def note(self, text: str) -> None:
        """Show `text` with the lines: the step in hand, or a callback's message about it. A
        terminal's bar shows it at once, and the count given next at once too (a step's message
        and its count come together); a log's next line carries it. Once a step, not once a row."""
        self.detail = text
        if self.tty and not self.finished:
            now = self.clock()
            self._draw(now)
            self._due = now

    # --- Lines -----------------------------------------------------------------------------

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started

    def _report(self) -> None:
        if self.finished:
            return
        now = self.clock()
        self._due = now + self.interval
        if self.tty:
            self._draw(now)
        else:
            self._write("  " + self._log_line(now) + "\n")

    def _figures(self, now):
        elapsed = max(now - self.started, 0.0)
        rate = self.done / elapsed if elapsed > 0 else 0.0
        share = min(self.done / self.total, 1.0) if self.total else None
        left = (self.total - self.done) / rate if self.total and rate and self.done < self.total else None
        return elapsed, rate, share, left

    def _detail(self) -> str:
        return self.detail() if callable(self.detail) else self.detail

    def _log_line(self, now) -> str:
        elapsed, rate, share, left = self._figures(now)
        what = f" {self.what}" if self.what else ""
        if self.total is not None:
            counted = f"{self.done:,} of {self.total:,}{what}" + (f" ({share:.0%})" if share is not None else "")
        else:
            counted = f"{self.done:,}{what}"
        parts = [f"{self.label}: {counted}", f"{_number(rate)}/s", f"{duration(elapsed)} elapsed"]
        if left is not None:
            parts.append(f"ETA {duration(left)}")
        detail = self._detail()
        return ", ".join(parts) + (f"; {detail}" if detail else "")

    def _bar_line(self, now) -> str:
        elapsed, rate, share, left = self._figures(now)
        if share is not None:
            filled = int(share * BAR_WIDTH)
            counted = f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {self.done:,}/{self.total:,} {share:6.1%}"
        else:
            counted = f"{self.done:,}" + (f" {self.what}" if self.what else "")
        line = f"{self.label} {counted}  {_number(rate)}/s  {clock_time(elapsed)}"
        if left is not None:
            line += f" ETA {clock_time(left)}"
        detail = self._detail()
        if detail:
            line += f"  {detail}"
        return line[: self._width]

    def _draw(self, now) -> None:
        line = self._bar_line(now)
        # Blanks over what is left of a longer previous line.
        self._write("\r" + line + " " * (self._drawn - len(line)))
        self._drawn = max(len(line), 1)

    def _write(self, text: str) -> None:
        self.stream.write(text)
        flush = getattr(self.stream, "flush", None)
        if flush is not None:
            flush()

    # --- The end ---------------------------------------------------------------------------

    def finish(self, summary: str | None = None, **values) -> str:
        """Write the summary line (`summary`, else the reporter's template, formatted with the
        counts, the time and `values`) and return it; a second call writes nothing."""
        if self.finished:
            return ""
        now = self.clock()
        if self.tty:
            self._draw(now)  # the bar as it ends, kept above the summary
            self._write("\n")
        self.finished = True
        elapsed, rate, _share, _left = self._figures(now)
        fields = {
            "label": self.label, "done": self.done, "total": self.total if self.total is not None else "?",
            "what": self.what, "time": duration(elapsed), "rate": rate, **values,
        }  # fmt: skip
        text = (summary or self.summary).format_map(_Fields({key: _number(value) for key, value in fields.items()}))
        if not self.what:
            text = text.replace("  ", " ")  # "{done} {what} in" without a `what`
        self._write(text + "\n")
        return text

    def __enter__(self) -> Progress:
        return self

    def close(self) -> None:
        """Stop without a summary (an error): a terminal's line is ended, nothing else written."""
        if not self.finished:
            self.finished = True
            if self.tty and self._drawn:
                self._write("\n")

    def __exit__(self, exc_type, exc, traceback) -> bool:
        if exc_type is None:
            self.finish()
        else:
            self.close()
        return False
