// Safe by construction: index.html carries a strict Content-Security-Policy (no inline script,
// no inline style, WebAssembly allowed to compile), the bootstrap is a file, and exercising the
// page (menus, overview, charts, presentation mode, lessons) raises no policy violation. Every
// other end-to-end check runs under the same policy.
import assert from 'node:assert/strict';
import { act } from './lib.mjs';

export const name = 'CSP: strict policy in index.html, the page runs under it with no violation';

export async function run({ openPage, url }) {
  const html = await (await fetch(url + '/index.html')).text();
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
  assert.ok(csp, 'a CSP meta element');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.match(csp, /style-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|\*/);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  assert.doesNotMatch(html, /\sstyle=/, 'no inline style');
  const { page, problems } = await openPage('/');
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.reload();
  await page.waitForSelector('[data-broker="1"]');
  await act(page, 'g.broker[data-broker="1"] rect.box', 'isolate broker 1');
  await page.locator('figure.chart details.chart-table summary').first().click();
  await page.selectOption('select[aria-label="View"]', 'overview');
  await page.waitForSelector('.overview canvas.heat');
  await page.selectOption('select[aria-label="View"]', 'auto');
  await page.click('button.presentation-toggle');
  await page.selectOption('select[aria-label="Lesson"]', '1');
  await page.waitForSelector('section.lesson');
  await page.click('section.lesson button.skip');
  await page.waitForTimeout(1000);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(problems, []);
  await page.close();
}
