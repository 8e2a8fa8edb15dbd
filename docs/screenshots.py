"""The README's screenshots: the classroom page with the quiz on, light and dark, at two projector sizes.

    .venv/bin/python docs/screenshots.py

Serves notebook 01 as ``python -m explorer app`` does (this checkout's code),
opens it in Debian's Chromium, steps to dE_total/dw5 with the quiz on, types a
wrong answer, and writes docs/panel-<theme>-<width>x<height>.png.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.browser import helpers  # noqa: E402

SIZES = [(1280, 720), (1024, 768)]
THEMES = ["light", "dark"]
STEP = 16  # dE_total/dw5: a chain-rule product, the seed's first gradient
WRONG = "0.08"  # a rounding slip: the feedback says so


def press(page, name: str) -> None:
    page.locator(".bp-panel").get_by_role("button", name=name, exact=True).evaluate("(b) => b.click()")


def shoot(page, url: str, theme: str) -> None:
    page.goto(f"{url}?theme={theme}", timeout=helpers.PAGE_TIMEOUT)
    page.locator(".bp-panel .bp-plot-curve canvas").first.wait_for(state="visible", timeout=helpers.PAGE_TIMEOUT)
    position = page.locator(".bp-panel .bp-position")
    for k in range(1, STEP):
        press(page, "Next step")
        expect(position).to_have_text(re.compile(rf"^step {k} of 53"))
    for name in ("Steps", "Quiz", "Hide"):
        press(page, name)
    press(page, "Next step")
    expect(position).to_have_text(re.compile(rf"^step {STEP} of 53"))
    answer = page.get_by_placeholder("e.g. 0.7514")
    answer.fill(WRONG)
    answer.press("Enter")  # checks it, as the Check button does
    expect(page.locator(".bp-feedback")).not_to_contain_text("Work out this step")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => window.scrollTo(0, 0)")
        page.wait_for_timeout(800)  # the resize observer, then MathJax's refit
        page.screenshot(path=str(ROOT / "docs" / f"panel-{theme}-{width}x{height}.png"))


def main() -> None:
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        voila = helpers.voila_server(helpers.NOTEBOOKS / helpers.app.NOTEBOOKS["01"], Path(work))
        with voila as server:
            browser = helpers.launch_chromium(playwright)
            context, page = helpers.new_page(browser, [], [], viewport=SIZES[0])
            for theme in THEMES:
                shoot(page, server.url, theme)
            context.close()
            browser.close()


if __name__ == "__main__":
    main()
