"""The live preview: the script goes into served HTML only (never into files), the event stream, one build at a
time, and in Chromium a real edit-save-reload cycle that keeps the scroll position and the figures' state, with a
failed build's errors over the page until a fix."""
from __future__ import annotations

import contextlib
import gzip
import json
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from generator import preview
from generator.build import BuildOptions
from generator.errors import BuildError, Problem
from generator.serve import make_server

ROOT = Path(__file__).resolve().parent.parent


# the error text's colour and the background it is drawn on (the nearest ancestor that paints one)
OVERLAY_COLOURS = """() => {
  const text = document.querySelector('#preview-errors pre');
  let node = text, background = 'rgba(0, 0, 0, 0)';
  while (node && /rgba\\(.*, 0\\)|transparent/.test(background)) {
    background = getComputedStyle(node).backgroundColor; node = node.parentElement;
  }
  return [getComputedStyle(text).color, background];
}"""


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    def luminance(colour):
        channels = [int(v) / 255 for v in re.findall(r"[\d.]+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_of_white_on_the_pages_pale_code_background_fails_and_on_dark_red_passes():
    assert contrast("rgb(255, 255, 255)", "rgb(245, 246, 248)") < 1.2
    assert contrast("rgb(255, 255, 255)", "rgb(58, 15, 15)") > 14


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))
            if p.is_file()}


def fetch(url: str, gzipped: bool = False) -> tuple[bytes, dict]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzipped else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        body, headers = response.read(), dict(response.headers)
    return (gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body), headers


@pytest.fixture
def tiny_site(tmp_path):
    site = tmp_path / "site"
    (site / "figures" / "f").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><html><body><p>Hi</p>\n</body>\n</html>\n")
    (site / "figures" / "f" / "index.html").write_text("<p>no body tag</p>")
    (site / "figures" / "f" / "spec.vl.json").write_text('{"mark": "point", "note": "</body>"}')
    (site / "player.js").write_text("document.write('</body>');\n")
    return site


def serving(site: Path, handler=None, **options) -> tuple[str, object]:
    server = make_server(site, 0, handler, **options) if handler else make_server(site, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


def test_inject_puts_the_script_before_the_last_body_end_or_at_the_end():
    tag = preview.script_tag("b1").encode()
    assert preview.inject(b"<body>x</body></html>", "b1") == b"<body>x" + tag + b"</body></html>"
    assert preview.inject(b"<p>x</p>", "b1") == b"<p>x</p>" + tag
    assert b'data-build="b1"' in tag and preview.SCRIPT_URL.encode() in tag


def test_preview_injects_into_html_responses_only_and_never_into_files(tiny_site):
    before = snapshot(tiny_site)
    status = preview.Status()
    status.publish(build="abc")
    url, server = serving(tiny_site, preview.PreviewHandler, status=status)
    try:
        for gzipped in (False, True):
            page, headers = fetch(url, gzipped)
            assert page == (tiny_site / "index.html").read_bytes().replace(
                b"</body>", preview.script_tag("abc").encode() + b"</body>")
            assert headers["Cache-Control"] == "no-store"
            assert preview.script_tag("abc").encode() in fetch(url + "figures/f/", gzipped)[0]
            spec, headers = fetch(url + "figures/f/spec.vl.json", gzipped)
            assert spec == (tiny_site / "figures" / "f" / "spec.vl.json").read_bytes()
            assert headers["Access-Control-Allow-Origin"] == "*"
            assert fetch(url + "player.js", gzipped)[0] == (tiny_site / "player.js").read_bytes()
        script, headers = fetch(url + preview.SCRIPT_URL.lstrip("/"))
        assert script == preview.SCRIPT.read_bytes() and headers["Content-Type"] == "text/javascript"
        with pytest.raises(urllib.error.HTTPError) as missing:
            fetch(url + "nothing-here/")
        assert preview.script_tag("abc").encode() in missing.value.read()  # a 404 page still hears of builds
    finally:
        server.shutdown()
        server.server_close()
    assert snapshot(tiny_site) == before


def test_plain_server_adds_nothing_and_allows_json_from_any_origin(tiny_site):
    url, server = serving(tiny_site)
    try:
        page, headers = fetch(url, gzipped=True)
        assert page == (tiny_site / "index.html").read_bytes() and headers["Content-Encoding"] == "gzip"
        assert "Access-Control-Allow-Origin" not in headers
        spec, headers = fetch(url + "figures/f/spec.vl.json")
        assert spec == (tiny_site / "figures" / "f" / "spec.vl.json").read_bytes()
        assert headers["Access-Control-Allow-Origin"] == "*"
        with pytest.raises(urllib.error.HTTPError):
            fetch(url + preview.SCRIPT_URL.lstrip("/"))
    finally:
        server.shutdown()
        server.server_close()


def read_event(stream) -> dict:
    lines = []
    while True:
        line = stream.readline().decode()
        if line == "\n" and lines:
            break
        if line.startswith("data: "):
            lines.append(line[6:])
    return json.loads("".join(lines))


def test_event_stream_sends_the_state_at_once_then_each_change(tiny_site):
    status = preview.Status()
    status.publish(build="one")
    url, server = serving(tiny_site, preview.PreviewHandler, status=status)
    try:
        with urllib.request.urlopen(url + preview.EVENTS.lstrip("/"), timeout=10) as stream:
            assert stream.headers["Content-Type"] == "text/event-stream"
            assert read_event(stream) == {"build": "one", "error": None}
            status.publish(error="01-a.md:7: unknown experiment 'nope'")
            assert read_event(stream) == {"build": "one", "error": "01-a.md:7: unknown experiment 'nope'"}
            status.publish(build="two")
            assert read_event(stream) == {"build": "two", "error": None}
    finally:
        status.close()
        server.shutdown()
        server.server_close()


def test_changes_during_a_build_make_exactly_one_more_and_builds_never_overlap():
    started, release, running, overlaps, builds = threading.Event(), threading.Event(), [], [], []

    def build_site():
        overlaps.append(len(running))
        running.append(1)
        builds.append(time.monotonic())
        if len(builds) == 1:
            started.set()
            release.wait(10)
        running.pop()

    status = preview.Status()
    rebuilder = preview.Rebuilder(build_site, status, log=lambda *a: None, code=Path("/nowhere"))
    rebuilder.pending.set()
    loop = threading.Thread(target=rebuilder.loop, args=(lambda: None,), daemon=True)
    loop.start()
    assert started.wait(10)
    rebuilder.changed({(1, "/content/01-a.md")})  # two saves while the first build runs
    rebuilder.changed({(2, "/content/02-b.md")})
    release.set()
    deadline = time.monotonic() + 10
    while len(builds) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    assert len(builds) == 2 and overlaps == [0, 0]
    assert status.build and status.error is None


def test_a_failed_build_keeps_the_last_good_id_and_a_code_change_restarts_first():
    outcomes = iter([None, BuildError([Problem(Path("/c/01-a.md"), "unknown experiment 'nope'", line=7)]),
                     KeyError("bug")])

    def build_site():
        outcome = next(outcomes)
        if outcome:
            raise outcome

    status = preview.Status()
    rebuilder = preview.Rebuilder(build_site, status, log=lambda *a: None, code=Path("/repo/generator"))
    assert rebuilder.once() and status.error is None
    good = status.build
    assert not rebuilder.once()
    assert status.build == good and "01-a.md:7" in status.error and "unknown experiment 'nope'" in status.error
    assert not rebuilder.once()
    assert status.build == good and "KeyError: 'bug'" in status.error  # a bug in edited code: shown, not fatal

    class Restarted(Exception):
        pass

    def restart():
        raise Restarted
    rebuilder.once = lambda: pytest.fail("built with the old code instead of restarting")
    rebuilder.changed({(2, "/repo/content/01-a.md")})
    assert not rebuilder.code_changed
    rebuilder.changed({(2, "/repo/generator/render.py")})
    with pytest.raises(Restarted):
        rebuilder.loop(restart)


def test_the_preview_trains_on_the_cluster_it_is_given(tmp_path, monkeypatch):
    """`serve --watch --scheduler ADDRESS` (or $DASK_SCHEDULER_ADDRESS) reaches every build of the preview."""
    import signal

    from generator import cli
    handed = {}
    monkeypatch.setattr(preview, "run", lambda options, **rest: handed.update(options=options))
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    cli.main(["serve", "--watch", "--scheduler", "tcp://10.0.0.5:8786"])
    assert handed["options"].scheduler == "tcp://10.0.0.5:8786"
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://10.0.0.6:8786")
    cli.main(["serve", "--watch"])
    assert handed["options"].scheduler == "tcp://10.0.0.6:8786"
    monkeypatch.undo()

    built = []

    def build(*args, **options):  # the first build records what it was asked, then stops the preview
        built.append(options)
        raise KeyboardInterrupt

    monkeypatch.setattr(preview, "build", build)
    for folder in ("content", "site"):
        (tmp_path / folder).mkdir()
    previous = signal.getsignal(signal.SIGTERM)
    try:
        preview.run(BuildOptions(tmp_path / "content", tmp_path / "site", profile="quick", cache_dir=tmp_path / "cache",
                                 scheduler="tcp://10.0.0.5:8786"), port=0, log=lambda *a: None)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert [options["scheduler"] for options in built] == ["tcp://10.0.0.5:8786"]


def test_watch_reports_a_saved_file(tmp_path):
    seen, stop = [], threading.Event()
    watcher = threading.Thread(target=preview.watch, args=([tmp_path], seen.append, stop), daemon=True)
    watcher.start()
    time.sleep(0.5)
    (tmp_path / "01-a.md").write_text("changed")
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    watcher.join(5)
    assert any(Path(path).name == "01-a.md" for changes in seen for _, path in changes)
    assert not watcher.is_alive()


# --- in Chromium: edit, save, and the open page follows -------------------------------------------------------

FILLER = "\n\n".join(f"Filler paragraph {i}: " + "words that make the page long enough to scroll through. " * 10
                     for i in range(14))


def scratch_content(folder: Path) -> Path:
    """A small content folder: one section with a layer morph (frames) near the top and a weight playground
    (bound sliders) further down, both on the one-hidden-layer experiment."""
    (folder / "experiments").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.toml", folder)
    experiment = (ROOT / "content" / "experiments" / "curves-one-layer.toml").read_text()
    (folder / "experiments" / "curves-one-layer.toml").write_text(experiment.split("\n# The claims table")[0])
    figure = "```figure\nid: {0}\nkind: {0}\nexperiment: curves-one-layer\ncaption: The {0}.\nalt: The {0}.\n```"
    (folder / "01-a.md").write_text(
        '+++\ntitle = "A"\norder = 1\n+++\n\nThe first paragraph says hello.\n\n' + figure.format("layer-morph")
        + f"\n\n{FILLER}\n\nThe edited paragraph says before.\n\n" + figure.format("weight-playground")
        + f"\n\n{FILLER}\n")
    return folder


@contextlib.contextmanager
def running_preview(content: Path, out: Path, cache: Path, profile: str = "quick", logs: Path | None = None):
    """`python -m generator serve --watch` on a free port, as a subprocess: yields (url, stderr file) once its
    first build is served; stopped by SIGTERM at the end, which must end it cleanly."""
    logs = logs or out.parent
    stdout, stderr = logs / "preview-stdout.txt", logs / "preview-stderr.txt"
    with open(stdout, "w") as so, open(stderr, "w") as se:
        process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--watch", "--profile", profile,
                                    "--port", "0", "--dir", str(out), "--content", str(content),
                                    "--cache", str(cache)], cwd=ROOT, stdout=so, stderr=se)
    try:
        url, deadline = None, time.monotonic() + 900
        while time.monotonic() < deadline and process.poll() is None:
            found = re.search(r"http://127\.0\.0\.1:\d+/", stdout.read_text())
            if found and (url := found.group(0)) and (out / "index.html").exists():
                try:
                    with urllib.request.urlopen(url + preview.EVENTS.lstrip("/"), timeout=10) as stream:
                        if read_event(stream)["build"]:
                            break
                except OSError:  # restarting: someone saved a file under generator/
                    pass
            time.sleep(0.5)
        else:
            raise AssertionError(f"the preview did not build:\n{stderr.read_text()}")
        yield url, stderr
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr.read_text()  # SIGTERM stops it as Ctrl-C does


@pytest.fixture
def live_preview(tmp_path):
    """(url, content folder, site folder, stderr file) of the preview of a scratch content folder, quick profile."""
    content, out = scratch_content(tmp_path / "content"), tmp_path / "site"
    with running_preview(content, out, tmp_path / "cache") as (url, stderr):
        yield url, content, out, stderr


def wait_for_new_page(page, test: str, timeout: float = 60) -> float:
    """Seconds until a page without the old page's mark satisfies `test` (a JS expression)."""
    started, deadline = time.monotonic(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.evaluate(f"!window.__oldPage && Boolean({test})"):
                return time.monotonic() - started
        except Exception:  # the page is between documents
            pass
        time.sleep(0.02)
    raise AssertionError(f"no reloaded page with {test} within {timeout} s")


def settles_in_place(page, scroll: int) -> None:
    """The reloaded page is back where the reader was, within 2 px, once the figures near it have started and
    fitted (on a loaded machine that can take a few frames after the restored inputs)."""
    try:
        page.wait_for_function(f"Math.abs(scrollY - {scroll}) <= 2", timeout=20_000)
    except Exception:
        raise AssertionError(f"scrolled to {page.evaluate('scrollY')}, not back to {scroll}") from None


@pytest.mark.browser
def test_saving_reloads_the_page_in_place_and_a_failed_build_shows_its_errors(live_preview, page):
    url, content, out, stderr = live_preview
    section = content / "01-a.md"
    page.goto(url)
    page.wait_for_function("window.figures?.['layer-morph']")
    playground = page.locator("#fig-weight-playground")
    playground.scroll_into_view_if_needed()
    page.wait_for_function("window.figures?.['weight-playground']")
    page.evaluate("window.scrollTo(0, document.querySelector('#fig-weight-playground').offsetTop - 150)")
    scroll = page.evaluate("scrollY")
    assert scroll > 1500
    # a reader's state: a frame of the morph, and a moved slider of the playground
    page.evaluate("figures['layer-morph'].setFrame(7).then(() => null)")
    slider = page.evaluate("""(async () => {
        const input = document.querySelector('#fig-weight-playground .fig-bind input[type=range]');
        const view = figures['weight-playground'].view, value = Number(input.min) + 0.25 * (input.max - input.min);
        await view.signal(input.dataset.signal, value).runAsync();  // the player's own listeners run too
        return {name: input.dataset.signal, value: view.signal(input.dataset.signal)};
    })()""")
    page.evaluate("window.__oldPage = true")

    section.write_text(section.read_text().replace("says before.", "says after."))
    seconds = wait_for_new_page(page, "document.body.innerText.includes('The edited paragraph says after.')")
    print(f"save -> reloaded page: {seconds:.2f} s")
    page.wait_for_function(f"window.figures?.['weight-playground']?.view.signal({json.dumps(slider['name'])}) "
                           f"=== {slider['value']}", timeout=20_000)
    settles_in_place(page, scroll)
    assert page.evaluate("scrollX") == 0
    assert page.evaluate("window.figures['layer-morph']") is None  # far above: not started yet
    page.keyboard.press("Home")  # the reader goes up: the morph starts, at the frame it was on
    page.wait_for_function("window.figures?.['layer-morph']?.view.signal('frame') === 7", timeout=20_000)
    built = (out / "index.html").read_text()
    assert "says after." in built and "__preview" not in built  # the files on disk are the plain build
    page.evaluate(f"window.scrollTo(0, {scroll})")

    # a content error: the overlay names the file and line, and the last good site stays served
    lines = section.read_text().splitlines()
    lines.insert(6, "A broken {{nope.x}} placeholder.")
    section.write_text("\n".join(lines) + "\n")
    page.wait_for_selector("#preview-errors", timeout=60_000)
    overlay = page.inner_text("#preview-errors")
    assert "01-a.md:7" in overlay and "nope" in overlay, overlay
    assert contrast(*page.evaluate(OVERLAY_COLOURS)) >= 4.5  # the error text is readable on its own background
    assert "01-a.md:7" in stderr.read_text()
    assert "says after." in page.inner_text("main") and "says after." in (out / "index.html").read_text()

    # where the reader is now: the morph started above when they went Home and scrolled back, and the browser's
    # scroll anchoring may have moved scrollY by its change of height since
    scroll = page.evaluate("scrollY")
    page.evaluate("window.__oldPage = true")
    del lines[6]
    section.write_text("\n".join(lines) + "\n")
    wait_for_new_page(page, "window.figures?.['weight-playground']")
    assert page.locator("#preview-errors").count() == 0
    settles_in_place(page, scroll)
    assert page.problems == []


@pytest.mark.parametrize("handler", [None, "preview"])
def test_the_servers_answer_bad_requests_list_no_folder_and_hold_500_readers(tiny_site, capfd, handler):
    """A malformed request line gets a 400 and no traceback; a folder without index.html is a 404, never a
    listing; 500 concurrent requests on loopback all get an answer; a reader who hangs up prints nothing."""
    import socket
    from concurrent.futures import ThreadPoolExecutor
    (tiny_site / "data").mkdir()
    (tiny_site / "data" / "a.json").write_text("{}")
    url, server = (serving(tiny_site, preview.PreviewHandler, status=preview.Status()) if handler
                   else serving(tiny_site))
    port = server.server_address[1]
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(b"\x16\x03\x01 / nonsense/1\r\n\r\n")  # a TLS hello's first bytes, say
            assert b"Error code: 400" in raw.recv(400)  # an HTTP/0.9-style answer: the request had no version
        with pytest.raises(urllib.error.HTTPError) as listing:
            fetch(url + "data/")
        assert listing.value.code == 404 and b"a.json" not in listing.value.read()
        for _ in range(20):  # readers who close before the answer is written
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                raw.sendall(b"GET /player.js HTTP/1.1\r\nHost: x\r\n\r\n")
        with ThreadPoolExecutor(max_workers=500) as pool:
            answers = list(pool.map(lambda i: fetch(url + "figures/f/spec.vl.json")[0], range(500)))
        assert len(answers) == 500 and set(answers) == {(tiny_site / "figures/f/spec.vl.json").read_bytes()}
    finally:
        server.shutdown()
        server.server_close()
    time.sleep(0.2)
    assert "Traceback" not in capfd.readouterr().err
