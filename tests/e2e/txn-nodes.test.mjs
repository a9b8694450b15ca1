// Transactions on the nodes (issue 19, page): the exactly-once preset's producer shows its
// transaction as a badge on its node (open with records and partitions, committing… or
// aborting… while it ends, and the zombie "fenced"), its tooltip names transactional.id,
// producer id, epoch and the transaction's partitions; the legend explains the LSO line and the
// COMMIT / ABORT ticks only when the scenario has transactions. Screenshots at 1280×800 and
// 1920×1080 in presentation mode.
import assert from 'node:assert/strict';
import path from 'node:path';
import { preset, smallestText, waitForSimTime } from './lib.mjs';

export const name = 'txn-nodes: transaction badges on producers, transaction keys in the legend';

/** Records every badge state seen, each animation frame (the ends last a few ms). */
const recordStates = () => {
  window.__txnSeen = new Set();
  const look = () => {
    for (const b of document.querySelectorAll('g.node.producer .txn-badge')) window.__txnSeen.add(b.dataset.state);
    requestAnimationFrame(look);
  };
  look();
};

export async function run({ openPage, shots }) {
  const { page, problems } = await openPage('/');
  await page.waitForSelector('[data-broker="1"]');
  // Without transactions: no badge, no transaction keys.
  assert.equal(await page.locator('.txn-badge').count(), 0);
  assert.equal(await page.locator('.legend .txn-keys').count(), 0);
  await preset(page, 'exactly-once');
  await page.waitForSelector('g.node.producer .txn-badge');
  await page.evaluate(recordStates);
  if ((await page.locator('button.play').textContent()).match(/Play/)) await page.click('button.play');
  const badge = page.locator('g.node.producer .txn-badge').first();
  await page.waitForFunction(() => document.querySelector('g.node.producer .txn-badge[data-state="open"]'), null, { timeout: 30000 });
  const open = await page.waitForFunction(() => {
    const b = document.querySelector('g.node.producer .txn-badge[data-state="open"] text');
    return b && /^txn #\d+ open · [\d,]+ rec · \d+ partitions?$/.test(b.textContent) && b.textContent;
  }, null, { timeout: 30000 });
  const words = await open.jsonValue();
  const tip = await page.locator('g.node.producer').first().locator(':scope > title').textContent();
  assert.match(tip, /transactional\.id payments-app · producer id \d+, epoch \d+/);
  assert.match(tip, /partitions in the transaction: (payments-\d(, )?)+/, tip);
  assert.match(await page.locator('g.node.producer').first().getAttribute('aria-label'), /transactional\.id payments-app/);
  // The legend names the LSO line and the markers, drawn as the strips draw them.
  const keys = await page.locator('.legend .txn-keys').allTextContents();
  assert.deepEqual(keys.length, 4, keys.join('|'));
  assert.match(keys.join('|'), /last stable offset \(LSO\).*COMMIT marker.*ABORT marker/);
  assert.equal(await page.locator('.legend .txn-keys svg line.lso').count(), 1);
  assert.equal(await page.locator('.legend .txn-keys svg rect.txn-marker.commit').count(), 1);
  assert.equal(await page.locator('.legend .txn-keys svg rect.txn-marker.abort').count(), 1);
  // Badge inside its box, text at the view's size.
  const [bb, box] = [await badge.boundingBox(), await page.locator('g.node.producer rect.box').first().boundingBox()];
  assert.ok(bb.y >= box.y && bb.y + bb.height <= box.y + box.height && bb.x + bb.width <= box.x + box.width + 0.5, `${JSON.stringify(bb)} in ${JSON.stringify(box)}`);
  assert.ok((await page.evaluate(smallestText)).min >= 12);
  await page.screenshot({ path: path.join(shots, 'txn-open-1280.png') });
  // The ends: committing and aborting (30% of the transactions abort).
  await page.waitForFunction(() => window.__txnSeen.has('committing') && window.__txnSeen.has('aborting'), null, { timeout: 60000 })
    .catch(async (e) => { throw new Error(`${e.message}: seen ${await page.evaluate(() => [...window.__txnSeen])}`); });
  // Faster to the zombie (paused at 20 s for 4 s, then fenced).
  await page.selectOption('select[aria-label="Speed"]', '3');
  await waitForSimTime(page, 24.5, 90000);
  await page.waitForSelector('g.node.producer .txn-badge[data-state="fenced"]', { timeout: 60000 });
  const fenced = page.locator('g.node.producer:has(.txn-badge[data-state="fenced"])');
  assert.match(await fenced.locator('.txn-badge text').textContent(), /^fenced/);
  assert.match(await fenced.locator(':scope > title').textContent(), /transactional\.id payments-app/);
  await page.click('button.play');
  await page.screenshot({ path: path.join(shots, 'txn-fenced-1280.png') });
  // In Chinese.
  await page.selectOption('select.lang', 'zh');
  await page.waitForFunction(() => /已被隔离/.test(document.querySelector('g.node.producer .txn-badge[data-state="fenced"] text')?.textContent || ''));
  assert.match((await page.locator('.legend .txn-keys').allTextContents()).join('|'), /最后稳定位移/);
  assert.deepEqual(problems, []);
  await page.close();

  // On a projector: presentation mode at 1920×1080, nothing under 20 px, the badge still inside.
  const big = await openPage('/', { width: 1920, height: 1080 });
  await big.page.waitForSelector('[data-broker="1"]');
  await preset(big.page, 'exactly-once');
  if ((await big.page.locator('button.play').textContent()).match(/Play/)) await big.page.click('button.play');
  await big.page.click('button.presentation-toggle');
  await big.page.waitForSelector('g.node.producer .txn-badge[data-state="open"]', { timeout: 30000 });
  await waitForSimTime(big.page, 2);
  const small = await big.page.evaluate(smallestText);
  assert.ok(small.min >= 20, `presentation: smallest text ${small.min} px: ${small.where}`);
  const pb = await big.page.locator('g.node.producer .txn-badge').first().boundingBox();
  const px = await big.page.locator('g.node.producer rect.box').first().boundingBox();
  assert.ok(pb.y + pb.height <= px.y + px.height && pb.x + pb.width <= px.x + px.width + 0.5);
  await big.page.screenshot({ path: path.join(shots, 'txn-1920-presentation.png') });
  assert.deepEqual(big.problems, []);
  assert.ok(words.length > 0);
}
