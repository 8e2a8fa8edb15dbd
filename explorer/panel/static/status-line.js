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
  model.on("change:value", show);
  model.on("change:kind", show);
  show();
  el.append(line);
}
export default { render };
