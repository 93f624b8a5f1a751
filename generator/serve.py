"""A static server for the built site on 127.0.0.1, gzip-compressing text as real hosts do. Specs, data and stills
(.json, .png, .svg, .csv) are sent with `Access-Control-Allow-Origin: *`, so a page on another origin can load a
figure's spec and its data with vega-embed (what docs/embedding.md asks of a host)."""
from __future__ import annotations

import functools
import gzip
import http.server
import io
from pathlib import Path

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg")
CROSS_ORIGIN = (".json", ".png", ".svg", ".csv")  # files another origin's script may read


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".json": "application/json", ".svg": "image/svg+xml"}

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # redirects to the folder's slash form
            path = path / "index.html"
        if path.suffix not in COMPRESSIBLE or not path.is_file():
            return super().send_head()
        body = self.body(path)
        gzipped = "gzip" in self.headers.get("Accept-Encoding", "")
        if gzipped:
            body = gzip.compress(body, compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self):
        # a malformed request line is answered (400) before the path is read: there is no path then
        if Path(getattr(self, "path", "").split("?")[0]).suffix in CROSS_ORIGIN:
            self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def body(self, path: Path) -> bytes:
        """The bytes served for a text file: the file as it is (the preview adds its script to HTML here)."""
        return path.read_bytes()

    def list_directory(self, path):
        """A folder without index.html is not listed: 404, as a static host does."""
        self.send_error(404, "Not found")
        return None

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    """A thread a request, a deep listen queue (500 readers at once on loopback all get an answer), and a reader
    who closes the connection early is no error worth a traceback."""
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        import sys
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def make_server(folder: Path, port: int = 0, handler=Handler, **options) -> Server:
    bound = functools.partial(handler, directory=str(Path(folder).resolve()), **options)
    return Server(("127.0.0.1", port), bound)


def serve(folder: Path, port: int) -> None:
    server = make_server(folder, port)
    print(f"serving {folder} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
