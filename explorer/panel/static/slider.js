function render({ model, el }) {
  const wrap = document.createElement("div");
  wrap.className = "bp-slider";
  const name = document.createElement("label");
  const input = document.createElement("input");
  const readout = document.createElement("output");
  const error = document.createElement("span");
  error.className = "bp-slider-error";
  error.setAttribute("role", "alert");
  input.type = "range";
  // JupyterLab binds the arrow keys to notebook navigation; let them move the slider
  input.setAttribute("data-lm-suppress-shortcuts", "true");
  input.id = "bp-slider-" + Math.random().toString(36).slice(2);
  name.htmlFor = input.id;
  const log = () => model.get("log");
  const stops = () => model.get("stops") || [];
  // with stops, a position is an index into them: the stop nearest the value (on a log scale if log)
  const scale = (v) => (log() ? Math.log10(v) : v);
  const nearest = (v) =>
    stops().reduce((best, s, i) => (Math.abs(scale(s) - scale(v)) < Math.abs(scale(stops()[best]) - scale(v)) ? i : best), 0);
  const toPosition = (v) => (stops().length ? nearest(v) : scale(v));
  const fromPosition = (p) => (stops().length ? stops()[p] : log() ? Math.pow(10, p) : p);
  const format = (v) => (log() ? String(Number(v.toPrecision(3))) : String(Math.round(v * 1e9) / 1e9));
  function show(value) {
    readout.textContent = format(value);
    input.setAttribute("aria-valuetext", format(value));
  }
  function sync() {
    name.textContent = model.get("label");
    input.setAttribute("aria-label", model.get("label"));
    const n = stops().length;
    input.min = n ? 0 : toPosition(model.get("min"));
    input.max = n ? n - 1 : toPosition(model.get("max"));
    input.step = n ? 1 : model.get("step");
    input.value = toPosition(model.get("value"));
    input.disabled = model.get("disabled");
    error.textContent = model.get("error");
    show(model.get("value"));
  }
  function commit() {
    model.set("value", fromPosition(Number(input.value)));
    model.save_changes();
  }
  input.addEventListener("input", () => {
    show(fromPosition(Number(input.value)));
    if (model.get("continuous")) commit();
  });
  input.addEventListener("change", commit);
  for (const key of ["value", "min", "max", "step", "label", "disabled", "log", "stops", "error"]) {
    model.on("change:" + key, sync);
  }
  sync();
  wrap.append(name, input, readout, error);
  el.append(wrap);
}
export default { render };
