// The in-page accessibility check of tests/test_browser.py: what a screen-reader or
// low-vision user would trip over first (labels, alt text, contrast, landmarks, ids).
() => {
  const problems = [];
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const parse = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  if (!document.documentElement.lang) problems.push("html without lang");
  if (!document.querySelector("main")) problems.push("no main landmark");
  if (!document.querySelector("h1")) problems.push("no h1");
  document.querySelectorAll("img:not([alt])").forEach((el) => problems.push("img without alt: " + el.src));
  document.querySelectorAll("input, select, textarea").forEach((el) => {
    if (el.type === "hidden" || el.closest("[aria-hidden=true]")) return;
    const labelled = (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || el.closest("label");
    if (!labelled) problems.push("control without label: " + (el.name || el.id));
  });
  document.querySelectorAll("a, button").forEach((el) => {
    if (el.closest(".visually-hidden, [aria-hidden=true]")) return;
    if (!(el.textContent.trim() || el.getAttribute("aria-label"))) problems.push("empty link or button: " + el.outerHTML.slice(0, 80));
  });
  const seen = new Set();
  document.querySelectorAll("[id]").forEach((el) => { if (seen.has(el.id)) problems.push("duplicate id " + el.id); seen.add(el.id); });
  document.querySelectorAll("p, li, a, td, th, dt, dd, label, h1, h2, h3, span, button, legend").forEach((el) => {
    if (!el.offsetParent || !el.textContent.trim() || el.closest(".visually-hidden, svg")) return;
    const style = getComputedStyle(el);
    const fg = parse(style.color).slice(0, 3);
    const l1 = luminance(fg), l2 = luminance(background(el));
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && parseInt(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)}: ${el.tagName} ${el.textContent.trim().slice(0, 40)}`);
  });
  return problems;
}
