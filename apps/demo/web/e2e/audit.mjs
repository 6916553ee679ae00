/* global document, window, getComputedStyle, SVGElement -- these run in the page */
// Checks of the page's accessibility and layout that the end-to-end test runs on every state it
// visits (WCAG 2.1 AA): names of controls and images, tab semantics, references between ids,
// contrast of every visible text, and no horizontal overflow; and axe-core's WCAG 2.1 A and AA rules.
import { fileURLToPath } from 'node:url';

/** The problems found on the page as it is now (an empty list when there are none). */
export async function auditPage(page) {
  return page.evaluate(() => {
    const problems = [];
    const where = (el) => {
      const testId = el.closest('[data-testid]')?.getAttribute('data-testid');
      return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${testId ? ` in [data-testid=${testId}]` : ''}`;
    };
    const visible = (el) => {
      if (el.closest('[hidden], [aria-hidden="true"], details:not([open]) > :not(summary)')) return false;
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const textOf = (id) => document.getElementById(id)?.textContent?.trim() ?? '';

    // the document
    if (document.documentElement.lang === '') problems.push('html has no lang');
    if (document.title.trim() === '') problems.push('the page has no title');
    if (document.querySelectorAll('main').length !== 1) problems.push('the page needs exactly one main landmark');
    if (document.querySelectorAll('h1').length !== 1) problems.push('the page needs exactly one h1');

    // ids: unique, and every reference points at one
    const ids = new Map();
    for (const el of document.querySelectorAll('[id]')) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
    for (const [id, n] of ids) if (n > 1) problems.push(`id "${id}" is used ${n} times`);
    for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls', 'for']) {
      for (const el of document.querySelectorAll(`[${attr}]`)) {
        for (const id of el.getAttribute(attr).split(/\s+/).filter(Boolean)) {
          if (!ids.has(id)) problems.push(`${where(el)}: ${attr} names a missing id "${id}"`);
        }
      }
    }

    // every control has a name
    const named = (el) =>
      (el.labels?.length ?? 0) > 0 ||
      (el.getAttribute('aria-label') ?? '').trim() !== '' ||
      (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).some((id) => textOf(id) !== '') ||
      (el.getAttribute('title') ?? '').trim() !== '';
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (el.type !== 'hidden' && !named(el)) problems.push(`${where(el)} has no label`);
    }
    for (const el of document.querySelectorAll('button')) {
      if ((el.textContent ?? '').trim() === '' && !named(el)) problems.push(`${where(el)}: a button without a name`);
    }
    for (const el of document.querySelectorAll('[role="img"], canvas, svg')) {
      if (!el.closest('[aria-hidden="true"]') && (el.getAttribute('aria-label') ?? '').trim() === '' && !el.hasAttribute('aria-labelledby')) {
        problems.push(`${where(el)}: an image without a text alternative`);
      }
    }

    // tabs
    for (const list of document.querySelectorAll('[role="tablist"]')) {
      for (const child of list.children) if (child.getAttribute('role') !== 'tab') problems.push(`${where(child)} sits in a tablist but is not a tab`);
    }
    for (const tab of document.querySelectorAll('[role="tab"]')) {
      const panel = document.getElementById(tab.getAttribute('aria-controls') ?? '');
      if (panel?.getAttribute('role') !== 'tabpanel') problems.push(`${where(tab)}: aria-controls does not name a tabpanel`);
      else if ((tab.getAttribute('aria-selected') === 'true') === panel.hidden) problems.push(`${where(tab)}: selection and its panel disagree`);
    }
    if (document.querySelectorAll('[aria-live], [role="status"], [role="alert"]').length === 0) problems.push('no live region');

    // contrast of every visible text (WCAG 1.4.3: 4.5:1, large text 3:1)
    const parse = (c) => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (m === null) return null;
      const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [r, g, b, a];
    };
    const over = (top, bottom) => {
      const a = top[3];
      return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1);
    };
    const luminance = (c) => {
      const [r, g, b] = c.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    const background = (el) => {
      const chain = [];
      for (let e = el; e !== null; e = e.parentElement) chain.unshift(e);
      let bg = [255, 255, 255, 1];
      let opacity = 1;
      for (const e of chain) {
        const style = getComputedStyle(e);
        opacity *= Number(style.opacity);
        if (style.backgroundImage !== 'none' && !(e instanceof SVGElement)) return { gradient: true };
        const c = parse(style.backgroundColor);
        if (c !== null && c[3] > 0) bg = over(c, bg);
      }
      return { bg, opacity };
    };
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, 4);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const el = node.parentElement;
      if (el === null || seen.has(el) || node.textContent.trim() === '') continue;
      seen.add(el);
      if (!visible(el) || el.closest('button:disabled, select:disabled, input:disabled, .sr-only, option')) continue;
      const style = getComputedStyle(el);
      const fgRaw = parse(el instanceof SVGElement ? style.fill : style.color);
      const back = background(el);
      if (fgRaw === null || back.gradient) continue;
      const fg = over([fgRaw[0], fgRaw[1], fgRaw[2], fgRaw[3] * back.opacity], back.bg);
      const size = parseFloat(style.fontSize);
      const bold = Number(style.fontWeight) >= 700;
      const need = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
      const r = ratio(fg, back.bg);
      if (r < need) problems.push(`${where(el)} “${node.textContent.trim().slice(0, 30)}”: contrast ${r.toFixed(2)}:1 < ${need}:1`);
    }

    // no horizontal overflow
    const overflow = document.documentElement.scrollWidth - window.innerWidth;
    if (overflow > 0) problems.push(`the page is ${overflow} px wider than the ${window.innerWidth} px window`);
    return problems;
  });
}

/** axe-core's script (node_modules/axe-core/axe.min.js), injected into the page before each run. */
const axeScript = fileURLToPath(import.meta.resolve('axe-core/axe.min.js'));

/** axe-core's violations of the WCAG 2.0 and 2.1 A and AA rules on the page as it is now. */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axeScript });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(' ')})`);
  });
}
