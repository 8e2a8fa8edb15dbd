// JupyterLab (and Voila's lab template) mark the body with the theme's
// lightness; a page without the marker is light.
function render({ model, el }) {
  const read = () => (document.body.dataset.jpThemeLight === "false" ? "dark" : "light");
  const update = () => {
    const theme = read();
    if (model.get("theme") !== theme) {
      model.set("theme", theme);
      model.save_changes();
    }
  };
  update();
  const watch = new MutationObserver(update);
  watch.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light"] });
  return () => watch.disconnect();
}
export default { render };
