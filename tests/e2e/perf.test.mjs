// Frame cost of the engine in the page for the reference workload (5 brokers,
// 3 topics × 12 partitions, RF 3, 3 producers at 10k records/s, 2 groups) at 1× and 100×,
// loaded through a share link. Prints the figures; fails if 1× cannot hold 60 fps.
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';

export const name = 'frame times for the reference workload at 1x and 100x';

const scenario = {
  name: 'frame-budget', seed: 1, duration_ms: 600000,
  cluster: { brokers: 5 },
  topics: ['a', 'b', 'c'].map((n) => ({ name: n, partitions: 12, replication_factor: 3 })),
  producers: ['a', 'b', 'c'].map((n, i) => ({ id: `p${i}`, topic: n, rate: 10000, record_size: 100 })),
  consumer_groups: [
    { group_id: 'g1', topics: ['a', 'b'], members: 3 },
    { group_id: 'g2', topics: ['c'], members: 2 },
  ],
};

export async function run({ openPage }) {
  const code = 'v1.' + deflateRawSync(Buffer.from(JSON.stringify(scenario))).toString('base64url');
  const { page, problems } = await openPage('/#s=' + code, { width: 1920, height: 1080 });
  await page.waitForSelector('svg.cluster-svg g.broker[data-broker="5"]');
  const results = {};
  for (const speed of ['1×', '100×']) {
    await page.selectOption('select[aria-label="Speed"]', { label: speed });
    await page.waitForTimeout(3000);
    const fps = await page.evaluate(() => new Promise((res) => {
      let n = 0; const t0 = performance.now();
      const tick = () => { n++; if (performance.now() - t0 < 2000) requestAnimationFrame(tick); else res(n / ((performance.now() - t0) / 1000)); };
      requestAnimationFrame(tick);
    }));
    const ms = Number(await page.locator('.perf').getAttribute('data-frame-ms'));
    const real = await page.locator('.speed').textContent();
    results[speed] = { engine_ms_per_frame: ms, fps: Math.round(fps), real };
  }
  // At 1000× the engine cannot keep up; the page must still answer input within 100 ms:
  // time from a Space key press (pause) to the Play button showing again.
  await page.selectOption('select[aria-label="Speed"]', { label: '1000×' });
  await page.waitForTimeout(2000);
  await page.focus('div.page');
  const lags = [];
  for (let i = 0; i < 5; i++) {
    const t0 = await page.evaluate(() => performance.now());
    await page.keyboard.press('Space');
    await page.waitForFunction(() => /▶/.test(document.querySelector('button.play')?.textContent ?? ''), null, { polling: 'raf' });
    lags.push((await page.evaluate(() => performance.now())) - t0);
    await page.keyboard.press('Space');
    await page.waitForTimeout(500);
  }
  lags.sort((a, b) => a - b);
  results['1000×'] = { pause_input_ms_median: Math.round(lags[2]), pause_input_ms_max: Math.round(lags[4]), real: await page.locator('.speed').textContent() };
  // First render from localhost: navigation start to the first broker drawn.
  const first = await openPage('/', { width: 1280, height: 800 });
  await first.page.waitForSelector('svg.cluster-svg g.broker');
  results.first_render_ms = Math.round(await first.page.evaluate(() => performance.now()));
  await first.page.close();
  console.log('     frame times:', JSON.stringify(results));
  assert.ok(results['1000×'].pause_input_ms_median < 100, 'input handled within 100 ms at 1000x');
  assert.ok(results['1×'].engine_ms_per_frame < 16, 'the engine fits a 60 fps frame at 1x');
  assert.deepEqual(problems, []);
  await page.close();
}
