// Clicking a broker crashes it: it renders as crashed, the log says so, and after the
// session timeout its partitions get new leaders.
import assert from 'node:assert/strict';
import path from 'node:path';

export const name = 'crash a broker by clicking it, see it crashed and leaders move';

export async function run({ openPage, shots }) {
  const { page, problems } = await openPage('/');
  await page.waitForSelector('svg.cluster-svg g.broker[data-broker="1"]');
  // Run fast so the controller's session timeout (9 s simulated) passes quickly.
  await page.selectOption('select[aria-label="Speed"]', { label: '100×' });
  await page.click('svg.cluster-svg g.broker[data-broker="1"] rect.box');
  await page.waitForSelector('svg.cluster-svg g.broker.down[data-broker="1"]', { timeout: 5000 });
  await page.waitForFunction(() => document.querySelector('.log')?.textContent.includes('broker 1 crashed'), null, { timeout: 5000 });
  await page.waitForFunction(() => document.querySelector('.log')?.textContent.includes('controller fenced broker 1'), null, { timeout: 20000 });
  const stars = await page.locator('svg.cluster-svg g.broker[data-broker="1"] g.replica.leader').count();
  assert.equal(stars, 0, 'a fenced broker leads nothing');
  await page.screenshot({ path: path.join(shots, 'crashed-broker.png') });
  assert.deepEqual(problems, []);
  await page.close();
}
