"""The browser scenario of the explorer panel, shared by JupyterLab, Notebook 7 and Voila.

``test_panel.py`` loads notebooks/01_step_by_step.ipynb once in JupyterLab,
once in Notebook 7 and once in Voila, wraps each page in :class:`Panel` and
runs these steps in order on the same panel (one kernel, one page load per
client).  Each step
starts from a state it sets up itself (``Reset weights``, ``Reset
iteration``), so a step also passes alone.

Everything is found as a screen reader finds it: controls by role and
accessible name, inside the panel (``.bp-panel``).  The formula is read as
MathJax rendered it: each CHTML glyph (``mjx-c``) carries its character's
code point in its class (``mjx-c30`` is "0"), and the assistive MathML next
to it is what a screen reader reads; both must show a number.  The diagram
is read by its ``data-id`` (``h1``, ``w5``) and ``data-for`` (a connection's
label) attributes.  Every wait is bounded: ``expect()`` (15 s, set in
conftest) or ``wait_for_function`` with a timeout.

The seed's numbers are written out, as the seed prints them; the
learning-rate step computes the rate it expects from the slider position
(``explorer.engine.formatting.number`` prints it the way the panel does).
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from explorer.engine.formatting import number
from explorer.engine.validation import LEARNING_RATE_RANGE
from explorer.panel.controls import round_stops

from . import helpers

NOTEBOOK = "01_step_by_step.ipynb"
WAIT_MS = 15_000
#: The clients whose notebook scrolls inside its own panel and holds the focus itself
#: (a static site's pages are named apart: "lite-voici", "lite-lab").
NOTEBOOK_CLIENTS = ("lab", "notebook7")
#: On an idle machine the training counter last changes 0.2-0.5 s after Stop; when it takes longer,
#: the curve's wait grows with it, up to CURVE_WAIT_CAP times WAIT_MS.
SETTLED_IDLE_MS = 1_000
CURVE_WAIT_CAP = 8.0

# (symbol, value as the seed prints it, diagram node, line of the node's label)
FORWARD = [
    ("net_h1", "0.3775", "h1", "net"),
    ("out_h1", "0.593269992", "h1", "out"),
    ("net_h2", "0.3925", "h2", "net"),
    ("out_h2", "0.596884378", "h2", "out"),
    ("net_o1", "1.105905967", "o1", "net"),
    ("out_o1", "0.75136507", "o1", "out"),
    ("net_o2", "1.224921404", "o2", "net"),
    ("out_o2", "0.772928465", "o2", "out"),
]
ERRORS = [("E_o1", "0.274811083"), ("E_o2", "0.023560026"), ("E_total", "0.298371109")]
# Steps 12-16 of the backward pass, up to dE_total/dw5 (the seed's first gradient).
BACKWARD_TO_W5 = ["0.74136507", "-0.217071535", "0.186815602", "0.593269992", "0.082167041"]
W5_HIGHLIGHT = ("w5", "h1", "o1")
W5_UPDATED = "0.35891648"
DW5 = 0.08216704056423078  # dE_total/dw5 of the seed, full precision
SEED_E_TOTAL = "0.298371109"
#: The learning-rate slider's positions: round rates, 0.001 to 10.
RATES = round_stops(*LEARNING_RATE_RANGE)

BUTTONS = [
    "Previous step",
    "Next step",
    "Next phase",
    "Finish iteration",
    "Reset iteration",
    "Quiz",
    "Play steps",
    "Train",
    "Play",
    "Stop",
    "Keep curve",
    "Clear kept curves",
    "Reset weights",
    "Export handout",
    "Save",
]
SLIDERS = ["Step", "Learning rate"]
TEXTBOXES = [
    "Iterations",
    "Learning rate value",
    "Weight decay \u03bb",
    "Momentum \u03bc",
    "i1",
    "i2",
    "target o1",
    "target o2",
    *(f"w{k}" for k in range(1, 9)),
    "b1",
    "b2",
]
COMBOBOXES = ["Speed", "Pace", "Update order", "Handout"]
CHECKBOXES = ["Log scale", "Update biases", "as a quiz (blanks, answers at the end)"]
CONTROLS = (
    [("button", n) for n in BUTTONS]
    + [("slider", n) for n in SLIDERS]
    + [("textbox", n) for n in TEXTBOXES]
    + [("combobox", n) for n in COMBOBOXES]
    + [("checkbox", n) for n in CHECKBOXES]
)

# The text of the formula as MathJax rendered it, and as its assistive MathML.
_EQUATION = """(el) => {
    // the formula is typeset in pieces (one mjx-container each); the standby piece is hidden
    const boxes = [...el.querySelectorAll('mjx-container')].filter((b) => !b.closest('.bp-elided'));
    if (!boxes.length) return {typeset: false, glyphs: '', mathml: null, raw: el.textContent};
    if ([...el.querySelectorAll('.bp-piece:not(.bp-elided)')].some((p) => !p.querySelector('mjx-container'))) {
        return {typeset: false, glyphs: '', mathml: null, raw: el.textContent};  // pieces still to typeset
    }
    const glyph = (c) => {
        for (const k of c.classList) {
            const m = /^mjx-c([0-9A-F]+)$/.exec(k);
            if (m) return String.fromCodePoint(parseInt(m[1], 16));
        }
        return c.textContent;  // a MathJax that puts the character in the element itself
    };
    const mml = boxes.map((b) => b.querySelector('mjx-assistive-mml'));
    const glyphs = boxes.map((b) => [...b.querySelectorAll('mjx-math mjx-c')].map(glyph).join('')).join('');
    return {typeset: true, glyphs,
            mathml: mml.every((m) => m) ? mml.map((m) => m.textContent).join('') : null, raw: ''};
}"""

# Wait until the rendered formula (and its MathML, if any) contains every text in `wanted`.
_EQUATION_SHOWS = """([el, wanted]) => {
    const read = (EQUATION)(el);
    if (!read.typeset) return false;
    const clean = (s) => s.replace(/\\u2212/g, '-').replace(/\\s+/g, '');  // MathJax's minus sign
    return wanted.every((w) => clean(read.glyphs).includes(w)
                               && (read.mathml === null || clean(read.mathml).includes(w)));
}""".replace("EQUATION", _EQUATION)

# RGBA statistics of the curve's image (the first canvas of the ipympl figure).
_CANVAS_STATS = """(canvas) => {
    const {width, height} = canvas;
    if (!width || !height) return {width, height, opaque: 0, coloured: 0};
    const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    let opaque = 0, coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] < 128) continue;
        opaque++;
        const r = data[i], g = data[i + 1], b = data[i + 2];
        if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;  // not a grey: a curve
    }
    return {width, height, opaque, coloured};
}"""

# Records in the page when the training counter last changed.
_WATCH_COUNTER = """(el) => {
    window.__bpCounterChanged = performance.now();
    window.__bpCounterObserver && window.__bpCounterObserver.disconnect();
    window.__bpCounterObserver = new MutationObserver(() => {
        window.__bpCounterChanged = performance.now(); });
    window.__bpCounterObserver.observe(el, {subtree: true, childList: true, characterData: true});
}"""

# What a screen reader would call the focused element, and whether it is in the panel.
_FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return {inside: false, name: null, what: 'body'};
    let name = e.getAttribute('aria-label')
        || (e.labels && e.labels.length ? e.labels[0].textContent : '')
        || (e.tagName === 'BUTTON' ? e.textContent : '');
    name = (name || '').replace(/\\s+/g, ' ').trim();
    return {inside: !!e.closest('.bp-panel'), name,
            what: e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '')};
}"""


@dataclass
class Panel:
    """The explorer panel on a page of ``server`` ("lab", "notebook7" or "voila")."""

    page: Page
    server: str
    #: px by which each formula read so far overflowed the equation area (hidden, scrolls)
    overflow: dict[str, int] = field(default_factory=dict)

    @property
    def root(self) -> Locator:
        return self.page.locator(".bp-panel").first

    def button(self, name: str) -> Locator:
        return self.root.get_by_role("button", name=name, exact=True)

    def control(self, role: str, name: str) -> Locator:
        return self.root.get_by_role(role, name=name, exact=True)

    @property
    def equation(self) -> Locator:
        return self.root.locator(".bp-equation")

    @property
    def diagram(self) -> Locator:
        return self.root.locator("svg.bp-diagram")

    def node(self, data_id: str) -> Locator:
        return self.diagram.locator(f'g[data-id="{data_id}"]')

    def label_text(self, data_id: str, pattern: str) -> Locator:
        """The visible ``<text>`` of diagram element ``data_id`` (or its label) matching ``pattern``."""
        return self.diagram.locator(
            f'[data-id="{data_id}"] text, [data-for="{data_id}"] text', has_text=re.compile(pattern)
        )

    @property
    def counter(self) -> Locator:
        return self.root.locator(".widget-label", has_text=re.compile(r"^\s*[\d,]+ iterations? done"))

    @property
    def canvas(self) -> Locator:
        return self.root.locator(".jupyter-matplotlib-canvas-div canvas").first

    @property
    def current_phase(self) -> Locator:
        return self.root.locator(".bp-phases .bp-current")

    @property
    def status(self) -> Locator:
        """The panel-wide message (not the sliders' ``<output>`` readouts, also role=status)."""
        return self.root.locator("div[role=status]")

    # ------------------------------------------------------------- reading
    def read_equation(self) -> dict:
        return self.equation.evaluate(_EQUATION)

    def expect_equation(self, *wanted: str, timeout: int = WAIT_MS) -> None:
        """Wait until MathJax shows every string of ``wanted`` in the formula."""
        handle = self.equation.element_handle()
        try:
            self.page.wait_for_function(_EQUATION_SHOWS, arg=[handle, list(wanted)], timeout=timeout, polling=50)
        except Exception as error:  # Playwright's TimeoutError: say what was shown instead
            raise AssertionError(
                f"{self.server}: the formula did not show {wanted} within {timeout} ms; it shows {self.read_equation()}"
            ) from error
        self.overflow[" ".join(wanted)] = self.equation.evaluate("(e) => e.scrollWidth - e.clientWidth")

    def iteration(self) -> int:
        text = self.counter.text_content() or ""
        match = re.search(r"([\d,]+) iterations done", text)
        assert match, f"{self.server}: no iteration count in the counter {text!r}"
        return int(match.group(1).replace(",", ""))

    def canvas_stats(self) -> dict:
        return self.canvas.evaluate(_CANVAS_STATS)

    # ----------------------------------------------------------- artifacts
    def shot(self, state: str) -> Path:
        """Screenshot the whole panel as tests/artifacts/<server>-<state>.png."""
        helpers.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = helpers.ARTIFACTS / f"{self.server}-{state}.png"
        if self.server in NOTEBOOK_CLIENTS:  # the notebook scrolls inside its own panel
            helpers.scroll_lab_to(self.page, self.root)
        self.root.screenshot(path=str(path), animations="disabled")
        return path

    # ---------------------------------------------------------------- setup
    def start_fresh(self) -> None:
        """The seed's weights and learning rate, at step 0 of iteration 0."""
        rate = self.control("textbox", "Learning rate value")
        if rate.input_value() != "0.5":
            rate.fill("0.5")
            rate.press("Enter")
            expect(self.control("slider", "Learning rate")).to_have_value(str(RATES.index(0.5)))
        self.button("Reset weights").click()
        expect(self.status).to_contain_text("Weights restored")
        expect(self.counter).to_contain_text(re.compile(rf"^\s*0 iterations done, E_total {SEED_E_TOTAL}"))
        expect(self.equation).to_contain_text("Press Next step")


# ---------------------------------------------------------------- the steps
def controls_by_role(panel: Panel) -> None:
    """Every control is found by its role and exact accessible name, once."""
    expect(panel.root).to_be_visible()
    missing = [f"{role} {name!r}" for role, name in CONTROLS if panel.control(role, name).count() != 1]
    assert not missing, f"{panel.server}: not found by role and name (exactly once): {missing}"
    for role, name in CONTROLS:
        expect(panel.control(role, name)).to_be_visible()
    expect(panel.button("Previous step")).to_be_disabled()  # nothing to go back to yet
    expect(panel.button("Stop")).to_be_disabled()  # nothing running
    expect(panel.equation).to_contain_text("Press Next step")
    expect(panel.counter).to_contain_text(re.compile(rf"0 iterations done, E_total {SEED_E_TOTAL}"))
    panel.shot("01-controls")


def play_steps_toggle(panel: Panel) -> None:
    """Play steps plays (3 steps/s by default) as "Pause steps" until pressed again."""
    panel.button("Reset iteration").click()
    slider = panel.control("slider", "Step")
    expect(slider).to_have_value("0")
    try:
        panel.button("Play steps").click()
        time.sleep(1.5)  # about four steps at the default speed
        reached = int(slider.input_value())
        assert reached >= 3, f"{panel.server}: Play steps advanced only to step {reached} in 1.5 s"
        expect(panel.button("Pause steps")).to_be_visible(timeout=1_000)
        panel.button("Pause steps").click()
        expect(panel.button("Play steps")).to_be_visible()
        paused = slider.input_value()
        time.sleep(0.7)
        expect(slider).to_have_value(paused)
    finally:  # whatever happened, leave it paused at step 0
        if panel.button("Pause steps").count():
            panel.button("Pause steps").click()
        expect(panel.button("Play steps")).to_be_visible()
        panel.button("Reset iteration").click()
        expect(slider).to_have_value("0")


def forward_pass(panel: Panel) -> None:
    """Next step through the forward pass: each value in the formula and on its node."""
    panel.start_fresh()
    step = panel.button("Next step")
    for k, (_symbol, value, node, line) in enumerate(FORWARD, start=1):
        step.click()
        panel.expect_equation(f"={value}")
        expect(panel.label_text(node, rf"\b{line}\W*{re.escape(value)}\b")).to_have_count(1)
        expect(panel.control("slider", "Step")).to_have_value(str(k))
        expect(panel.current_phase).to_have_text("forward")
    # h1's label gained both of its numbers
    expect(panel.label_text("h1", r"net\W*0\.3775")).to_have_count(1)
    expect(panel.label_text("h1", r"out\W*0\.593269992")).to_have_count(1)
    expect(panel.root.locator(".bp-log li")).to_have_count(len(FORWARD))
    panel.shot("02-forward")


def error_and_backward(panel: Panel) -> None:
    """On to E_total, then back to dE_total/dw5, with w5, h1 and o1 highlighted."""
    step = panel.button("Next step")
    if panel.control("slider", "Step").input_value() != str(len(FORWARD)):
        panel.start_fresh()
        for _ in FORWARD:
            step.click()
        panel.expect_equation(f"={FORWARD[-1][1]}")
    for _symbol, value in ERRORS:
        step.click()
        panel.expect_equation(f"={value}")
        expect(panel.current_phase).to_have_text("error")
    expect(panel.label_text("E_total", re.escape(ERRORS[-1][1]))).to_have_count(1)
    for value in BACKWARD_TO_W5:
        step.click()
        panel.expect_equation(f"={value}")
        expect(panel.current_phase).to_have_text("backward")
    # the three factors of the chain rule, and their product
    panel.expect_equation("=0.74136507⋅0.186815602⋅0.593269992=0.082167041")
    active = re.compile(r"(^|\s)bp-active(\s|$)")
    for data_id in W5_HIGHLIGHT:
        expect(panel.node(data_id)).to_have_class(active)
    for data_id in ("w1", "h2", "o2"):
        expect(panel.node(data_id)).not_to_have_class(active)
    expect(panel.label_text("w5", r"0\.082167041")).to_have_count(1)  # the gradient on its edge
    panel.shot("03-backward-dw5")


def finish_iteration(panel: Panel) -> None:
    """Finish iteration: the update phase is done, w5's label shows its new value."""
    if panel.control("slider", "Step").input_value() != "16":  # not where error_and_backward ends
        panel.start_fresh()
    panel.button("Finish iteration").click()
    expect(panel.current_phase).to_have_text("update")
    expect(panel.label_text("w5", rf"w5\W*{re.escape(W5_UPDATED)}")).to_have_count(1)
    # its tooltip has the full precision (0.35891647971788465)
    expect(panel.node("w5").locator("title")).to_contain_text(re.compile(r"w5\+ = 0\.358916479"))
    expect(panel.control("slider", "Step")).to_have_value("53")
    panel.shot("04-finished")


def _update_uses_rate(panel: Panel, rate: str) -> None:
    """Next phase to the update phase: w5+ = 0.4 - rate * dE_total/dw5, worked out right."""
    for phase in ("forward", "error", "backward", "update"):
        panel.button("Next phase").click()
        expect(panel.current_phase).to_have_text(phase)
    panel.expect_equation(f"=0.4-{rate}⋅0.082167041=")
    text = panel.read_equation()["glyphs"].replace("\u2212", "-")
    match = re.search(r"=0\.4-([\d.]+)⋅0\.082167041=([\d.]+)$", text)
    assert match, f"{panel.server}: unexpected update formula {text!r}"
    assert match.group(1) == rate
    assert abs(float(match.group(2)) - (0.4 - float(rate) * DW5)) < 2e-9, text


def learning_rate_typed(panel: Panel, typed: str = "0.25") -> None:
    """A rate typed into "Learning rate value": the slider follows, the update step uses it."""
    panel.start_fresh()
    field = panel.control("textbox", "Learning rate value")
    field.fill(typed)
    field.press("Enter")
    slider = panel.control("slider", "Learning rate")
    # the slider's position is the round rate nearest the typed one (on a log scale); its text the typed rate
    nearest = min(range(len(RATES)), key=lambda i: abs(math.log10(RATES[i] / float(typed))))
    expect(slider).to_have_value(str(nearest))
    expect(slider).to_have_attribute("aria-valuetext", typed)
    _update_uses_rate(panel, typed)
    panel.shot("05-learning-rate-typed")


def learning_rate_keyboard(panel: Panel, presses: int = 3) -> None:
    """ArrowLeft on the learning-rate slider: each press lands on the next round rate down (0.3, 0.2, 0.15
    from 0.5); the update step uses the new rate.

    Each press waits for the kernel to take it (the text field beside the slider
    follows) before the next: presses faster than the kernel answers can lose one.
    """
    panel.start_fresh()
    slider = panel.control("slider", "Learning rate")
    field = panel.control("textbox", "Learning rate value")
    start = int(slider.input_value())
    slider.focus()
    for press in range(1, presses + 1):
        slider.press("ArrowLeft")
        position = start - press
        # the browser moves a native range input at once: no need to wait the full 15 s
        expect(slider).to_have_value(str(position), timeout=2_000)
        rate = number(RATES[position])
        expect(field).to_have_value(rate)  # committed to the kernel
    _update_uses_rate(panel, rate)
    panel.shot("05-learning-rate-keyboard")


def dropdown_by_keyboard(panel: Panel) -> None:
    """ArrowDown on a focused dropdown picks the next option (JupyterLab's shortcuts stay out)."""
    speed = panel.control("combobox", "Speed")
    before = speed.evaluate("(s) => s.selectedIndex")
    speed.focus()
    speed.press("ArrowDown")
    expect(speed).to_have_js_property("selectedIndex", before + 1, timeout=2_000)
    speed.press("ArrowUp")
    expect(speed).to_have_js_property("selectedIndex", before, timeout=2_000)


def invalid_weight(panel: Panel) -> None:
    """'abc' in w5: the message beside it names the accepted range; the diagram is unchanged."""
    panel.button("Reset iteration").click()
    expect(panel.control("slider", "Step")).to_have_value("0")
    field = panel.control("textbox", "w5")
    message = field.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]").locator(".bp-field-message")
    expect(message).to_have_count(1)
    expect(message).to_have_text("")
    svg = panel.diagram.evaluate("(svg) => svg.outerHTML")
    field.fill("abc")
    field.press("Enter")
    expect(message).to_contain_text("enter a number from -100 to 100")
    expect(message).to_contain_text("abc")
    expect(panel.root.locator(".bp-invalid").get_by_role("textbox", name="w5")).to_have_count(1)
    assert panel.diagram.evaluate("(svg) => svg.outerHTML") == svg, "the diagram changed"
    expect(panel.label_text("w5", r"w5\W*0\.4\b")).to_have_count(1)
    panel.shot("06-invalid-weight")


def train_and_stop(panel: Panel) -> None:
    """Train 10,000 at the watching pace, Stop after a second or so: it stops at once."""
    pace = panel.control("combobox", "Pace").evaluate("(s) => s.options[s.selectedIndex].textContent")
    assert pace.startswith("watch"), f"{panel.server}: pace is {pace!r}, not the default 'watch'"
    expect(panel.control("textbox", "Iterations")).to_have_value("10000")
    stop, train = panel.button("Stop"), panel.button("Train")
    expect(stop).to_be_disabled()
    before = panel.canvas_stats()
    assert before["opaque"] > 0, f"{panel.server}: the curve's canvas is blank before training"
    train.click()
    expect(stop).to_be_enabled(timeout=5_000)
    expect(train).to_be_disabled()
    expect(panel.counter).not_to_contain_text(re.compile(r"^\s*0 iterations done"), timeout=5_000)
    time.sleep(1.0)  # let it run for a while (about 2,000 iterations) before stopping
    panel.shot("07-training")
    panel.counter.evaluate(_WATCH_COUNTER)
    clicked = panel.page.evaluate("performance.now()")
    stop.click()
    expect(train).to_be_enabled(timeout=5_000)
    expect(stop).to_be_disabled()
    # The counter must come to rest well short of 10,000: a run that ignored Stop would
    # go on at 2,000 iterations/s to the end.  How long it took to rest is recorded, not
    # asserted: on a loaded machine the last chunk's frames can arrive a second late.
    panel.page.wait_for_function(
        "() => performance.now() - window.__bpCounterChanged > 1000", timeout=15_000, polling=100
    )
    settled = panel.page.evaluate("window.__bpCounterChanged") - clicked
    iterations = panel.iteration()
    assert 0 < iterations < 10_000, f"{panel.server}: stopped at iteration {iterations}"
    # the curve: more coloured (non-grey) pixels than before, once the run's last frame (sent
    # unasked when it stops) is drawn.  A loaded machine is slow at everything: the wait is
    # as many times WAIT_MS as the counter was slower to settle than on an idle one.
    slowness = min(CURVE_WAIT_CAP, max(1.0, settled / SETTLED_IDLE_MS))
    waited = panel.page.evaluate("performance.now()")
    try:
        panel.page.wait_for_function(
            f"(c) => ({_CANVAS_STATS})(c).coloured > {before['coloured']} + 200",
            arg=panel.canvas.element_handle(),
            timeout=round(WAIT_MS * slowness),
            polling=100,
        )
    except Exception as error:
        raise AssertionError(
            f"{panel.server}: no curve drawn within {WAIT_MS * slowness:.0f} ms "
            f"(the counter settled {settled:.0f} ms after Stop): before {before}, after {panel.canvas_stats()}"
        ) from error
    curve_ms = panel.page.evaluate("performance.now()") - waited
    panel.shot("08-stopped")
    timing = {
        "stopped_at_iteration": iterations,
        "counter_settled_ms_after_stop": round(settled),
        "curve_drawn_ms_after_settling": round(curve_ms),
        "curve_wait_ms": round(WAIT_MS * slowness),
    }
    (helpers.ARTIFACTS / f"{panel.server}-train-stop.json").write_text(json.dumps(timing))


# The legend in the curve's image: the box of its ground (the theme's paper, #ffffff or #111111, at
# the frame's 0.88 alpha on the transparent figure) and, inside it, the pixels of each entry's
# line sample in full colour: the current run's blue (#0072B2), the first kept curve's green
# (#009E73).  Curves under the ground show through it only faintly, never in full colour.
_LEGEND_STATS = """(canvas) => {
    const {width, height} = canvas;
    const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const near = (i, [r, g, b], by) => Math.abs(data[i] - r) <= by && Math.abs(data[i + 1] - g) <= by
                                       && Math.abs(data[i + 2] - b) <= by;
    let left = width, right = -1, top = height, bottom = -1, ground = 0;
    for (let i = 0; i < data.length; i += 4) {
        const a = data[i + 3];
        if (a < 200 || a > 240 || !(near(i, [255, 255, 255], 4) || near(i, [17, 17, 17], 4))) continue;
        const x = (i / 4) % width, y = Math.floor(i / 4 / width);
        ground++;
        left = Math.min(left, x); right = Math.max(right, x); top = Math.min(top, y); bottom = Math.max(bottom, y);
    }
    let current = 0, kept = 0;
    for (let y = top; y <= bottom; y++) {
        for (let x = left; x <= right; x++) {
            const i = 4 * (y * width + x);
            if (data[i + 3] < 250) continue;
            if (near(i, [0x00, 0x72, 0xb2], 12)) current++;
            if (near(i, [0x00, 0x9e, 0x73], 12)) kept++;
        }
    }
    return {ground, box: [left, top, right - left + 1, bottom - top + 1], current, kept};
}"""


def kept_curve_in_legend(panel: Panel) -> dict:
    """A kept curve joins the legend beside the current run, on a ground of its own."""
    assert panel.iteration() > 0, f"{panel.server}: train first: there is no curve to keep"
    panel.button("Keep curve").click()
    stats = curve_comes_to(
        panel,
        _LEGEND_STATS,
        "s.ground > 1500 && s.current > 20 && s.kept > 20",
        "the legend does not name the current run and the kept curve on its own ground",
    )
    panel.shot("09-kept-curve")
    panel.button("Clear kept curves").click()
    return stats


def tab_reaches_every_control(panel: Panel, max_presses: int = 200) -> None:
    """From the panel's first control, Tab focuses every enabled control in turn."""
    panel.button("Next step").click()  # so that Previous step is enabled (and focusable)
    expect(panel.button("Previous step")).to_be_enabled()
    expected = {(role, name) for role, name in CONTROLS if name != "Stop"}  # Stop: disabled
    expected_names = {name for _, name in expected}
    panel.button("Previous step").focus()
    seen, trail, stuck = [], [], 0
    for _ in range(max_presses):
        focused = panel.page.evaluate(_FOCUSED)
        trail.append(focused["name"] or f"<unnamed {focused['what']}>")
        if focused["inside"]:
            seen.append(focused["name"])
        if expected_names <= set(seen):
            break
        stuck = stuck + 1 if len(trail) > 1 and trail[-1] == trail[-2] else 0
        if stuck >= 5:
            break
        panel.page.keyboard.press("Tab")
    panel.page.evaluate("document.activeElement && document.activeElement.blur()")
    missing = sorted(expected_names - set(seen))
    assert not missing, (
        f"{panel.server}: Tab never reached {missing}; focus went "
        f"{' > '.join(dict.fromkeys(trail))}" + (f" and stayed on {trail[-1]}" if stuck >= 5 else "")
    )
    unnamed = sorted({t for t in trail if t.startswith("<unnamed")})
    assert not unnamed, f"{panel.server}: focusable without an accessible name: {unnamed}"


def choose_file(panel: Panel, path: Path) -> None:
    """Press Load and pick ``path`` in the browser's file chooser."""
    with panel.page.expect_file_chooser(timeout=WAIT_MS) as chooser:
        panel.root.locator(".widget-upload", has_text="Load").click()
    chooser.value.set_files(str(path))


def handout_save_and_load(panel: Panel, tmp_path: Path) -> None:
    """Export handout and Save give files the browser downloads; Load brings a saved state back."""
    panel.start_fresh()
    panel.button("Next step").click()
    panel.button("Next step").click()
    expect(panel.equation).to_contain_text("out")
    page = panel.page

    panel.button("Export handout").click()
    link = panel.root.locator('a[download="backprop-handout.html"]')
    with page.expect_download(timeout=WAIT_MS) as download:
        link.click()
    handout = Path(download.value.path()).read_text(encoding="utf-8")
    assert handout.startswith("<!DOCTYPE html>") and "0.291027774" in handout  # the seed's E_total after
    assert handout.count('<li class="step"') == 53

    panel.button("Save").click()
    link = panel.root.locator('a[download="backprop-session.json"]')
    with page.expect_download(timeout=WAIT_MS) as download:
        link.click()
    saved = tmp_path / "session.json"
    download.value.save_as(saved)
    assert json.loads(saved.read_text())["position"] == {"example": 0, "iteration": 0, "step": 2}

    panel.button("Next step").click()  # the panel moves on: the links go, they would be stale
    expect(panel.root.locator("a.bp-download")).to_have_count(0)
    expect(panel.control("slider", "Step")).to_have_value("3")

    choose_file(panel, saved)
    expect(panel.status).to_contain_text("Opened session.json")
    expect(panel.control("slider", "Step")).to_have_value("2")
    panel.shot("files-loaded")

    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "backprop-explorer session", "version": 99}')
    choose_file(panel, bad)
    expect(panel.status).to_contain_text("version 99")
    expect(panel.control("slider", "Step")).to_have_value("2")


def formulas_fit(panel: Panel) -> None:
    """Every formula read by the steps before fitted its area: no part hidden behind a scrollbar."""
    assert panel.overflow, "run the stepping tests first"
    clipped = {k: v for k, v in panel.overflow.items() if v > 1}
    width = panel.equation.evaluate("(e) => e.clientWidth")
    assert not clipped, (
        f"{panel.server}: {len(clipped)} of {len(panel.overflow)} formulas overflow "
        f"the {width} px equation area (px hidden): {clipped}"
    )


# Opaque grey pixels of the curve's image (its text, ticks and spines; the figure is transparent):
# how many are light (the dark theme's ink, #b3b3b3) and how many dark (the light theme's, #555555);
# the legend's ground (#ffffff or #111111) is neither.
_INK_STATS = """(canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let light = 0, dark = 0;
    for (let i = 0; i < data.length; i += 4) {
        const r = data[i], g = data[i + 1], b = data[i + 2];
        if (data[i + 3] < 200 || Math.max(r, g, b) - Math.min(r, g, b) > 16) continue;
        if (r >= 150 && r <= 215) light++; else if (r >= 50 && r <= 115) dark++;
    }
    return {light, dark};
}"""


def plots_follow_theme(panel: Panel, theme: str) -> dict:
    """The curve's ink is the theme's: mostly light greys on a dark page, dark greys on a light one."""
    more, fewer = ("light", "dark") if theme == "dark" else ("dark", "light")
    condition = f"s.{more} > 200 && s.{more} > 4 * s.{fewer}"
    return curve_comes_to(panel, _INK_STATS, condition, f"the curve's ink is not the {theme} theme's")


def curve_comes_to(panel: Panel, stats: str, condition: str, failure: str) -> dict:
    """Wait until the curve's image has ``stats`` (a JavaScript function of the canvas) that meet
    ``condition`` (JavaScript over them, as ``s``), as the kernel's frames arrive; those stats."""
    try:
        panel.page.wait_for_function(
            f"(c) => {{ const s = ({stats})(c); return {condition}; }}",
            arg=panel.canvas.element_handle(),
            timeout=WAIT_MS,
            polling=100,
        )
    except Exception as error:
        raise AssertionError(f"{panel.server}: {failure}: {panel.canvas.evaluate(stats)}") from error
    return panel.canvas.evaluate(stats)


def final_screenshot(panel: Panel, name: str) -> Path:
    """The whole panel, as it is now, in tests/artifacts/<name>.png."""
    helpers.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = helpers.ARTIFACTS / f"{name}.png"
    if panel.server in NOTEBOOK_CLIENTS:
        helpers.scroll_lab_to(panel.page, panel.root)
    panel.root.screenshot(path=str(path), animations="disabled")
    return path
