"""Live preview for authors: rebuild on save and reload the open pages.

The built files are never touched: this server adds a small script (templates/static/preview.js) to every HTML
response, and tells the pages over Server-Sent Events (EVENTS) the id of the last good build, or the errors of the
build that failed after it (the last good site stays served). Builds run in this process, one at a time; a change
during a build gets one more build afterwards. A change under generator/ restarts the process first, so the new
code builds (an in-process build would run the old code under the new code's cache keys)."""
from __future__ import annotations

import http.server
import json
import logging
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

import watchfiles

from .build import ROOT, BuildOptions, build
from .errors import BuildError, TrainingError
from .serve import Handler, make_server

SCRIPT = ROOT / "templates" / "static" / "preview.js"
SCRIPT_URL = "/__preview/preview.js"
EVENTS = "/__preview/events"
CODE = ROOT / "generator"
KEEPALIVE = 15.0  # seconds between comments on an idle event stream, so a page that went away is noticed


def script_tag(build: str) -> str:
    return f'<script src="{SCRIPT_URL}" data-build="{build}"></script>'


def inject(html: bytes, build: str) -> bytes:
    """The page with the preview script before its last </body> (at the end if it has none)."""
    tag = script_tag(build).encode()
    at = html.rfind(b"</body>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]


class Status:
    """What every open page hears: the id of the last good build, and the errors of a build that failed since."""

    def __init__(self):
        self._news = threading.Condition()
        self.build, self.error, self.version, self.closed = "", None, 0, False

    def publish(self, build: str | None = None, error: str | None = None) -> None:
        with self._news:
            self.build = build or self.build
            self.error, self.version = error, self.version + 1
            self._news.notify_all()

    def close(self) -> None:
        with self._news:
            self.closed = True
            self._news.notify_all()

    def newer(self, seen: int | None, timeout: float) -> tuple[int, str] | None:
        """(version, state as JSON) once the state is newer than `seen`; None after `timeout` s or once closed."""
        with self._news:
            self._news.wait_for(lambda: self.version != seen or self.closed, timeout)
            if self.closed or self.version == seen:
                return None
            return self.version, json.dumps({"build": self.build, "error": self.error})


class PreviewHandler(Handler):
    """serve.Handler (gzip, CORS for JSON) plus the preview script in HTML, the event stream, and no caching."""

    def __init__(self, *args, status: Status, **kwargs):
        self.status = status
        super().__init__(*args, **kwargs)

    @property
    def error_message_format(self):  # a 404 before the first good build still hears about it (and its errors)
        return http.server.DEFAULT_ERROR_MESSAGE.replace("</body>", script_tag(self.status.build) + "</body>")

    def do_GET(self):
        route = self.path.split("?")[0]
        if route == EVENTS:
            return self.stream()
        if route == SCRIPT_URL:
            return self.script()
        return super().do_GET()

    def body(self, path: Path) -> bytes:
        data = super().body(path)
        return inject(data, self.status.build) if path.suffix == ".html" else data

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")  # every build changes pages under the same addresses
        super().end_headers()

    def script(self) -> None:
        data = SCRIPT.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/javascript")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = None
        try:
            while not self.status.closed:
                news = self.status.newer(seen, KEEPALIVE)
                if news:
                    seen, state = news
                    self.wfile.write(f"retry: 500\ndata: {state}\n\n".encode())
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except OSError:
            pass  # the page was closed or reloaded


class Rebuilder:
    """One build at a time in the calling thread; changes reported meanwhile (`changed`, from the watcher's
    thread) make one more build once it ends."""

    def __init__(self, build_site, status: Status, log=print, code: Path = CODE):
        self.build_site, self.status, self.log, self.code = build_site, status, log, code
        self.pending = threading.Event()
        self.code_changed = False

    def changed(self, changes) -> None:
        paths = sorted({Path(path) for _, path in changes})
        self.log(f"preview: {', '.join(p.name for p in paths[:3])}{' ...' if len(paths) > 3 else ''} changed")
        if any(path.is_relative_to(self.code) for path in paths):
            self.code_changed = True
        self.pending.set()

    def loop(self, restart) -> None:
        while True:
            self.pending.wait()
            self.pending.clear()
            if self.code_changed:
                restart()
            self.once()

    def once(self) -> bool:
        try:
            self.build_site()
        except (BuildError, TrainingError) as err:
            error = str(err)
        except Exception:  # a bug in code being edited: shown like a content error, and the preview goes on
            error = traceback.format_exc()
        else:
            self.status.publish(build=f"{time.time_ns():x}")
            self.log("preview: built; open pages reload")
            return True
        print(f"build failed; still serving the last good site:\n{error}", file=sys.stderr, flush=True)
        self.status.publish(error=error)
        return False


def watch(paths, changed, stop: threading.Event) -> None:
    """Report each debounced batch of changes under `paths` (watchfiles' default filter: no .git, caches, swap
    files) until `stop` is set."""
    for changes in watchfiles.watch(*paths, stop_event=stop, raise_interrupt=False):
        changed(changes)


def run(options: BuildOptions, port: int = 8000, log=print) -> None:
    """Build as `options` say, serve their `out` on 127.0.0.1:`port`, rebuild on every save and reload open
    pages; missing runs train here (`jobs` processes) or on the Dask cluster at `scheduler`."""
    content, out = options.content_dir.resolve(), options.out.resolve()
    cache = (options.cache_dir or ROOT / ".cache").resolve()
    profile, jobs, scheduler = options.profile, options.jobs, options.scheduler
    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # we say what changed ourselves
    # `kill` stops the preview as Ctrl-C does: a build in progress is abandoned cleanly
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    status = Status()
    server = make_server(out, port, PreviewHandler, status=status)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"preview of {content} at http://127.0.0.1:{port}/ (profile {profile}; rebuilds when content/, "
          "templates/ or generator/ change; Ctrl-C stops)", flush=True)
    rebuilder = Rebuilder(lambda: build(content, out, jobs=jobs, profile=profile, cache_dir=cache, log=log,
                                        scheduler=scheduler), status, log)
    stop = threading.Event()
    threading.Thread(target=watch, args=([content, ROOT / "templates", CODE], rebuilder.changed, stop),
                     daemon=True).start()
    argv = ["serve", "--watch", "--dir", out, "--content", content, "--cache", cache, "--profile", profile,
            "--jobs", jobs, "--port", port] + (["--scheduler", scheduler] if scheduler else [])

    def restart():
        log("preview: generator/ changed; restarting to build with the new code")
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, "-m", "generator", *map(str, argv)])

    rebuilder.pending.set()  # the first build
    try:
        rebuilder.loop(restart)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        status.close()
        server.shutdown()
        server.server_close()
