// Measures compare mode in headless Chromium (not a test; `node tests/e2e/compare_measure.mjs
// [PRESET…]` against dist/): for each preset (default quickstart, multi-zone, big-cluster), at
// 1× and at the fastest speed, the wall time between animation frames (median, p95), the
// simulated seconds per wall second and the engine's ms per frame, with one run and then in
// compare mode (two runs in lockstep), and the WebAssembly memory after each.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const presets = process.argv.slice(2).length ? process.argv.slice(2) : ['quickstart', 'multi-zone', 'big-cluster'];
const require = createRequire(path.join(root, '.tools', 'package.json'));
const { chromium } = require('playwright-core');
const server = await startServer(path.join(root, 'dist'));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });

const sample = (ms) => new Promise((done) => {
  const gaps = [];
  const clock = () => parseFloat(document.querySelector('.clock').textContent.replace(/[^0-9.]/g, ''));
  const sim0 = clock();
  let last = performance.now();
  const t0 = last;
  const step = (t) => {
    gaps.push(t - last);
    last = t;
    if (t < t0 + ms) requestAnimationFrame(step);
    else {
      gaps.sort((a, b) => a - b);
      done({
        median: +gaps[gaps.length >> 1].toFixed(1),
        p95: +gaps[Math.floor(gaps.length * 0.95)].toFixed(1),
        sim_per_wall: +((clock() - sim0) / ((t - t0) / 1000)).toFixed(2),
        engine_ms: Number(document.querySelector('.perf').dataset.frameMs),
      });
    }
  };
  requestAnimationFrame(step);
});
const wasmMb = (page) => page.evaluate(async () => {
  const w = await (await import('/pkg/kafka_sim.js')).default();
  return +(w.memory.buffer.byteLength / 1e6).toFixed(1);
});

try {
  for (const name of presets) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url + '/');
    await page.waitForSelector('.clock');
    await page.selectOption('select[aria-label="Preset scenario"]', name);
    await page.waitForTimeout(500);
    const out = { preset: name };
    for (const [mode, click] of [['one run', false], ['compare', true]]) {
      if (click) {
        await page.click('button.compare');
        await page.waitForSelector('[aria-label="Run B"]');
        await page.click('button.play');
      }
      for (const speed of ['1×', 'max']) {
        await page.selectOption('select[aria-label="Speed"]', { label: speed });
        await page.waitForTimeout(1000);
        out[`${mode} ${speed}`] = await page.evaluate(sample, 4000);
      }
      out[`${mode} wasm MB`] = await wasmMb(page);
    }
    console.log(JSON.stringify(out));
    await page.close();
  }
} finally {
  await browser.close();
  server.close?.();
}
