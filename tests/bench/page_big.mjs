// The big cluster (30 brokers, 4 topics × 250 partitions, RF 3, 80 consumers), before and
// after: frames per second running at 1× and paused, main-thread task time per frame, and the
// page's own render figure where it has one. Loaded through a share link in both builds.
//   node tests/bench/page_big.mjs [BEFORE_DIR] [AFTER_DIR]
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../e2e/server.mjs';
import { shareUrl } from '../e2e/lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [before = 'target/dist-before', after = 'dist'] = process.argv.slice(2);
const big = JSON.parse(readFileSync(path.join(root, 'scenarios/big-cluster.json'), 'utf8'));
const require = createRequire(path.join(root, '.tools', 'package.json'));
const { chromium } = require('playwright-core');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });

async function window(page, client) {
  const task = async () => 1000 * (await client.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const t0 = await task();
  const f = await page.evaluate(() => new Promise((res) => {
    let n = 0; const s = performance.now();
    const tick = () => { n++; if (performance.now() - s < 3000) requestAnimationFrame(tick); else res({ n, secs: (performance.now() - s) / 1000 }); };
    requestAnimationFrame(tick);
  }));
  return { fps: Math.round(f.n / f.secs), main_thread_ms_per_frame: Number((((await task()) - t0) / f.n).toFixed(1)) };
}

for (const [label, dir] of [['before', before], ['after', after]]) {
  const server = await startServer(path.join(root, dir));
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const client = await page.context().newCDPSession(page);
  await client.send('Performance.enable');
  await page.goto(server.url + shareUrl(big));
  await page.waitForSelector('[data-broker="30"]', { timeout: 60000 });
  await page.waitForTimeout(8000);
  const running = await window(page, client);
  const perf = await page.locator('.perf').evaluate((e) => ({ ...e.dataset }));
  await page.evaluate(() => { const p = document.querySelector('div.page[tabindex]'); if (p) p.focus(); else document.activeElement?.blur(); });
  await page.keyboard.press('Space');
  await page.waitForTimeout(1000);
  const paused = await window(page, client);
  console.log(`${label.padEnd(6)} running ${JSON.stringify({ ...running, engine_ms: Number(perf.frameMs), render_ms: perf.renderMs ? Number(perf.renderMs) : null, render_p95: perf.renderP95 ? Number(perf.renderP95) : null })} paused ${JSON.stringify(paused)}`);
  await page.close();
  server.close();
}
await browser.close();
