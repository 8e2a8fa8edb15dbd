// Drives explorer/panel/static/slider.js with a stand-in DOM and model (no browser):
// three fast ArrowLeft presses while the kernel's echo of the first arrives late.
// Prints JSON: what was committed, and the value shown at the end.
import { pathToFileURL } from "node:url";

class Element {
  constructor(tag) {
    Object.assign(this, { tag, attributes: {}, listeners: {}, children: [], value: "", textContent: "" });
  }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  addEventListener(type, listener) { (this.listeners[type] ||= []).push(listener); }
  append(...children) { this.children.push(...children); }
  fire(type) { for (const listener of this.listeners[type] || []) listener({ type }); }
}
globalThis.document = { createElement: (tag) => new Element(tag) };

const state = { value: 5, min: 0, max: 10, step: 1, label: "Step", log: false, continuous: false, disabled: false, error: "" };
const handlers = {};
const committed = [];
const sent = [];
const model = {
  get: (key) => state[key],
  set(key, value) {
    if (state[key] === value) return;
    state[key] = value;
    for (const handler of handlers["change:" + key] || []) handler();
  },
  save_changes: () => committed.push(state.value),
  on: (event, handler) => (handlers[event] ||= []).push(handler),
  send: (message) => sent.push(message),
};

const slider = (await import(pathToFileURL(process.argv[2]).href)).default;
const el = new Element("div");
slider.render({ model, el });
const input = el.children[0].children[1];

function pressArrowLeft() {
  input.fire("keydown");
  input.value = String(Number(input.value) - 1); // the browser moves a native range input
  input.fire("input");
  input.fire("change");
  input.fire("keyup");
}
pressArrowLeft();
pressArrowLeft();
model.set("value", 4); // the kernel's echo of the first press, arriving after the second
const shownAfterEcho = input.value;
pressArrowLeft();
model.set("value", 2); // the kernel's echo of the last press
await new Promise((resolve) => setTimeout(resolve, 600));
console.log(JSON.stringify({ committed, shownAfterEcho, shown: input.value, sent }));
