"""The build says what it is doing while it does it: plain lines off a terminal, rich's live bars on one."""
import copy
import dataclasses
import io
from pathlib import Path

from generator import config, progress, runs
from generator.cache import Store

ROOT = Path(__file__).resolve().parent.parent


def test_plain_lines_start_at_most_every_interval_and_finish():
    lines = []
    shown = progress.Plain(lines.append, every=3600)
    shown.start("spirals", 1000)
    shown.update("spirals", 10)
    shown.update("spirals", 500)
    shown.finish("spirals", "trained in 1.0 s")
    assert lines == ["  spirals                      started: 1,000 steps",
                     "  spirals                      trained in 1.0 s"]
    often = progress.Plain(lines.append, every=0)
    often.start("tori", 200)
    often.update("tori", 50)
    assert lines[-1].startswith("  tori") and "50 of 200 steps" in lines[-1] and "left" in lines[-1]


def test_the_live_display_draws_a_bar_per_task_and_prints_finished_ones():
    from rich.console import Console
    screen = io.StringIO()
    live = progress.Live(Console(file=screen, force_terminal=True, width=120))
    with live:
        live.update("spiralnet-7-relu", 250, 1000)
        assert live.bars.tasks[0].completed == 250 and live.bars.tasks[0].total == 1000
        live.finish("spiralnet-7-relu", "trained in 2.0 s")
        assert live.bars.tasks == []
    assert "spiralnet-7-relu" in screen.getvalue() and "trained in 2.0 s" in screen.getvalue()


def test_off_a_terminal_the_display_is_plain_lines(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert type(progress.for_terminal(print)) is progress.Plain


class Heard(progress.Plain):
    def __init__(self):
        super().__init__(lambda text: None)
        self.steps = []

    def update(self, name, done, total=None):
        self.steps.append((name, done, total))


def test_training_workers_report_their_steps_as_they_go(tmp_path):
    experiments = config.load_experiments(ROOT / "content" / "experiments", "quick")
    chosen = {name: experiments[name] for name in ("curves-line", "mnist-zero-init")}  # batched; seed by seed
    spec = copy.deepcopy(chosen["mnist-zero-init"].spec)
    spec["train"] |= {"steps": 60, "snapshots": 7}  # seed by seed all the same, in a fifth of the quick run's time
    chosen["mnist-zero-init"] = dataclasses.replace(chosen["mnist-zero-init"], spec=spec)
    heard = Heard()
    runs.ensure_runs(chosen, Store(tmp_path), jobs=2, progress=heard)
    for name, exp in chosen.items():
        train = exp.spec["train"]
        total = train["steps"] * (1 if train["batch_seeds"] else train["seeds"])
        mine = [(done, t) for n, done, t in heard.steps if n == name]
        assert mine[-1] == (total, total), name              # the last word is "all steps done"
        assert all(a <= b for (a, _), (b, _) in zip(mine, mine[1:])), name  # never backwards
