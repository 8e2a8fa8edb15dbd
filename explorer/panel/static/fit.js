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

// The height the panel is seen through: the notebook's scrolling panel in JupyterLab and
// Notebook 7, else the window.  A panel near the top of the page (the classroom page) also
// leaves room for what is above it, so it is all in view without scrolling.
function viewHeight(panel, scroller) {
  const height = scroller ? scroller.clientHeight : window.innerHeight;
  const top = scroller ? scroller.getBoundingClientRect().top - scroller.scrollTop : -window.scrollY;
  const offset = panel.getBoundingClientRect().top - top;
  return offset >= 0 && offset < 60 ? height - offset : height;
}

function render({ el }) {
  let panel = null, scroller = null, resize = null, typeset = null;
  const update = () => {
    panel.style.setProperty("--bp-view-h", `${Math.floor(viewHeight(panel, scroller))}px`);
    fitFormula(panel);
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
    resize = new ResizeObserver(update);
    resize.observe(scroller || document.documentElement);
    resize.observe(box);
    window.addEventListener("resize", update);
    typeset = new MutationObserver(refit);
    typeset.observe(box, { childList: true, subtree: true });
    update();
  };
  attach();
  return () => {
    cancelAnimationFrame(frame);
    cancelAnimationFrame(pending);
    if (resize) resize.disconnect();
    if (typeset) typeset.disconnect();
    window.removeEventListener("resize", update);
  };
}
export default { render };
