// Crashing a broker from its own menu: it renders as crashed, the log says so, and after the
// session timeout its partitions get new leaders.
import assert from 'node:assert/strict';
import path from 'node:path';
import { act } from './lib.mjs';

export const name = 'crash a broker from its menu, see it crashed and leaders move';

export async function run({ openPage, shots }) {
  const { page, problems } = await openPage('/');
  await page.waitForSelector('svg.cluster-svg g.broker[data-broker="1"]');
  // Run fast so the controller's session timeout (9 s simulated) passes quickly.
  await page.selectOption('select[aria-label="Speed"]', { label: '100×' });
  await act(page, 'svg.cluster-svg g.broker[data-broker="1"] rect.box', 'crash broker 1');
  await page.waitForSelector('svg.cluster-svg g.broker.down[data-broker="1"]', { timeout: 5000 });
  await page.waitForFunction(() => document.querySelector('.log')?.textContent.includes('broker 1 crashed'), null, { timeout: 5000 });
  await page.waitForFunction(() => document.querySelector('.log')?.textContent.includes('controller fenced broker 1'), null, { timeout: 20000 });
  // The crashed broker says so in words, and leads nothing once fenced.
  await page.waitForFunction(() => /leads 0/.test(document.querySelector('g.broker[data-broker="1"]')?.textContent || ''), null, { timeout: 5000 })
    .catch(async (e) => { throw new Error(e.message + ' — broker 1 shows: ' + await page.locator('g.broker[data-broker="1"]').textContent()); });
  const state = await page.locator('g.broker[data-broker="1"] text.state').textContent();
  assert.match(state, /crashed/);
  await page.screenshot({ path: path.join(shots, 'crashed-broker.png') });
  assert.deepEqual(problems, []);
  await page.close();
}
