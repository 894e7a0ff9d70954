window.addEventListener("load", () => {
  const vw = document.documentElement.clientWidth;
  const boxes = [];
  const seenSvg = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest("script,style,title,desc,.sr,#probe-out")) continue;
    const svgText = el.closest("text");
    let rects;
    if (svgText) {
      if (seenSvg.has(svgText)) continue;
      seenSvg.add(svgText);
      rects = [svgText.getBoundingClientRect()];
    } else {
      const range = document.createRange();
      range.selectNodeContents(node);
      rects = Array.from(range.getClientRects());
    }
    for (const r of rects) {
      if (r.width < 0.5 || r.height < 0.5) continue;
      boxes.push({x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height, el: svgText || el,
                  t: node.textContent.trim().slice(0, 40), svg: !!svgText});
    }
  }
  const overlaps = [], clipped = [], small = [], tall = [];
  const sorted = boxes.slice().sort((a, b) => a.y - b.y);
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    for (let j = i + 1; j < sorted.length && sorted[j].y < a.y + a.h - 1; j++) {
      const b = sorted[j];
      if (a.el === b.el && !a.svg) continue;  // one text's own line boxes
      const dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (dx > 1 && dy > 1) overlaps.push(`${a.t} | ${b.t} (${Math.round(a.x)},${Math.round(a.y)})`);
    }
  }
  for (const b of boxes) {
    const left = b.x - scrollX, top = b.y - scrollY;
    let scroller = false;
    for (let p = b.el.parentElement; p && p !== document.body; p = p.parentElement) {
      const cs = getComputedStyle(p);
      const r = p.getBoundingClientRect();
      const inside = left >= r.left - 1 && left + b.w <= r.right + 1 && top >= r.top - 1 && top + b.h <= r.bottom + 1;
      if (p.tagName.toLowerCase() === "svg" && !inside) { clipped.push(`${b.t}: outside its chart`); break; }
      if (["TD", "TH"].includes(p.tagName) && !inside && !b.svg) { clipped.push(`${b.t}: spills out of its cell`); break; }
      if (["auto", "scroll"].includes(cs.overflowX)) { scroller = true; }
      if (["hidden", "clip"].includes(cs.overflowX) && !inside) { clipped.push(`${b.t}: clipped by ${p.tagName}.${p.className}`); break; }
    }
    if (!scroller && (left < -1 || left + b.w > vw + 1)) clipped.push(`${b.t}: off the page (${Math.round(left)}..${Math.round(left + b.w)} of ${vw})`);
    if (b.svg && b.h < 9) small.push(`${b.t}: ${b.h.toFixed(1)} px`);
  }
  for (const tr of document.querySelectorAll("tr")) {
    const h = tr.getBoundingClientRect().height;
    if (h > 420) tall.push(`${tr.textContent.trim().slice(0, 40)}: ${Math.round(h)} px`);
  }
  const out = {vw, boxes: boxes.length, overlaps, clipped, small, tall,
               scrollWidth: document.documentElement.scrollWidth, clientWidth: vw};
  parent.postMessage(JSON.stringify(out), "*");
});
