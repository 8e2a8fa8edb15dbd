// One state of the layout audit, measured in one call: page.evaluate(this file's text, args).
// args: {tickPx: the plots' tick labels in CSS px at the figure's own size, quiz: quiz on?,
//        section: the open section's name or null}.
// Returns what the audit checks: the essential set's boxes against the part of the screen
// the panel is seen through, clipped elements, overlapping diagram labels, text sizes and
// the step buttons' boxes.
(args) => {
  const panel = document.querySelector('.bp-panel');
  const round = (x) => Math.round(x * 10) / 10;
  const box = (r) => [round(r.left), round(r.top), round(r.width), round(r.height)];
  const shown = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';

  // The screen the panel is seen through: the window, cut to the notebook's own scroller
  // in JupyterLab and Notebook 7 (their notebooks scroll inside a panel, not the window);
  // the whole window when the panel is shown full screen.
  let view = {left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight};
  const scroller = panel.closest('.jp-WindowedPanel-outer');
  if (scroller && document.fullscreenElement !== panel) {
    const r = scroller.getBoundingClientRect();
    view = {left: Math.max(0, r.left), top: Math.max(0, r.top),
            right: Math.min(view.right, r.right), bottom: Math.min(view.bottom, r.bottom)};
  }
  const inside = (r) => r.width > 0 && r.height > 0 && r.left >= view.left - 1 && r.top >= view.top - 1
    && r.right <= view.right + 1 && r.bottom <= view.bottom + 1;

  const button = (name) => [...panel.querySelectorAll('button')]
    .find((b) => b.textContent.trim() === name && shown(b));
  const essential = {
    diagram: panel.querySelector('svg.bp-diagram'),
    'Previous step': button('Previous step'),
    'Next step': button('Next step'),
    'Next phase': button('Next phase'),
    'Finish iteration': button('Finish iteration'),
    'Reset iteration': button('Reset iteration'),
    phases: panel.querySelector('.bp-phases-box'),
    position: panel.querySelector('.bp-position'),
    Iteration: panel.querySelector('.bp-iteration input'),
    'of n': panel.querySelector('.bp-iteration-total'),
  };
  if (!args.section) {  // an open section may cover what the class reads, not the diagram and step bar
    const math = [...panel.querySelectorAll('.bp-equation mjx-container')];
    essential.formula = panel.querySelector('.bp-equation');
    essential.result = math.length ? math[math.length - 1] : null;
    essential.curve = panel.querySelector('.bp-plot-curve canvas');
    if (args.quiz) {
      essential['quiz answer'] = [...panel.querySelectorAll('input')].find((i) => i.placeholder === 'e.g. 0.7514');
      essential['quiz feedback'] = panel.querySelector('.bp-feedback');
    }
  } else {
    essential.section = panel.querySelector('.bp-drawer') || null;
  }
  const outside = [];
  const boxes = {};
  for (const [name, el] of Object.entries(essential)) {
    if (!shown(el)) { outside.push(`${name}: not shown`); continue; }
    const r = el.getBoundingClientRect();
    boxes[name] = box(r);
    if (!inside(r)) outside.push(`${name} at ${box(r)}`);
  }
  // the result must be seen within the formula's own box too, not cut by it
  if (essential.result && essential.formula && shown(essential.result)) {
    const r = essential.result.getBoundingClientRect(), f = essential.formula.getBoundingClientRect();
    if (r.right > f.right + 1 || r.bottom > f.bottom + 1) outside.push(`result cut by the formula's box at ${box(r)}`);
  }

  // Clipped: wider content than its box, where the box hides or scrolls the rest.
  const clipped = [];
  for (const el of panel.querySelectorAll('*')) {
    // MathJax's assistive MathML is clipped on purpose: it is read aloud, not seen
    if (el.closest('svg, .jupyter-matplotlib, mjx-assistive-mml') || !shown(el)) continue;
    // a 1-px box is a label kept for screen readers only, not text cut short
    if (el.clientWidth <= 1 || el.scrollWidth <= el.clientWidth + 1) continue;
    const overflow = getComputedStyle(el).overflowX;
    if (overflow === 'visible' && el.tagName !== 'INPUT') continue;
    const what = el.tagName === 'INPUT' ? `input "${el.value}"` : (el.textContent || '').trim().slice(0, 40);
    clipped.push(`${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 2).join('.')} ${el.scrollWidth}>${el.clientWidth} ${what}`);
  }

  // Diagram labels: text boxes on screen, every pair that overlaps by more than a pixel each way.
  const svg = panel.querySelector('svg.bp-diagram');
  const overlaps = [];
  let diagramPx = null, smallestText = '';
  if (svg) {
    const scale = svg.getScreenCTM().a;
    const texts = [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim() && shown(t));
    const rects = texts.map((t) => t.getBoundingClientRect());
    for (const t of texts) {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (diagramPx === null || px < diagramPx) { diagramPx = px; smallestText = t.textContent; }
    }
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const a = rects[i], b = rects[j];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) overlaps.push(`"${texts[i].textContent}" / "${texts[j].textContent}"`);
      }
    }
  }
  const math = panel.querySelector('.bp-equation mjx-container');
  const canvas = panel.querySelector('.bp-plot-curve canvas');
  const tickPx = shown(canvas) && canvas.width
    ? args.tickPx * canvas.getBoundingClientRect().width * window.devicePixelRatio / canvas.width : null;
  const stepButtons = ['Previous step', 'Next step', 'Next phase', 'Finish iteration', 'Reset iteration']
    .map((name) => boxes[name] || null);
  return {
    outside, clipped, overlaps, boxes, stepButtons,
    diagramPx: diagramPx === null ? null : round(diagramPx), smallestText,
    formulaPx: shown(math) ? round(parseFloat(getComputedStyle(math).fontSize)) : null,
    tickPx: tickPx === null ? null : round(tickPx),
    position: (panel.querySelector('.bp-position') || {}).textContent,
    scrollTop: scroller ? scroller.scrollTop : window.scrollY,
  };
}
