// ipympl's plot takes focus and swallows every key, Tab included, so a
// keyboard user can never leave it.  One capture-phase listener per page lets
// Tab and Shift+Tab through (the browser then moves focus as usual).  It also
// names the plot for screen readers and keeps JupyterLab's shortcuts out of
// the panel (they take the arrow keys from dropdowns).
function render({ model, el }) {
  if (!window.__bpKeyboardPassage) {
    window.__bpKeyboardPassage = true;
    window.addEventListener("keydown", (event) => {
      if (event.key === "Tab" && event.target instanceof Element
          && event.target.closest(".jupyter-matplotlib")) {
        event.stopImmediatePropagation();
      }
    }, true);
  }
  const name = () => {
    // each plot's widget carries a class naming it (bp-plot-curve, ...)
    const labels = model.get("plot_labels");
    for (const canvas of document.querySelectorAll(".bp-panel .jupyter-matplotlib-canvas-div")) {
      const plot = canvas.closest(".jupyter-matplotlib");
      const kind = Object.keys(labels).find((k) => plot && plot.classList.contains(k));
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", labels[kind || "bp-plot-curve"]);
    }
    // keys pressed in the panel's dropdowns and fields belong to them (arrow
    // keys), not to JupyterLab's notebook shortcuts; Lumino reads the marker on
    // the focused element itself, so it goes on each control
    for (const control of document.querySelectorAll(".bp-panel select, .bp-panel input")) {
      control.setAttribute("data-lm-suppress-shortcuts", "true");
    }
  };
  name();
  const timer = setInterval(name, 1000);
  return () => clearInterval(timer);
}
export default { render };
