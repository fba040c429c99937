"""`drift --format html`, rendered by a real headless browser and measured there.

The page is written by the CLI, copied with a probe script appended (the product page has
no scripts), and loaded by Chromium at desktop width, at phone width, and with its print
styles applied at A4 width. The probe reports what the browser laid out: each cell's
rendered text and background colour, the page's horizontal overflow, and every resource
the page loaded. `scripts/test` installs Chromium when it is missing (scripts/browser)
and sets KLING_REQUIRE_BROWSER=1, so in CI a missing browser fails instead of skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from codegen.drift.cli import drift

from .conftest import edit_json

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HOSTILE = '<img src=x onerror="window.pwned=1">'
PROBE = """<script>
(() => {
  const out = {innerWidth: window.innerWidth, pwned: window.pwned === 1};
  out.overflow = document.documentElement.scrollWidth - window.innerWidth;
  out.resources = performance.getEntriesByType("resource").map((e) => e.name);
  out.images = document.images.length;
  out.rows = {};
  for (const table of document.querySelectorAll("table")) {
    const endpoint = table.previousElementSibling.textContent;
    out.head = getComputedStyle(table.querySelector("thead")).display;
    for (const tr of table.querySelectorAll("tbody tr")) {
      const cells = [...tr.querySelectorAll("td")].map((td) => {
        const box = td.getBoundingClientRect();
        return {col: td.dataset.col, text: td.innerText, bg: getComputedStyle(td).backgroundColor,
                left: box.left, right: box.right, width: box.width};
      });
      out.rows[endpoint + " " + tr.querySelector("th").textContent] = cells;
    }
  }
  parent.postMessage(JSON.stringify(out), "*");
})();
</script>"""
# The page runs in an iframe of exactly the width asked for (a browser window cannot be
# made phone-narrow); the frame posts its measurements to this outer page.
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<pre id="probe"></pre>
<script>addEventListener("message", (e) => { document.getElementById("probe").textContent = e.data; });</script>
<iframe src="{src}" width="{width}" height="900" style="border:0"></iframe>
</body></html>"""


def _browser() -> str | None:
    named = os.environ.get("KLING_BROWSER")
    if named:
        return named
    return next((found for b in BROWSERS if (found := shutil.which(b))), None)


@pytest.fixture(scope="module")
def browser() -> str:
    found = _browser()
    if found is None:
        if os.environ.get("KLING_REQUIRE_BROWSER") == "1":
            pytest.fail("no headless Chromium found; run `bash scripts/browser` to install it")
        pytest.skip("no headless Chromium (bash scripts/browser installs one)")
    return found


# The page's catalog: the canonical model plus three of the open-world test providers
# (tests/openworld/providers, fixtures of this suite, never the catalog's gateways), chosen
# for how their `duration` departs from the canonical one: a string enum without a default
# (two kinds), an integer with another default (one kind), and the same field.
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
FIXTURES = Path(__file__).resolve().parents[1] / "openworld" / "providers"
TWO_KINDS, ONE_KIND, SAME = "acme-runs", "acme-queue", "acme-tasks"


def col(provider: str) -> str:
    return f"{provider}/image-to-video"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The heat map `drift --format html` prints for that catalog, with a hostile enum value,
    and `cfg_scale` dropped by TWO_KINDS so that ONE_KIND is the only one that has it."""
    schemas = tmp_path_factory.mktemp("hostile") / "schemas"
    shutil.copytree(SCHEMAS / "canonical", schemas / "canonical")
    for provider in (TWO_KINDS, ONE_KIND, SAME):
        shutil.copytree(FIXTURES / provider, schemas / provider)
    edit_json(
        schemas,
        f"{ONE_KIND}/image-to-video/2026-01-01/request.json",
        lambda d: d["properties"]["shot_type"].update(enum=["customize", HOSTILE]),
    )
    mapping = schemas / TWO_KINDS / "image-to-video" / "mapping.yaml"
    text = mapping.read_text(encoding="utf-8")
    dropped = "cfg_scale: {unsupported: drop, reason: dropped by the test}"
    assert "cfg_scale: {to: cfg_scale}" in text
    mapping.write_text(text.replace("cfg_scale: {to: cfg_scale}", dropped), encoding="utf-8")
    result = CliRunner().invoke(
        drift, ["--schemas", str(schemas), "--format", "html"], standalone_mode=False
    )
    assert result.exception is None, result.exception
    return str(result.output)


def render(browser: str, html: str, tmp: Path, *, width: int, print_styles: bool = False) -> Any:
    """Load `html` plus the probe in Chromium at `width` px; the probe's measurements."""
    if print_styles:
        html = html.replace("@media print", "@media all")
    inner = tmp / f"page-{width}-{int(print_styles)}.html"
    inner.write_text(html.replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    target = tmp / f"frame-{width}-{int(print_styles)}.html"
    target.write_text(
        FRAME.replace("{src}", inner.name).replace("{width}", str(width)), encoding="utf-8"
    )
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--user-data-dir={tmp / 'profile'}",
        "--window-size=1400,1000",
        "--allow-file-access-from-files",
        "--virtual-time-budget=3000",
        "--dump-dom",
        target.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    start = done.stdout.find('<pre id="probe"')
    assert start >= 0, done.stderr[-2000:]
    text = done.stdout[done.stdout.index(">", start) + 1 : done.stdout.index("</pre>", start)]
    assert text, "the framed page posted no measurements: " + done.stderr[-2000:]
    return json.loads(unescape(text))


def _cell(probe: Any, row: str, col: str) -> dict[str, Any]:
    return next(c for c in probe["rows"][row] if c["col"] == col)


def test_desktop_cells_show_values_and_colours_by_state(
    browser: str, page: str, tmp_path: Path
) -> None:
    probe = render(browser, page, tmp_path, width=1280)
    assert probe["overflow"] <= 0 and probe["resources"] == [] and not probe["pwned"]
    canonical = _cell(probe, "image-to-video duration", "canonical")
    two = _cell(probe, "image-to-video duration", col(TWO_KINDS))
    one = _cell(probe, "image-to-video duration", col(ONE_KIND))
    same = _cell(probe, "image-to-video duration", col(SAME))
    assert "integer 3–15" in canonical["text"] and "default 5" in canonical["text"]
    assert '"3" | "4" | … | "15"' in two["text"] and "= 3–15" in two["text"]
    assert "default 10" in one["text"] and "differs: default" in one["text"]
    assert "= canonical" in same["text"]
    colours = {c["bg"] for c in (canonical, two, one, same)}
    assert len(colours) == 4  # reference, 2 kinds, 1 kind, same: four colours
    assert canonical["left"] < one["left"]  # the canonical column comes first
    assert HOSTILE in _cell(probe, "image-to-video shot_type", col(ONE_KIND))["text"]


def test_two_providers_only_one_has_it(browser: str, page: str, tmp_path: Path) -> None:
    probe = render(browser, page, tmp_path, width=1280)
    only = _cell(probe, "image-to-video cfg_scale", col(ONE_KIND))
    absent = _cell(probe, "image-to-video cfg_scale", col(SAME))
    assert "only this provider has it" in only["text"] and "not a field here" in absent["text"]
    same = _cell(probe, "image-to-video duration", col(SAME))
    assert len({only["bg"], absent["bg"], same["bg"]}) == 3


def test_phone_width_stacks_cards_without_horizontal_scroll(
    browser: str, page: str, tmp_path: Path
) -> None:
    probe = render(browser, page, tmp_path, width=390)
    assert probe["innerWidth"] == 390 and probe["overflow"] <= 0
    assert probe["head"] == "none"
    cells = [c for row in probe["rows"].values() for c in row]
    assert all(c["right"] <= probe["innerWidth"] for c in cells)
    assert min(c["width"] for c in cells) > probe["innerWidth"] * 0.7  # one card per row
    assert "integer 3–15" in _cell(probe, "image-to-video duration", "canonical")["text"]


def test_print_styles_keep_values_colours_and_fit_a4(
    browser: str, page: str, tmp_path: Path
) -> None:
    probe = render(browser, page, tmp_path, width=794, print_styles=True)  # A4 at 96 dpi
    assert probe["overflow"] <= 0
    two = _cell(probe, "image-to-video duration", col(TWO_KINDS))
    assert "differs: type, default" in two["text"]
    assert two["bg"] != _cell(probe, "image-to-video duration", "canonical")["bg"]
