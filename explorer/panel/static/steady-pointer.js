// A click that reshapes the panel (a layer added, so the diagram above is drawn lower)
// reflows everything beneath the change: the control just clicked would slide away from
// the pointer, and the next click in quick succession would land on something else.  For
// a while after each click, the page is scrolled by as much as the layout moved the clicked
// control, so it stays under the pointer.  Scrolling moves nothing in the layout, so a
// scroll by anyone (a wheel, a key, the page itself) is kept; wheel, touch and keys also
// end the hold, as the person has moved on, and so does a resized window: what it reflows
// is the new size's layout, not the click's, and holding the control would scroll the
// panel away from where that layout puts it.  One capture-phase listener per page.

const HOLD_MS = 5000;

// The notebook's own scrolling panel in JupyterLab and Notebook 7, else the window.
function scrollerOf(element) {
  return element.closest(".jp-WindowedPanel-outer");
}

function scrolled(scroller) {
  return scroller ? scroller.scrollTop : window.scrollY;
}

function hold(control) {
  const scroller = scrollerOf(control);
  const panel = control.closest(".bp-panel");
  let seen = control.getBoundingClientRect().top;  // where the pointer found it
  let placed = seen + scrolled(scroller);          // where the layout puts it
  const size = `${window.innerWidth}x${window.innerHeight}`;
  let mutations = null, resizes = null, timer = 0;
  const release = () => {
    mutations.disconnect();
    resizes.disconnect();
    clearTimeout(timer);
  };
  const follow = () => {
    if (!control.isConnected || `${window.innerWidth}x${window.innerHeight}` !== size) return release();
    const top = control.getBoundingClientRect().top;
    if (Math.abs(top + scrolled(scroller) - placed) >= 0.5) {  // the layout moved it
      const by = top - seen;  // zero where the browser's own scroll anchoring kept it
      if (scroller) scroller.scrollTop += by;
      else window.scrollBy(0, by);
    }
    seen = control.getBoundingClientRect().top;
    placed = seen + scrolled(scroller);
  };
  // a widget's update lands in a task, and a mutation observer answers before the next
  // task (a second click among them); the resize observer catches what reflows otherwise
  mutations = new MutationObserver(follow);
  mutations.observe(panel, { childList: true, subtree: true, attributes: true, characterData: true });
  resizes = new ResizeObserver(follow);
  resizes.observe(panel);
  timer = setTimeout(release, HOLD_MS);
  return release;
}

function render() {
  if (window.__bpSteadyPointer) return;
  window.__bpSteadyPointer = true;
  let release = () => {};
  const letGo = () => release();
  window.addEventListener("click", (event) => {
    release();
    const control = event.target instanceof Element && event.target.closest(".bp-panel button");
    release = control ? hold(control) : () => {};
  }, true);
  for (const kind of ["wheel", "touchstart", "keydown"]) {
    window.addEventListener(kind, letGo, { capture: true, passive: true });
  }
}
export default { render };
