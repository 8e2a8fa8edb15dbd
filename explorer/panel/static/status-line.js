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
  // A message answers what the user just did: when a section below has
  // scrolled the line out of view, bring it back by the least distance.
  const reveal = () => {
    if (!model.get("value")) return;
    const r = line.getBoundingClientRect();
    const outside = r.bottom <= 0 || r.top < 0 || r.bottom > window.innerHeight;
    if (r.height > 0 && outside) line.scrollIntoView({ block: "nearest" });
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
