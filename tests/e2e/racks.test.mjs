// Racks inside the broker boxes (issue 20, page): with racks every broker box of the topology
// names its rack (small, inside the box, clear of the state text), and so does every broker
// tile of the overview; without racks nothing is drawn. The uneven-racks preset (per-broker
// racks, cluster.broker_racks: a, a, b, b, b, c) is an overview at 1280×800 and a topology at
// 1920×1080; a three-broker variant is a topology at 1280×800. Screenshots of each, and of
// presentation mode at 1920×1080 with rack b down.
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { preset, shareUrl, smallestText, waitForSimTime } from './lib.mjs';

export const name = 'racks: the rack in each broker box and tile, uneven racks preset';

const here = path.dirname(fileURLToPath(import.meta.url));
const UNEVEN = ['a', 'a', 'b', 'b', 'b', 'c'];
const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function checkTags(page, racks) {
  for (let id = 1; id <= racks.length; id++) {
    const node = page.locator(`svg.cluster-svg g.broker[data-broker="${id}"]`);
    const tag = node.locator('.rack-tag');
    assert.equal(await tag.count(), 1, `broker ${id}`);
    assert.equal(await tag.getAttribute('data-rack'), racks[id - 1]);
    assert.match(await tag.textContent(), new RegExp(`^(rack|机架) ${racks[id - 1]}$`));
    const [t, box, state] = [await tag.boundingBox(), await node.locator('rect.box').boundingBox(), await node.locator('text.state').boundingBox()];
    assert.ok(t.x >= box.x && t.x + t.width <= box.x + box.width && t.y >= box.y, `broker ${id}: tag ${JSON.stringify(t)} box ${JSON.stringify(box)}`);
    assert.ok(!overlaps(t, state), `broker ${id}: the tag covers the state ${JSON.stringify(t)} ${JSON.stringify(state)}`);
    assert.match(await node.getAttribute('aria-label'), new RegExp(`rack ${racks[id - 1]}`));
  }
}

async function checkTiles(page, racks) {
  await page.waitForSelector('.tile .tile-rack');
  assert.deepEqual(await page.locator('.tile .tile-rack').evaluateAll((x) => x.map((e) => e.dataset.rack)), racks);
  for (let i = 0; i < racks.length; i++) {
    const [t, tile] = [await page.locator('.tile .tile-rack').nth(i).boundingBox(), await page.locator('.tile').nth(i).boundingBox()];
    assert.ok(t.x >= tile.x && t.x + t.width <= tile.x + tile.width + 0.5 && t.y + t.height <= tile.y + tile.height, `tile ${i + 1}`);
  }
}

export async function run({ openPage, shots }) {
  const { page, problems } = await openPage('/');
  await page.waitForSelector('[data-broker="1"]');
  assert.equal(await page.locator('.rack-tag, .tile-rack').count(), 0, 'no racks, no tags');
  // 1280×800: six brokers are an overview; each tile names its rack.
  await preset(page, 'uneven-racks');
  await checkTiles(page, UNEVEN);
  const chips = await page.locator('.zones-row .zone-chip').allTextContents();
  assert.deepEqual(chips.map((c) => c.split(':')[0]), ['a', 'b', 'c']);
  assert.ok((await page.evaluate(smallestText)).min >= 12);
  await page.screenshot({ path: path.join(shots, 'racks-uneven-1280.png') });
  // Back to a preset without racks: the tags go.
  await preset(page, 'quickstart');
  await page.waitForFunction(() => !document.querySelector('.rack-tag, .tile-rack') && document.querySelector('svg.cluster-svg [data-broker="1"]'));
  assert.deepEqual(problems, []);
  await page.close();

  // Three brokers in three racks fit the topology at 1280×800.
  const s = JSON.parse(readFileSync(path.join(here, '../../scenarios/uneven-racks.json'), 'utf8'));
  s.name = 'three-racks';
  s.cluster.brokers = 3;
  s.cluster.broker_racks = ['a', 'b', 'c'];
  const three = await openPage(shareUrl(s));
  await three.page.waitForSelector('svg.cluster-svg [data-broker="3"] .rack-tag');
  await checkTags(three.page, ['a', 'b', 'c']);
  assert.ok((await three.page.evaluate(smallestText)).min >= 12);
  await three.page.screenshot({ path: path.join(shots, 'racks-three-1280.png') });
  assert.deepEqual(three.problems, []);
  await three.page.close();

  // 1920×1080: the six brokers' boxes, then presentation mode (tiles) with rack b down.
  const big = await openPage('/', { width: 1920, height: 1080 });
  await big.page.waitForSelector('[data-broker="1"]');
  await preset(big.page, 'uneven-racks');
  await big.page.waitForSelector('svg.cluster-svg [data-broker="6"] .rack-tag');
  await checkTags(big.page, UNEVEN);
  await big.page.screenshot({ path: path.join(shots, 'racks-uneven-1920.png') });
  await big.page.click('button.presentation-toggle');
  await big.page.selectOption('select[aria-label="Speed"]', '3');
  if ((await big.page.locator('button.play').textContent()).match(/Play/)) await big.page.click('button.play');
  await waitForSimTime(big.page, 17, 90000);
  await big.page.click('button.play');
  await checkTiles(big.page, UNEVEN);
  assert.equal(await big.page.locator('.tile.down').count(), 3, 'rack b is down');
  const small = await big.page.evaluate(smallestText);
  assert.ok(small.min >= 20, `presentation: smallest text ${small.min} px: ${small.where}`);
  await big.page.screenshot({ path: path.join(shots, 'racks-uneven-1920-presentation.png') });
  assert.deepEqual(big.problems, []);
}
