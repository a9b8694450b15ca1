// Shared helpers of the end-to-end checks (not a test file itself).
import { deflateRawSync } from 'node:zlib';

/** The share-link path (`/#s=…`) of a scenario object. */
export function shareUrl(scenario) {
  return '/#s=v1.' + deflateRawSync(Buffer.from(JSON.stringify(scenario))).toString('base64url');
}

/** Runs in the page: the smallest rendered text size in px (SVG text scaled by its transform),
 *  and where it is. Hidden text (closed menus, <title>, options, visually hidden) is skipped. */
export const smallestText = () => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n, min = Infinity, where = '';
  while ((n = walker.nextNode())) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    if (!el || el.closest('title, option, .visually-hidden, noscript')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none' || cs.opacity === '0') continue;
    let size = parseFloat(cs.fontSize);
    if (el instanceof SVGElement) {
      const m = el.getScreenCTM();
      if (m) size *= Math.hypot(m.a, m.b);
    }
    if (size < min) { min = size; where = `${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''}: ${n.textContent.trim().slice(0, 40)}`; }
  }
  return { min, where };
};

/** Runs in the page: the share of the viewport the cluster view covers. */
export const clusterShare = () => {
  const el = document.querySelector('[aria-label="Cluster view"]');
  if (!el) return 0;
  const r = el.getBoundingClientRect();
  const w = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
  const h = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
  return (w * h) / (innerWidth * innerHeight);
};

/** Runs in the page: text whose contrast with its background is under 4.5:1 (WCAG AA), as
 *  `ratio text` strings. SVG text is measured against the fill of its box. */
export const lowContrast = () => {
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c || '');
    if (!m) return null;
    const v = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1 };
  };
  const lum = ({ r, g, b }) => {
    const f = (x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const htmlBg = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const svgBg = (el) => {
    for (let g = el.parentElement; g && g instanceof SVGElement; g = g.parentElement) {
      const box = g.querySelector(':scope > rect.box');
      if (box) {
        const f = getComputedStyle(box).fill;
        if (f.startsWith('url')) return { r: 254, g: 202, b: 202, a: 1 }; // the hatch's stripes
        const c = parse(f);
        if (c) return c;
      }
    }
    return htmlBg(el.ownerSVGElement?.parentElement || document.body);
  };
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    if (!el || el.closest('title, option, .visually-hidden, noscript, :disabled')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none') continue;
    const svg = el instanceof SVGElement;
    const fg = parse(svg ? cs.fill : cs.color);
    if (!fg) continue;
    const k = ratio(fg, svg ? svgBg(el) : htmlBg(el));
    if (k < 4.5) bad.push(`${k.toFixed(2)} ${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''}: ${n.textContent.trim().slice(0, 30)}`);
  }
  return [...new Set(bad)];
};

/** Waits until simulated time (the clock) passes `seconds`. */
export async function waitForSimTime(page, seconds, timeout = 60000) {
  await page.waitForFunction((s) => {
    const m = /t = ([0-9.]+) s/.exec(document.querySelector('.clock')?.textContent || '');
    return m && Number(m[1]) > s;
  }, seconds, { timeout });
}

/** Chooses a built-in scenario. */
export async function preset(page, name) {
  await page.selectOption('select[aria-label="Preset scenario"]', name);
}

/** Opens the actions menu of a broker (click) and chooses the item with this name. */
export async function act(page, target, item) {
  await page.click(target);
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}
