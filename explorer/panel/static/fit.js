// Sizes the presenter layout to the height it is seen through (see explorer/panel/fit.py)
// and keeps the formula's result in view.

// The type steps a formula takes when its box is too small: the floor size, then the
// working elided.  presenter.css gives each class its meaning.
const SQUEEZE = ["bp-smaller", "bp-elide", "bp-elide-all"];

function overflows(box) {
  return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
}

function fitFormula(panel) {
  const box = panel.querySelector(".bp-equation");
  const formula = box && box.querySelector(".bp-formula");
  if (!formula) return;
  formula.classList.remove(...SQUEEZE);
  for (const level of SQUEEZE) {
    if (!overflows(box)) return;
    formula.classList.add(level);
  }
}

// The height the panel is seen through: the screen when it is shown full screen, the
// notebook's scrolling panel in JupyterLab and Notebook 7, else the window.  A panel near the
// top of the page (the classroom page) also leaves room for what is above it, so it is all in
// view without scrolling.
function viewHeight(panel, scroller) {
  if (document.fullscreenElement === panel) return panel.clientHeight;
  const height = scroller ? scroller.clientHeight : window.innerHeight;
  const top = scroller ? scroller.getBoundingClientRect().top - scroller.scrollTop : -window.scrollY;
  const offset = panel.getBoundingClientRect().top - top;
  return offset >= 0 && offset < 60 ? height - offset : height;
}

// The diagram's box, reported to the kernel (Fit.room) once a resize has settled for this long.
const ROOM_SETTLE_MS = 150;

// The diagram's box in whole steps, rounded down; null while it is not shown (no size).
function measureRoom(box, step) {
  const width = Math.floor(box.clientWidth / step) * step;
  const height = Math.floor(box.clientHeight / step) * step;
  return width > 0 && height > 0 ? [width, height] : null;
}

function render({ model, el }) {
  let panel = null, scroller = null, resize = null, typeset = null;
  // the box's size comes from the style sheet alone, never from the SVG in it: a diagram
  // redrawn for its room leaves the room as it was, and nothing is reported again
  let diagramBox = null, settle = 0;
  const reportRoom = () => {
    const room = diagramBox && measureRoom(diagramBox, model.get("room_step"));
    const last = model.get("room");
    if (!room || (last.length === 2 && last[0] === room[0] && last[1] === room[1])) return;
    model.set("room", room);
    model.save_changes();
  };
  const update = () => {
    panel.style.setProperty("--bp-view-h", `${Math.floor(viewHeight(panel, scroller))}px`);
    fitFormula(panel);
    clearTimeout(settle);
    settle = setTimeout(reportRoom, ROOM_SETTLE_MS);
  };
  // MathJax typesets after the formula's HTML arrives: fit once its glyphs are in
  let pending = 0;
  const refit = () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => fitFormula(panel));
  };
  let frame = 0;
  const attach = () => {
    panel = el.closest(".bp-panel");
    const box = panel && panel.querySelector(".bp-equation");
    if (!box) { frame = requestAnimationFrame(attach); return; }  // not on the page yet
    scroller = panel.closest(".jp-WindowedPanel-outer");
    diagramBox = panel.querySelector(".bp-diagram-box");
    resize = new ResizeObserver(update);
    resize.observe(scroller || document.documentElement);
    resize.observe(box);
    if (diagramBox) resize.observe(diagramBox);
    window.addEventListener("resize", update);
    document.addEventListener("fullscreenchange", update);
    typeset = new MutationObserver(refit);
    typeset.observe(box, { childList: true, subtree: true });
    update();
  };
  attach();
  return () => {
    cancelAnimationFrame(frame);
    cancelAnimationFrame(pending);
    clearTimeout(settle);
    if (resize) resize.disconnect();
    if (typeset) typeset.disconnect();
    window.removeEventListener("resize", update);
    document.removeEventListener("fullscreenchange", update);
  };
}
export default { render };
