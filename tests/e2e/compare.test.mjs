// A/B compare (issue 17 item 4): the Compare button makes run B, the config panel edits B
// (acks=1 against A's acks=all), both runs advance together, B's cluster is drawn beside A's,
// the charts carry B's lines, the table of differences fills, the share link carries both runs
// and reopens in compare mode, and leaving compare mode keeps run A. Frame times are measured
// and printed; screenshots at 1280×800 and 1920×1080.
import assert from 'node:assert/strict';
import path from 'node:path';
import { smallestText } from './lib.mjs';

export const name = 'compare mode: two runs side by side, differences, share link round trip';

/** Runs in the page: wall intervals between animation frames for `ms`, median and p95. */
const frameTimes = (ms) => new Promise((done) => {
  const gaps = [];
  let last = performance.now();
  const end = last + ms;
  const step = (t) => {
    gaps.push(t - last);
    last = t;
    if (t < end) requestAnimationFrame(step);
    else {
      gaps.sort((a, b) => a - b);
      done({ n: gaps.length, median: gaps[gaps.length >> 1], p95: gaps[Math.floor(gaps.length * 0.95)] });
    }
  };
  requestAnimationFrame(step);
});

export async function run({ openPage, shots }) {
  const { page, problems } = await openPage('/');
  await page.waitForSelector('[data-broker="1"]');
  const single = await page.evaluate(frameTimes, 3000);
  await page.click('button.compare');
  await page.waitForSelector('[aria-label="Run B"]');
  assert.equal(await page.locator('[aria-label="Cluster view"]').count(), 1, 'run A stays drawn');
  assert.equal(await page.locator('details[data-run="b"]:not(.shape-panel)').count(), 1, 'the config panel edits B');
  // Run B: acks=1 (quickstart's producer has acks=all).
  const cfg = page.locator('details[data-run="b"]:not(.shape-panel)');
  assert.equal(await cfg.locator('select[aria-label="acks"]').inputValue(), 'all');
  await cfg.locator('select[aria-label="acks"]').selectOption('1');
  await cfg.locator('button.apply').click();
  await page.waitForFunction(() => document.querySelector('details[data-run="b"]:not(.shape-panel) select[aria-label="acks"]')?.value === '1');
  if ((await page.locator('button.play').textContent()).match(/Play/)) await page.click('button.play');
  await page.waitForFunction(() => Number(document.querySelector('.compare-diff')?.dataset.rows) > 0, null, { timeout: 60000 });
  const rows = await page.locator('.compare-diff tbody th').allTextContents();
  assert.ok(rows.length > 0, 'differences listed');
  // acks=1 answers before the followers copy: latency differs first of all.
  assert.ok(rows.some((r) => r.startsWith('latency_ms.') || r.startsWith('produced.')), rows.join(', '));
  // The charts carry B's lines.
  await page.waitForFunction(() => [...document.querySelectorAll('figure.chart')].some((f) => Number(f.dataset.bSeries) > 0), null, { timeout: 20000 });
  assert.ok(await page.locator('.ab-key.b').count() > 0, 'legend names B');
  // Lockstep: B is at A's simulated time (within B's refresh).
  const both = await page.evaluate(() => ({
    a: parseFloat(document.querySelector('.clock').textContent.replace(/[^0-9.]/g, '')),
    b: parseFloat(document.querySelector('[aria-label="Run B"]').dataset.now),
  }));
  assert.ok(both.b > 0 && Math.abs(both.a - both.b) < 3, JSON.stringify(both));
  const compared = await page.evaluate(frameTimes, 3000);
  const perf = await page.locator('.perf').getAttribute('data-frame-ms');
  console.log(`compare frame times (ms, wall between frames): one run median ${single.median.toFixed(1)} p95 ${single.p95.toFixed(1)}; A+B median ${compared.median.toFixed(1)} p95 ${compared.p95.toFixed(1)} (${compared.n} frames), engine ms/frame ${perf}`);
  assert.ok(compared.median < 50, `frames stay responsive: ${JSON.stringify(compared)}`);
  // The timeline moves both runs: Home shows both at 0, End both at A's end.
  await page.locator('h1').click();
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('[aria-label="Run B"]').dataset.now === '0.000');
  await page.keyboard.press('End');
  await page.waitForFunction(() => {
    const a = parseFloat(document.querySelector('.clock').textContent.replace(/[^0-9.]/g, ''));
    return a > 1 && document.querySelector('[aria-label="Run B"]').dataset.now === a.toFixed(3);
  });
  await page.click('button.play');
  await page.locator('.compare-diff').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'compare-1280.png') });
  // Share link: both runs, and it reopens in compare mode with B's change.
  await page.click('button.share');
  const link = await page.locator('.notice a.share-link').getAttribute('href');
  assert.match(link, /#s=v1\.[^&]+&b=v1\./);
  const other = await openPage(link.replace(/^http:\/\/[^/]+/, ''), { width: 1920, height: 1080 });
  await other.page.waitForSelector('[aria-label="Run B"]');
  await other.page.waitForSelector('details[data-run="b"]:not(.shape-panel)');
  await other.page.waitForFunction(() => Number(document.querySelector('.compare-diff')?.dataset.rows) > 0, null, { timeout: 60000 });
  await other.page.screenshot({ path: path.join(shots, 'compare-1920.png') });
  // On a projector: both runs side by side, no text under 20 px.
  await other.page.click('button.presentation-toggle');
  await other.page.waitForTimeout(500);
  const small = await other.page.evaluate(smallestText);
  assert.ok(small.min >= 20, `presentation: smallest text ${small.min} px: ${small.where}`);
  await other.page.screenshot({ path: path.join(shots, 'compare-1920-presentation.png') });
  assert.deepEqual(other.problems, []);
  await other.page.close();
  // Leaving compare mode keeps A (its clock goes on from where it was).
  const before = parseFloat((await page.locator('.clock').textContent()).replace(/[^0-9.]/g, ''));
  await page.click('button.compare');
  await page.waitForSelector('[aria-label="Run B"]', { state: 'detached' });
  const after = parseFloat((await page.locator('.clock').textContent()).replace(/[^0-9.]/g, ''));
  assert.ok(after >= before, `${after} >= ${before}`);
  assert.equal(await page.locator('details[data-run="a"]:not(.shape-panel)').count(), 1);
  assert.deepEqual(problems, []);
  await page.close();
}
