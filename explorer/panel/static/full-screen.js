// The presenter's full-screen button (see explorer/panel/full_screen.py).  The panel itself is
// shown full screen, so the page around it (menus, toolbars, the lesson) stays as it was.

// Browsers allow full screen only in answer to a click or a key: this runs in one.
function toggle(panel) {
  if (document.fullscreenElement === panel) return document.exitFullscreen();
  if (!document.fullscreenEnabled) return Promise.resolve();  // an iframe that does not allow it
  return panel.requestFullscreen({ navigationUI: "hide" });
}

// four corners, drawn rather than a font's glyph (not every font has one)
const ICON = '<svg class="bp-full-screen-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">'
  + '<path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4" fill="none" stroke="currentColor" stroke-width="2"/></svg>';

function render({ el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "bp-full-screen-button jupyter-button";
  button.innerHTML = `${ICON}<span class="bp-full-screen-text"></span>`;
  const text = button.querySelector(".bp-full-screen-text");
  const show = () => {
    const on = document.fullscreenElement !== null && document.fullscreenElement === el.closest(".bp-panel");
    // the name stays when a narrow panel shows the icon alone
    text.textContent = on ? "Exit full screen" : "Full screen";
    button.setAttribute("aria-label", text.textContent);
    button.title = on ? "Back to the page (Esc or F)" : "Show the panel alone on the screen (F)";
    button.setAttribute("aria-pressed", String(on));
    button.disabled = !document.fullscreenEnabled;
  };
  button.addEventListener("click", () => {
    const panel = el.closest(".bp-panel");
    if (panel) toggle(panel).catch(() => {}).finally(show);
  });
  document.addEventListener("fullscreenchange", show);
  show();
  el.classList.add("bp-full-screen");
  el.append(button);
  return () => document.removeEventListener("fullscreenchange", show);
}
export default { render };
