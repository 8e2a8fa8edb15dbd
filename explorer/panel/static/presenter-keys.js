const NEXT = new Set(["PageDown", "ArrowRight", " "]);
const PREVIOUS = new Set(["PageUp", "ArrowLeft"]);
// as in slide shows: the panel alone on the screen, and back (its full-screen button)
const FULL_SCREEN = new Set(["f", "F"]);
// The panel counts as out of view when less than this share of it (or of the
// visible area, for a panel taller than that) shows.
const IN_VIEW = 0.5;

// Controls whose keys are their own: a person is typing, sliding or choosing there.
function choosing(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT" && !["button", "checkbox", "radio", "submit", "reset"].includes(target.type)) return true;
  return target.closest(".cm-editor, .CodeMirror, [role=slider], [role=spinbutton], [role=combobox], "
    + "[role=listbox], [role=textbox], [role=menu]") !== null;
}

// How much of el shows: its box clipped by the window and by every scrolling
// ancestor (JupyterLab's notebook scrolls inside its own panel, not the page).
// The body and the root are left to the window: JupyterLab's body is 0 px tall.
function visibleShare(el) {
  if (document.fullscreenElement !== null && document.fullscreenElement.contains(el)) return 1;
  const box = el.getBoundingClientRect();
  let top = 0, bottom = window.innerHeight;
  for (let a = el.parentElement; a !== null && a !== document.body; a = a.parentElement) {
    if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(a).overflowY)) {
      const clip = a.getBoundingClientRect();
      top = Math.max(top, clip.top);
      bottom = Math.min(bottom, clip.bottom);
    }
  }
  const shown = Math.min(box.bottom, bottom) - Math.max(box.top, top);
  const whole = Math.min(box.height, bottom - top);
  return whole > 0 ? Math.max(0, shown) / whole : 0;
}

function render({ model, el }) {
  const panel = () => el.closest(".bp-panel");
  let swallowSpaceUp = false;
  function onKey(event) {
    const key = NEXT.has(event.key) ? "next" : PREVIOUS.has(event.key) ? "previous"
      : FULL_SCREEN.has(event.key) ? "full screen" : null;
    if (key === null || !model.get("enabled") || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target, home = panel();
    if (home === null || choosing(target)) return;
    // the panel in front: the one shown full screen (the only one with the keys then), else the first
    const front = document.fullscreenElement || document.querySelector(".bp-panel");
    if (document.fullscreenElement !== null && front !== home) return;
    const inside = target instanceof Node && home.contains(target);
    const unfocused = target === document.body || target === document.documentElement || target === null;
    if (!inside && !(unfocused && front === home)) return;
    // scrolled away to read the lesson: the keys scroll the page as usual
    if (visibleShare(home) < IN_VIEW) return;
    if (key === "full screen") {  // the presenter's button does it (the notebook layout has none)
      const button = home.querySelector(".bp-full-screen-button");
      if (button === null || button.disabled) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      button.click();
      return;
    }
    // no page scroll, no notebook shortcut, no plot key; and Space steps even on a
    // focused button rather than pressing it (a click on Previous step left it focused)
    event.preventDefault();
    event.stopImmediatePropagation();
    swallowSpaceUp = event.key === " ";
    model.send({ key });
  }
  // a button presses on Space's keyup: that keyup belongs to the step already taken
  function onKeyUp(event) {
    if (event.key !== " " || !swallowSpaceUp) return;
    swallowSpaceUp = false;
    event.preventDefault();
    event.stopImmediatePropagation();
  }
  // Enter in the Iteration field opens that iteration; then the clicker works again
  // (the field would keep the focus and with it every key)
  function onEnter(event) {
    const home = panel();
    const target = event.target;
    if (event.key !== "Enter" || home === null || !(target instanceof Element)) return;
    if (!home.contains(target) || target.closest(".bp-iteration") === null) return;
    setTimeout(() => { if (document.activeElement === target) home.focus({ preventScroll: true }); }, 0);
  }
  // focusable (not by Tab): a click anywhere on the panel gives it the keys
  let tries = 0;
  const focusable = () => {  // the view is put in the page after render() returns
    const home = panel();
    if (home === null) { if (++tries < 50) setTimeout(focusable, 100); return; }
    if (!home.hasAttribute("tabindex")) home.tabIndex = -1;
  };
  focusable();
  // capture: the plot's canvas would otherwise swallow the keys pressed over it
  window.addEventListener("keydown", onKey, true);
  window.addEventListener("keyup", onKeyUp, true);
  // capture too: the field stops its keys from bubbling (onEnter waits for its handlers)
  window.addEventListener("keydown", onEnter, true);
  return () => {
    window.removeEventListener("keydown", onKey, true);
    window.removeEventListener("keyup", onKeyUp, true);
    window.removeEventListener("keydown", onEnter, true);
  };
}
export default { render };
