// The page loads, renders the cluster and a chart, runs, and logs no errors.
import assert from 'node:assert/strict';
import path from 'node:path';

export const name = 'smoke: page loads, cluster and chart render, no console errors';

export async function run({ openPage, shots }) {
  for (const [w, h] of [[1280, 800], [1920, 1080]]) {
    const { page, problems } = await openPage('/', { width: w, height: h });
    await page.waitForSelector('svg.cluster-svg g.broker', { timeout: 15000 });
    assert.equal(await page.title(), 'KafkaSim');
    assert.ok(await page.locator('canvas.chart-canvas').count() >= 1, 'a chart canvas');
    const t0 = await page.locator('.clock').textContent();
    await page.waitForTimeout(1500);
    const t1 = await page.locator('.clock').textContent();
    assert.notEqual(t0, t1, 'simulated time advances while playing');
    assert.equal(await page.locator('#panic-banner').count(), 0, 'no panic banner');
    await page.screenshot({ path: path.join(shots, `page-${w}x${h}.png`) });
    assert.deepEqual(problems, []);
    await page.close();
  }
}
