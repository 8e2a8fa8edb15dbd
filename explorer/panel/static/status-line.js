// One live region that stays in the page: screen readers announce changes
// to its text, which they often miss when a region is replaced wholesale.
function render({ model, el }) {
  const line = document.createElement("div");
  line.setAttribute("role", "status");
  line.setAttribute("aria-live", "polite");
  const show = () => {
    line.textContent = model.get("value");
    line.className = "bp-status bp-status-" + model.get("kind");
  };
  // A message answers what the user just did: when a section below has scrolled the line
  // out of view, bring it back by the least distance, unless that would take the control
  // in hand (the button just clicked, the field typed in) out of view: a person clicking
  // "Add layer" twice would find it gone.  Screen readers hear the message either way.
  const reveal = () => {
    if (!model.get("value")) return;
    const r = line.getBoundingClientRect();
    const scroller = line.closest(".jp-WindowedPanel-outer");
    const view = scroller ? scroller.getBoundingClientRect() : { top: 0, bottom: window.innerHeight };
    if (r.height === 0 || (r.top >= view.top && r.bottom <= view.bottom)) return;
    const by = r.top < view.top ? r.top - view.top : r.bottom - view.bottom;  // the page moves by this
    const held = document.activeElement;
    if (held instanceof Element && held !== line && line.closest(".bp-panel")?.contains(held)) {
      const c = held.getBoundingClientRect();
      if (c.top - by < view.top || c.bottom - by > view.bottom) return;
    }
    line.scrollIntoView({ block: "nearest" });
  };
  model.on("change:value", () => {
    show();
    requestAnimationFrame(reveal);
  });
  model.on("change:kind", show);
  show();
  el.append(line);
}
export default { render };
