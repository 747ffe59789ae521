"""Check the built docs as a reader sees them: Chinese search, and layout at 1366 and 390 px.

Run after a docs build (``sphinx-build -W --keep-going -q -b html docs docs/_build``):

    python scripts/check_docs_pages.py [docs/_build] [--screenshots DIR]

1. Search: ``searchindex.js`` must hold the Chinese words 妇幼, 孕产妇 and 死亡率, each
   pointing at the pages that use them (Sphinx's Chinese search segments with jieba).
2. Layout, in real headless Chromium (``apt-get install chromium``): each page checked is
   opened at 1366 × 900 and at 390 × 844 with a probe script added to a copy of it, next to
   the original so that its styles load. At 1366 px the top navigation must sit on one line;
   at both widths nothing may be wider than the window unless it scrolls (tables and code
   scroll sideways inside the page instead of being cut). The search page is run with each
   word and must list results.
3. Screenshots of every page at both widths are written to ``--screenshots`` (default
   ``docs/_build/_screenshots``) to look at.

Exit status 0 when every check holds; each failure is printed with the page and width.
Chromium runs with --headless --no-sandbox --disable-gpu --no-first-run
--disable-background-networking --disable-component-update --disable-sync and an empty
profile directory; nothing is fetched from the network (the pages are local files).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WORDS = ("妇幼", "孕产妇", "死亡率")
#: Pages looked at: the start page, the long-titled office page, the wide indicator index,
#: a page with long code cells, an indicator page and the generated coverage page.
PAGES = (
    "index.html",
    "office.html",
    "indicators/index.html",
    "records.html",
    "indicators/maternal_mortality_ratio.html",
    "indicators/coverage.html",
)
WIDTHS = ((1366, 900), (390, 844))
MIN_WINDOW = 500
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)

PROBE = """
<script>
window.addEventListener("load", () => setTimeout(() => {
  const nav = document.querySelector(".bd-header .navbar-header-items__center ul.navbar-nav")
    || document.querySelector(".bd-header ul.navbar-nav");
  const shown = nav ? [...nav.children].filter(li => li.getBoundingClientRect().width > 0) : [];
  // items whose tops differ by less than half an item's height are on one line
  const tops = shown.map(li => li.getBoundingClientRect()).sort((a, b) => a.top - b.top);
  let rows = tops.length ? 1 : 0;
  for (let i = 1; i < tops.length; i++) {
    if (tops[i].top - tops[i - 1].top > tops[i - 1].height / 2) rows++;
  }
  const cut = [];
  for (const el of document.querySelectorAll(".bd-article table, .bd-article pre")) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const scrolls = ["auto", "scroll"].includes(style.overflowX);
    const parentScrolls = el.parentElement &&
      ["auto", "scroll"].includes(getComputedStyle(el.parentElement).overflowX);
    const overflows = el.scrollWidth > el.clientWidth + 1 && !scrolls;
    const outside = box.right > window.innerWidth + 1 && !parentScrolls;
    if (overflows || outside) cut.push(el.tagName + ":" + (el.className || "").slice(0, 40));
  }
  const results = document.querySelectorAll("#search-results li").length;
  const page = document.documentElement.scrollWidth;
  const found = JSON.stringify({rows, cut, results, page, width: window.innerWidth});
  if (window.parent !== window) window.parent.postMessage(found, "*");
  else document.body.setAttribute("data-mch-probe", found);
}, 1500));
</script>
"""
#: Headless Chromium will not make its window narrower than 500 px: a narrow width is
#: a frame of that width inside a page, as a phone's viewport would be.
FRAME = """<!doctype html><html><body style="margin:0">
<iframe src="{src}" style="border:0;width:{width}px;height:{height}px"></iframe>
<script>
window.addEventListener("message", e => document.body.setAttribute("data-mch-probe", e.data));
</script></body></html>
"""


def search_index(build: Path) -> dict[str, list[str]]:
    """Word -> the pages Sphinx's search index lists for it."""
    text = (build / "searchindex.js").read_text(encoding="utf-8")
    match = re.match(r"^Search\.setIndex\((.*)\)\s*;?\s*$", text, re.S)
    if match is None:
        raise SystemExit(f"{build / 'searchindex.js'}: not a Sphinx search index")
    index = json.loads(match.group(1))
    names = index["docnames"]
    found = {}
    for word in WORDS:
        pages: set[int] = set()
        for table in ("terms", "titleterms"):  # words of the text, and of the titles
            entry = index[table].get(word)
            pages |= set(entry if isinstance(entry, list) else [] if entry is None else [entry])
        found[word] = sorted(names[i] for i in pages)
    return found


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("no Chromium found: apt-get install -y chromium")


def _run(browser: str, url: str, size: tuple[int, int], extra: list[str]) -> str:
    with tempfile.TemporaryDirectory() as profile:
        command = [
            browser,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={size[0]},{size[1]}",
            "--virtual-time-budget=6000",
            *extra,
            url,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        return done.stdout


def _framed(page: Path, src: str, size: tuple[int, int]) -> Path:
    """A page next to ``page`` showing ``src`` in a frame of ``size`` (a phone's viewport)."""
    frame = page.with_name(f"_frame_{page.name}")
    frame.write_text(FRAME.format(src=src, width=size[0], height=size[1]), encoding="utf-8")
    return frame


def probe(browser: str, page: Path, size: tuple[int, int], query: str = "") -> dict[str, object]:
    """Open a copy of ``page`` with the probe added (next to it) and read what it measured."""
    copy = page.with_name(f"_probe_{page.name}")
    html = page.read_text(encoding="utf-8")
    copy.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    src = copy.name + (f"?q={query}" if query else "")
    frame = _framed(page, src, size) if size[0] < MIN_WINDOW else None
    try:
        url = frame.as_uri() if frame else copy.as_uri() + (f"?q={query}" if query else "")
        window = (max(size[0], MIN_WINDOW), size[1])
        dom = _run(browser, url, window, ["--dump-dom"])
    finally:
        copy.unlink()
        if frame:
            frame.unlink()
    match = re.search(r"data-mch-probe=\"([^\"]*)\"", dom)
    if match is None:
        return {"error": "the probe did not run"}
    return dict(json.loads(match.group(1).replace("&quot;", '"')))


def screenshot(browser: str, page: Path, size: tuple[int, int], out: Path) -> None:
    """A PNG of ``page`` at ``size`` (a narrow width shows the page in a frame at the left)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if size[0] >= MIN_WINDOW:
        _run(browser, page.as_uri(), size, [f"--screenshot={out}"])
        return
    frame = _framed(page, page.name, size)
    try:
        _run(browser, frame.as_uri(), (MIN_WINDOW, size[1]), [f"--screenshot={out}"])
    finally:
        frame.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("build", nargs="?", default="docs/_build", type=Path)
    parser.add_argument("--screenshots", type=Path, default=None)
    args = parser.parse_args(argv)
    build: Path = args.build.resolve()
    shots: Path = (args.screenshots or build / "_screenshots").resolve()
    failures: list[str] = []

    for word, pages in search_index(build).items():
        print(f"search index: {word} -> {len(pages)} pages ({', '.join(pages[:4])}...)")
        if not pages:
            failures.append(f"search index: no page for {word}")

    browser = _chromium()
    for width, height in WIDTHS:
        for name in PAGES:
            page = build / name
            measured = probe(browser, page, (width, height))
            print(f"{width:>4} px {name}: {measured}")
            if "error" in measured:
                failures.append(f"{name} at {width} px: {measured['error']}")
                continue
            if width >= 1200 and measured["rows"] != 1:
                failures.append(f"{name} at {width} px: navigation on {measured['rows']} lines")
            if measured["cut"]:
                failures.append(f"{name} at {width} px: cut, not scrolling: {measured['cut']}")
            if int(str(measured["page"])) > width + 1:
                failures.append(f"{name} at {width} px: the page is {measured['page']} px wide")
            shot = shots / f"{width}" / name.replace("/", "__").replace(".html", ".png")
            screenshot(browser, page, (width, height), shot)
        for word in WORDS:
            found = probe(browser, build / "search.html", (width, height), query=word)
            print(f"{width:>4} px search {word}: {found.get('results')} results")
            if not found.get("results"):
                failures.append(f"search page at {width} px: no results for {word}")

    print(f"screenshots in {shots}")
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
