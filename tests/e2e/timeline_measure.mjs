// Measures the timeline in headless Chromium (not a test; `node tests/e2e/timeline_measure.mjs
// [SIM_SECONDS]` against dist/): runs quickstart at the fastest speed to SIM_SECONDS (default
// 300) of simulated time, pauses, then times jumping back 60 simulated seconds (the seek runs
// inside the input event, so the event's dispatch time is its cost) and prints the checkpoints
// kept and their estimated bytes.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const target = Number(process.argv[2] || 300);
const require = createRequire(path.join(root, '.tools', 'package.json'));
const { chromium } = require('playwright-core');
const server = await startServer(path.join(root, 'dist'));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url + '/');
  await page.waitForSelector('[data-broker="1"]');
  await page.selectOption('select[aria-label="Speed"]', { label: 'max' });
  const t0 = Date.now();
  await page.waitForFunction((us) => Number(document.querySelector('.tl-time')?.dataset.nowUs) >= us, target * 1e6, { timeout: 900000, polling: 500 });
  await page.click('button.play');
  await page.waitForTimeout(500);
  const wall = (Date.now() - t0) / 1000;
  const r = await page.evaluate(() => {
    const tl = document.querySelector('section.timeline');
    const input = document.querySelector('input[aria-label="Timeline"]');
    const now = Number(document.querySelector('.tl-time').dataset.nowUs);
    const out = { now_s: now / 1e6, checkpoints: Number(tl.dataset.checkpoints), checkpoint_mb: Number(tl.dataset.checkpointBytes) / 1e6, jumps_ms: [] };
    for (let i = 0; i < 3; i++) {
      const back = Math.floor(now / 1000) - 60000 - i * 100;
      const t = performance.now();
      input.value = String(back);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      out.jumps_ms.push(Math.round(performance.now() - t));
    }
    return out;
  });
  console.log(JSON.stringify({ wall_s_to_reach: wall, ...r }));
} finally {
  await browser.close();
  server.close?.();
}
