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
  // While a key is down or the handle is dragged, and for QUIET ms after, the kernel's
  // echoes of earlier presses are still arriving: moving the handle to them would put it
  // back a notch (three fast ArrowLeft presses ended one short).  The position the person
  // set stays; once they stop, the slider shows the value the kernel holds.
  const QUIET = 400;
  let holding = false;
  let quietUntil = 0;
  const busy = () => holding || performance.now() < quietUntil;
  function syncRest() {
    name.textContent = model.get("label");
    input.setAttribute("aria-label", model.get("label"));
    const n = stops().length;
    input.min = n ? 0 : toPosition(model.get("min"));
    input.max = n ? n - 1 : toPosition(model.get("max"));
    input.step = n ? 1 : model.get("step");
    input.disabled = model.get("disabled");
    error.textContent = model.get("error");
  }
  function sync() {
    syncRest();
    if (busy()) return;
    input.value = toPosition(model.get("value"));
    show(model.get("value"));
  }
  function release() {
    holding = false;
    quietUntil = performance.now() + QUIET;
    setTimeout(sync, QUIET + 10); // then show what the kernel kept
  }
  function commit() {
    model.set("value", fromPosition(Number(input.value)));
    model.save_changes();
  }
  input.addEventListener("keydown", () => (holding = true));
  input.addEventListener("keyup", release);
  input.addEventListener("pointerdown", () => (holding = true));
  input.addEventListener("pointerup", release);
  input.addEventListener("pointercancel", release);
  input.addEventListener("blur", () => holding && release());
  input.addEventListener("input", () => {
    show(fromPosition(Number(input.value)));
    if (model.get("continuous")) commit();
  });
  input.addEventListener("change", commit);
  for (const key of ["value", "min", "max", "step", "label", "disabled", "log", "stops", "error"]) {
    model.on("change:" + key, sync);
  }
  sync();
  // started late (anywidget waits 2 s for a view, then drops what came meanwhile): ask
  // the kernel for its current state, which it sends back whole
  model.send({ event: "ready" });
  wrap.append(name, input, readout, error);
  el.append(wrap);
}
export default { render };
