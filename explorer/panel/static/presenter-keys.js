const NEXT = new Set(["PageDown", "ArrowRight", " "]);
const PREVIOUS = new Set(["PageUp", "ArrowLeft"]);

function typing(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && !["button", "checkbox", "radio",
    "submit", "reset"].includes(target.type)) || target.closest(".cm-editor, .CodeMirror") !== null;
}

function render({ model, el }) {
  const panel = () => el.closest(".bp-panel");
  function onKey(event) {
    const key = NEXT.has(event.key) ? "next" : PREVIOUS.has(event.key) ? "previous" : null;
    if (key === null || !model.get("enabled") || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target, home = panel();
    if (home === null || typing(target)) return;
    if (event.key === " " && target instanceof Element && target.closest("button, input, [role=button]")) return;
    const inside = target instanceof Node && home.contains(target);
    const unfocused = target === document.body || target === document.documentElement || target === null;
    if (!inside && !(unfocused && document.querySelector(".bp-panel") === home)) return;
    event.preventDefault();  // no page scroll
    event.stopImmediatePropagation();  // and no notebook shortcut, no plot key
    model.send({ key });
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
  return () => window.removeEventListener("keydown", onKey, true);
}
export default { render };
