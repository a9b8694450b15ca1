// The cluster is the page: at 1280×800 the cluster view covers at least half of the viewport
// and no text is under 12 px; in presentation mode at 1920×1080 no text is under 20 px; on a
// phone (390×844) the page does not scroll sideways and the cluster is readable. Screenshots of
// small and big clusters, in English and Chinese, for the README.
import assert from 'node:assert/strict';
import path from 'node:path';
import { smallestText, clusterShare, preset, waitForSimTime } from './lib.mjs';

export const name = 'layout: the cluster view is the page, text at least 12 px (20 px presenting), phone usable';

export async function run({ openPage, shots }) {
  const { page, problems } = await openPage('/', { width: 1280, height: 800 });
  await page.waitForSelector('svg.cluster-svg g.broker');
  await waitForSimTime(page, 8);
  const share = await page.evaluate(clusterShare);
  const text = await page.evaluate(smallestText);
  console.log(`     1280x800: cluster view ${(share * 100).toFixed(0)}% of the viewport, smallest text ${text.min} px (${text.where})`);
  assert.ok(share >= 0.5, `cluster view covers ${share}`);
  assert.ok(text.min >= 12, `smallest text ${text.min} px: ${text.where}`);
  await page.screenshot({ path: path.join(shots, 'small-1280x800-en.png') });
  await page.selectOption('select[aria-label="Language / 语言"]', 'zh');
  await page.waitForFunction(() => document.querySelector('h2')?.textContent.includes('场景'));
  assert.ok((await page.evaluate(smallestText)).min >= 12);
  await page.screenshot({ path: path.join(shots, 'small-1280x800-zh.png') });
  await page.selectOption('select[aria-label="Language / 语言"]', 'en');
  // The big cluster: the overview, still the page.
  await preset(page, 'big-cluster');
  await page.waitForSelector('.overview .tile[data-broker="30"]');
  await page.waitForTimeout(3000);
  const big = await page.evaluate(smallestText);
  assert.ok(await page.evaluate(clusterShare) >= 0.5);
  assert.ok(big.min >= 12, `big cluster: smallest text ${big.min} px: ${big.where}`);
  await page.screenshot({ path: path.join(shots, 'big-1280x800-en.png') });
  await page.selectOption('select[aria-label="Language / 语言"]', 'zh');
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(shots, 'big-1280x800-zh.png') });
  await page.selectOption('select[aria-label="Language / 语言"]', 'en');
  await preset(page, 'quickstart');
  assert.deepEqual(problems, []);
  await page.close();

  // Presentation mode on a projector.
  const pres = await openPage('/', { width: 1920, height: 1080 });
  await pres.page.waitForSelector('svg.cluster-svg g.broker');
  await pres.page.click('button.presentation-toggle');
  await pres.page.waitForSelector('.page.presentation svg.cluster-svg[font-size="20"] g.broker');
  await waitForSimTime(pres.page, 8);
  const p = await pres.page.evaluate(smallestText);
  console.log(`     1920x1080 presentation: smallest text ${p.min} px (${p.where}), cluster ${(await pres.page.evaluate(clusterShare) * 100).toFixed(0)}%`);
  assert.ok(p.min >= 20, `presentation: smallest text ${p.min} px: ${p.where}`);
  await pres.page.screenshot({ path: path.join(shots, 'presentation-1920x1080-en.png') });
  await pres.page.selectOption('select[aria-label="Language / 语言"]', 'zh');
  await pres.page.waitForTimeout(600);
  assert.ok((await pres.page.evaluate(smallestText)).min >= 20);
  await pres.page.screenshot({ path: path.join(shots, 'presentation-1920x1080-zh.png') });
  await pres.page.selectOption('select[aria-label="Language / 语言"]', 'en');
  await preset(pres.page, 'big-cluster');
  await pres.page.waitForSelector('.overview .tile[data-broker="30"]');
  await pres.page.waitForTimeout(2500);
  const pb = await pres.page.evaluate(smallestText);
  assert.ok(pb.min >= 20, `presentation, big cluster: ${pb.min} px: ${pb.where}`);
  await pres.page.screenshot({ path: path.join(shots, 'presentation-big-1920x1080-en.png') });
  await preset(pres.page, 'quickstart');
  assert.deepEqual(pres.problems, []);
  await pres.page.close();

  // A phone.
  const phone = await openPage('/', { width: 390, height: 844 });
  await phone.page.waitForSelector('svg.cluster-svg g.broker');
  await waitForSimTime(phone.page, 5);
  const wide = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 391, `no sideways scrolling on a phone (page is ${wide} px wide)`);
  const ph = await phone.page.evaluate(smallestText);
  assert.ok(ph.min >= 12, `phone: smallest text ${ph.min} px: ${ph.where}`);
  // The controls are reachable: play, speed, share.
  for (const sel of ['button.play', 'select[aria-label="Speed"]', 'button.share']) {
    const box = await phone.page.locator(sel).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 391, `${sel} on screen`);
  }
  await phone.page.screenshot({ path: path.join(shots, 'phone-390x844-en.png') });
  await phone.page.screenshot({ path: path.join(shots, 'phone-390x844-full-en.png'), fullPage: true });
  assert.deepEqual(phone.problems, []);
  await phone.page.close();
}
