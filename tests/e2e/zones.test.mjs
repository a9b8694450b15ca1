// Racks in the page (issue 20): the multi-zone preset shows its three zones with their brokers
// on the cluster view, the cross-zone figure grows as the run goes on, and the risky settings
// come with their reasons; a share link comparing fetch-from-follower off (A) and on (B) shows
// the cross-zone difference in the A/B table. Screenshots at 1280×800 and 1920×1080.
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { preset } from './lib.mjs';

export const name = 'zones: rack labels, live cross-zone figure, risks, A/B placements';

const here = path.dirname(fileURLToPath(import.meta.url));
const code = (s) => 'v1.' + deflateRawSync(Buffer.from(JSON.stringify(s))).toString('base64url');

export async function run({ openPage, shots }) {
  const { page, problems } = await openPage('/');
  await page.waitForSelector('[data-broker="1"]');
  await preset(page, 'multi-zone');
  await page.waitForSelector('.zones-row .zone-chip');
  const chips = await page.locator('.zones-row .zone-chip').allTextContents();
  assert.deepEqual(chips.map((c) => c.split(':')[0]), ['az-a', 'az-b', 'az-c']);
  assert.match(chips[0], /1, 4/);
  const usd = async () => Number(await page.locator('.zones table.cross-zone').getAttribute('data-usd'));
  if ((await page.locator('button.play').textContent()).match(/Play/)) await page.click('button.play');
  await page.waitForFunction(() => Number(document.querySelector('.zones table.cross-zone')?.dataset.usd) > 0, null, { timeout: 30000 });
  const first = await page.locator('.zones .cross-zone td').allTextContents();
  await page.waitForFunction((f) => {
    const now = [...document.querySelectorAll('.zones .cross-zone td')].map((x) => x.textContent).join('|');
    return now !== f;
  }, first.join('|'), { timeout: 30000 });
  assert.ok(await usd() > 0);
  await page.screenshot({ path: path.join(shots, 'zones-1280.png') });
  // A risky variant: RF 2 with min ISR 2 is warned with its reason.
  const multi = JSON.parse(readFileSync(path.join(here, '../../scenarios/multi-zone.json'), 'utf8'));
  const risky = structuredClone(multi);
  risky.name = 'risky-zones';
  risky.topics[0].replication_factor = 2;
  const r = await openPage('/#s=' + code(risky));
  await r.page.waitForSelector('.zones .risks li');
  assert.match((await r.page.locator('.zones .risks').textContent()), /min\.insync\.replicas 2/);
  await r.page.close();
  // A/B placements: A without fetch-from-follower, B with it (multi-zone as shipped).
  const a = structuredClone(multi);
  delete a.cluster.config['replica.selector.class'];
  const ab = await openPage('/#s=' + code(a) + '&b=' + code(multi), { width: 1920, height: 1080 });
  await ab.page.waitForSelector('[aria-label="Run B"]');
  if ((await ab.page.locator('button.play').textContent()).match(/Play/)) await ab.page.click('button.play');
  await ab.page.waitForFunction(() => [...document.querySelectorAll('.compare-diff tbody th')].some((t) => t.textContent === 'cross_zone.consume_bytes'), null, { timeout: 60000 });
  const cells = await ab.page.evaluate(() => {
    const row = [...document.querySelectorAll('.compare-diff tbody tr')].find((r) => r.querySelector('th').textContent === 'cross_zone.consume_bytes');
    return [...row.querySelectorAll('td')].map((t) => t.textContent);
  });
  assert.ok(Number(cells[1]) < Number(cells[0]), `B (fetch from follower) crosses zones less: ${cells}`);
  const t = ab.page.locator('.zones table.cross-zone');
  assert.ok(Number(await t.getAttribute('data-usd-b')) < Number(await t.getAttribute('data-usd-a')));
  await ab.page.screenshot({ path: path.join(shots, 'zones-compare-1920.png') });
  assert.deepEqual(ab.problems, []);
  await ab.page.close();
  assert.deepEqual(problems, []);
  await page.close();
}
