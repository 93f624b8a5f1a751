"""What the build is doing, as it does it: on a terminal a live display (rich) of every running experiment
(steps done of total, elapsed, time left) and of the figure and still stages; elsewhere (CI, a pipe, tests)
plain lines: a line when a task starts and ends, and one per task at most every `every` seconds between."""
from __future__ import annotations

import os
import sys
import time


def for_terminal(log) -> "Plain":
    """The live display when standard error is a terminal (and not CI); plain lines through `log` otherwise."""
    if sys.stderr.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb":
        return Live()
    return Plain(log)


class Plain:
    """Plain lines through `log`; also the display's interface (Live overrides what it draws)."""

    def __init__(self, log=print, every: float = 30.0):
        self.log, self.every = log, every
        self.tasks: dict[str, dict] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def start(self, name: str, total: int, what: str = "steps") -> None:
        self.track(name, total, what)
        self.log(f"  {name:<28} started: {int(total):,} {what}")

    def track(self, name: str, total: int, what: str) -> None:
        self.tasks[name] = {"total": max(int(total), 1), "done": 0, "what": what, "started": time.perf_counter(),
                            "said": time.perf_counter()}

    def update(self, name: str, done: int, total: int | None = None) -> None:
        task = self.tasks.get(name)
        if task is None:
            return self.start(name, total or 1) or self.update(name, done, total)
        task["done"] = int(done)
        if total:
            task["total"] = max(int(total), 1)
        now = time.perf_counter()
        if now - task["said"] >= self.every:
            task["said"] = now
            self.log(f"  {name:<28} {self.describe(task)}")

    def finish(self, name: str, text: str) -> None:
        self.tasks.pop(name, None)
        self.log(f"  {name:<28} {text}")

    @staticmethod
    def describe(task: dict) -> str:
        """'2,000 of 10,000 steps, 12 s, about 48 s left'."""
        elapsed = time.perf_counter() - task["started"]
        left = elapsed * (task["total"] - task["done"]) / task["done"] if task["done"] else None
        return (f"{task['done']:,} of {task['total']:,} {task['what']}, {elapsed:.0f} s"
                + (f", about {left:.0f} s left" if left is not None else ""))


class Live(Plain):
    """rich's live display: one bar per running task; finished tasks print as lines above it."""

    def __init__(self, console=None):
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)
        self.console = console or Console(stderr=True)
        super().__init__(lambda text: self.console.print(text, highlight=False, markup=False))
        self.bars = Progress(TextColumn("  {task.description:<28}"), BarColumn(), MofNCompleteColumn(),
                             TextColumn("{task.fields[what]}"), TimeElapsedColumn(), TextColumn("left"),
                             TimeRemainingColumn(), console=self.console, transient=False)
        self.ids: dict[str, int] = {}

    def __enter__(self):
        self.bars.start()
        return self

    def __exit__(self, *exc):
        self.bars.stop()
        return False

    def start(self, name, total, what="steps"):
        self.track(name, total, what)
        self.ids[name] = self.bars.add_task(name, total=max(int(total), 1), what=what)

    def update(self, name, done, total=None):
        if name not in self.ids:
            self.start(name, total or 1)
        self.bars.update(self.ids[name], completed=int(done), **({"total": int(total)} if total else {}))

    def finish(self, name, text):
        if name in self.ids:
            self.bars.remove_task(self.ids.pop(name))
        self.tasks.pop(name, None)
        self.log(f"  {name:<28} {text}")
