// Lag, defined: the consumers' records-lag (high watermark − position) and the committed lag
// kafka-consumer-groups.sh shows (high watermark − committed offset) are both shown, labelled
// and explained, in the groups panel and as the lag chart's two lines per group, in English
// and in Chinese.
import assert from 'node:assert/strict';
import { waitForSimTime } from './lib.mjs';

export const name = 'lag: both definitions visible, labelled and explained';

export async function run({ openPage }) {
  const { page, problems } = await openPage('/');
  await page.waitForSelector('section.groups');
  await waitForSimTime(page, 12);
  const groups = await page.locator('section.groups').textContent();
  assert.match(groups, /records-lag/);
  assert.match(groups, /committed lag/);
  assert.match(groups, /high watermark − position/);
  assert.match(groups, /high watermark − committed offset/);
  assert.match(groups, /kafka-consumer-groups\.sh --describe/);
  assert.ok(await page.locator('section.groups').isVisible());
  const legend = await page.locator('figure[data-chart="lag"] .chart-legend').textContent();
  assert.match(legend, /records-lag billing/);
  assert.match(legend, /committed lag billing/);
  // The two lines differ in style, not only colour.
  assert.equal(await page.locator('figure[data-chart="lag"] .swatch.dashed').count(), 1);
  // The numbers differ between commits (auto commit every 5 s), as the description says.
  const cells = await page.locator('section.groups tbody td').allTextContents();
  assert.equal(cells.length, 3);
  assert.ok(Number(cells[2]) > Number(cells[1]), `committed lag ${cells[2]} above records-lag ${cells[1]}`);
  await page.selectOption('select[aria-label="Language / 语言"]', 'zh');
  await page.waitForFunction(() => document.querySelector('section.groups')?.textContent.includes('已提交滞后'));
  const zh = await page.locator('section.groups').textContent();
  assert.match(zh, /records-lag/);
  assert.match(zh, /高水位 − 消费位置/);
  await page.selectOption('select[aria-label="Language / 语言"]', 'en');
  assert.deepEqual(problems, []);
  await page.close();
}
