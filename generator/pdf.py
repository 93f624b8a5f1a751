"""`make pdf`: the built article printed to PDF by the headless Chromium the tests use, with the print stylesheet
(every figure as its still, no controls, references with their URLs). Prints the page count and the size.

    python -m generator.pdf [--site site] [--out site/article.pdf] [--paper A4|Letter]
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import threading
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FOOTER = ('<div style="font: 8px system-ui, sans-serif; color: #555; width: 100%; padding: 0 15mm; '
          'display: flex; justify-content: space-between"><span class="title"></span>'
          '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')

# Every print still fetched and decoded before printing (player.js makes them eager when print media applies;
# this does it again, in case the page had not yet run its script): the src of any that failed.
LOAD_STILLS = """async () => {
  const stills = [...document.querySelectorAll('img.fig-still')];
  stills.forEach((img) => { img.loading = 'eager'; });
  await Promise.all(stills.map((img) => img.decode().catch(() => null)));
  return {count: stills.length, missing: stills.filter((img) => !img.naturalWidth).map((img) => img.src)};
}"""


def page_count(pdf: bytes) -> int:
    """Pages of a PDF as Chromium writes it: the largest /Count of its page tree (the root's)."""
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
    return max(counts, default=0)


def write_pdf(site: Path, out: Path, paper: str = "A4") -> tuple[int, int]:
    """Serve `site`, print its index.html to `out`; returns (pages, bytes)."""
    from playwright.sync_api import sync_playwright

    from .serve import make_server

    if not (site / "index.html").is_file():
        raise SystemExit(f"{site}/index.html not found: build the site first (make site)")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: `make browser` installs Debian's")
    server = make_server(site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/", wait_until="load")
                page.emulate_media(media="print", color_scheme="light")
                stills = page.evaluate(LOAD_STILLS)
                if stills["missing"]:
                    raise SystemExit(f"stills that did not load: {stills['missing']}")
                out.parent.mkdir(parents=True, exist_ok=True)
                page.pdf(path=str(out), format=paper, print_background=True, prefer_css_page_size=True,
                         display_header_footer=True, header_template="<span></span>", footer_template=FOOTER)
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    data = out.read_bytes()
    return page_count(data), len(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.pdf", description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site (default: site)")
    parser.add_argument("--out", type=Path, default=None, help="the PDF to write (default: <site>/article.pdf)")
    parser.add_argument("--paper", default="A4", help="paper size Chromium knows: A4 (default), Letter, ...")
    args = parser.parse_args(argv)
    out = args.out or args.site / "article.pdf"
    pages, size = write_pdf(args.site, out, args.paper)
    print(f"{out}: {pages} pages, {size / 1024 / 1024:.1f} MB ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
