"""The exported HTML handout in Chromium: offline, typeset, and printed to A4.

The page is opened from a file in a context with the network switched off,
and every request it makes is routed through the test: the only one allowed
is the file itself.  "Typeset" is checked by layout, not by tag names: each
fraction's numerator must sit above its denominator, which happens only when
the browser lays the MathML out as mathematics.
"""

from __future__ import annotations

import re

import pytest

from explorer.drawing import handout as ho
from explorer.engine.presets import SEED_INPUTS, SEED_TARGETS, random_data, random_network, seed_network
from explorer.lesson.walkthrough import PHASES, walkthrough

# per fraction: is the numerator's box above the denominator's?
_FRACTIONS = """() => [...document.querySelectorAll('mfrac')].map((f) => {
    const [top, bottom] = [...f.children].map((c) => c.getBoundingClientRect());
    return top.bottom <= bottom.top + 1 && top.height > 0 && bottom.height > 0;
})"""

_MATH_BOXES = """(selector) => [...document.querySelectorAll(selector)].map((m) => {
    const r = m.getBoundingClientRect();
    return [r.width, r.height];
})"""

_STEP_ROWS = """() => [...document.querySelectorAll('li.step')].map((li) => {
    const cells = [...li.querySelectorAll('.eq > span')];
    const last = cells[cells.length - 1];
    return [li.dataset.symbol, last.textContent.replace(/\\u2212/g, '-').replace(/\\s+/g, '')];
})"""


def math_elements(step) -> int:
    """How many <math> a step's equation has: one per part, one per term of a long sum or product."""
    lhs, *parts = ho.split_equation(step.latex)
    return 1 + sum(len(ho.pieces(p)) if len(p) > ho.WRAP_AFTER else 1 for p in parts)


@pytest.fixture
def offline_page(browser, artifacts):
    """A page in a context with no network; ``offline_page.requests`` lists every URL it asked for."""
    context = browser.new_context(offline=True, viewport={"width": 1000, "height": 1400})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.requests = []
    page.errors = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    page.allowed = set()

    def handle(route):
        # the handout's own file opens; anything else would be a request leaving the page
        if route.request.url in page.allowed:
            route.continue_()
        else:
            page.requests.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    yield page
    context.close()


def test_handout_opens_offline_typeset_and_prints_on_a4(offline_page, tmp_path, artifacts):
    walk = walkthrough(seed_network(), SEED_INPUTS, SEED_TARGETS)
    path = tmp_path / "handout.html"
    path.write_text(ho.handout(walk), encoding="utf-8")
    page = offline_page
    page.allowed.add(path.as_uri())
    page.goto(path.as_uri())
    page.wait_for_load_state("load")

    # offline: the file itself is the only thing the page asked for
    assert set(page.requests) <= {path.as_uri()}, page.requests
    assert page.errors == []

    # every step, in order, with its result
    rows = page.evaluate(_STEP_ROWS)
    assert [symbol for symbol, _ in rows] == [s.symbol for s in walk.steps]
    assert dict(rows)["E_total"] == "0.298371109" and dict(rows)["w5+"] == "0.35891648"

    # the mathematics is laid out as mathematics
    boxes = page.evaluate(_MATH_BOXES, "ol.steps math")
    expected = sum(math_elements(s) for s in walk.steps)
    assert len(boxes) == expected
    assert all(w > 0 and h > 0 for w, h in boxes), "a formula has no size"
    # the matrix form: each line's formula, then its numbers, 14 lines for the seed
    matrices = page.evaluate(_MATH_BOXES, "section.matrix-form .mline math")
    assert len(matrices) == 2 * 14 and all(w > 0 and h > 0 for w, h in matrices), matrices
    fractions = page.evaluate(_FRACTIONS)
    assert len(fractions) > 40 and all(fractions), "fractions are not typeset"

    # a diagram at the end of each phase, drawn at a readable size
    widths = page.locator("figure.diagram svg").evaluate_all(
        "(svgs) => svgs.map((s) => s.getBoundingClientRect().width)"
    )
    assert len(widths) == len(PHASES) and min(widths) > 500
    page.screenshot(path=str(artifacts.path("handout-top")))

    # printed: A4 landscape pages (842 x 595 pt); the seed's 53 steps on 9 (11 on portrait before),
    # the matrix form on one more
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    artifacts.path("handout", ".pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    boxes = {
        tuple(round(float(v)) for v in box.split())
        for box in re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+?)\s*\]", pdf)
        for box in [box.decode()]
    }
    assert boxes == {(0, 0, 842, 595)}, boxes
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 5 <= pages <= 10, pages  # the matrix form after the summary: one page more
    assert set(page.requests) <= {path.as_uri()}, page.requests


def test_wide_networks_formulas_fit_the_printed_page(offline_page, tmp_path):
    """A 16-wide layer's sums wrap between terms instead of running off the A4 page."""
    network = random_network((16, 16, 2), seed=3)
    x, t = random_data(network)
    path = tmp_path / "wide.html"
    path.write_text(ho.handout(walkthrough(network, x[0], t[0])), encoding="utf-8")
    page = offline_page
    page.allowed.add(path.as_uri())
    page.set_viewport_size({"width": 720, "height": 1000})  # about an A4 page's printable width
    page.goto(path.as_uri())
    overflowing = page.evaluate("""() => [...document.querySelectorAll('li.step')]
        .filter((li) => li.querySelector('.eq').scrollWidth > li.querySelector('.eq').clientWidth + 1)
        .map((li) => li.dataset.symbol)""")
    assert overflowing == []
    assert set(page.requests) <= {path.as_uri()}, page.requests


def test_quiz_handout_prints_blanks_and_key(offline_page, tmp_path):
    walk = walkthrough(seed_network(), SEED_INPUTS, SEED_TARGETS)
    path = tmp_path / "quiz.html"
    path.write_text(ho.handout(walk, quiz=True), encoding="utf-8")
    page = offline_page
    page.allowed.add(path.as_uri())
    page.goto(path.as_uri())
    blanks = page.locator("li.step .blank")
    assert blanks.count() == len(walk.steps)
    box = blanks.first.bounding_box()
    assert box and box["width"] > 80, "a blank too narrow to write in"
    key = page.locator("#answers ol.key li")
    assert key.count() == len(walk.steps)
    assert key.nth(0).inner_text() == "net_h1 = 0.3775"
    # the key starts on a page of its own when printed
    assert page.locator("#answers").evaluate("(e) => getComputedStyle(e).breakBefore") == "page"
    assert page.pdf(prefer_css_page_size=True).startswith(b"%PDF")
    assert set(page.requests) <= {path.as_uri()}, page.requests


def test_the_check_sees_a_request_that_would_leave(offline_page, tmp_path):
    """The control: a page that fetches an image is caught (so the checks above can fail)."""
    path = tmp_path / "leaky.html"
    path.write_text('<!DOCTYPE html><img src="https://example.org/x.png"><p>hi</p>')
    offline_page.allowed.add(path.as_uri())
    offline_page.goto(path.as_uri())
    offline_page.wait_for_load_state("load")
    assert "https://example.org/x.png" in offline_page.requests
