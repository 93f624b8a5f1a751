"""What the browser tests look at: a figure's canvas pixels and the moment every figure is ready."""
from __future__ import annotations

READY_MS = 20_000

# Pixel statistics of a figure's on-screen canvas: a blank canvas has one colour and no ink.
CANVAS_STATS = """(el) => {
  const c = el.querySelector('.fig-view canvas');
  if (!c) return null;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const counts = new Map(); let ink = 0; let chroma = 0; let hash = 2166136261;
  for (let i = 0; i < d.length; i += 4) {
    const k = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
    counts.set(k, (counts.get(k) || 0) + 1);
    if (k !== 0xffffff) ink++;
    if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) chroma++;
    hash = Math.imul(hash ^ k ^ (d[i + 3] << 24), 16777619);
  }
  const box = c.getBoundingClientRect();
  return {width: c.width, height: c.height, shownWidth: box.width, shownHeight: box.height,
          colours: [...counts.values()].filter((n) => n >= 20).length, ink: ink / (c.width * c.height), chroma, hash};
}"""


def assert_draws(stats, where):
    assert stats is not None, f"{where}: no canvas in .fig-view"
    assert stats["shownWidth"] > 150 and stats["shownHeight"] > 150, f"{where}: canvas shown at {stats}"
    # a blank canvas has one colour; axes and grid alone are grey: the data (red and blue classes) is coloured
    assert stats["colours"] >= 4 and stats["ink"] > 0.005, f"{where}: canvas looks blank: {stats}"
    assert stats["chroma"] >= 100, f"{where}: nothing coloured is drawn (axes only?): {stats}"


def wait_ready(page_or_frame, ids, problems=()):
    try:
        page_or_frame.wait_for_function(
            "(ids) => window.figures && ids.every((id) => window.figures[id])", arg=list(ids), timeout=READY_MS)
    except Exception as err:  # say which figures never came up, and what the console said
        ready = page_or_frame.evaluate("Object.keys(window.figures || {})")
        errors = page_or_frame.evaluate("[...document.querySelectorAll('.fig-error')].map((e) => e.textContent)")
        raise AssertionError(f"not ready: {sorted(set(ids) - set(ready))}; figure errors {errors}; "
                             f"console {list(problems)}") from err


def started_article(browser, site_url, report):
    """A 1200 x 900 page of the article with every figure started and ready, in a context of its own: a test
    module whose tests read the figures (and leave each one paused) shares one (a module-scoped fixture), instead
    of loading and starting all of them for every test. Yields the page; closes its context after."""
    from ..conftest import watched_page
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        page = watched_page(context)
        page.goto(site_url, wait_until="load")
        page.wait_for_function("typeof window.startAllFigures === 'function'")
        page.evaluate("window.startAllFigures().then(() => null)")
        wait_ready(page, report["figures"], page.problems)
        yield page
    finally:
        context.close()
