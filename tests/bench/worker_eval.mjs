// Main thread or Web Worker? Measures, in one run and alternately, the page as built (engine on
// the main thread, dist/) and the worker design's probe (engine in a worker posting a snapshot
// every frame, target/worker-probe/): frames per second, Space-to-pause latency, real speed
// reached, and for the worker what reading the snapshots costs the main thread.
//   make bench-worker   (builds the probe, then runs this)
import { createRequire } from 'node:module';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../e2e/server.mjs';
import { shareUrl } from '../e2e/lib.mjs';
import { measure, reference } from '../e2e/frames.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const probeDir = path.join(root, 'target', 'worker-probe');
mkdirSync(probeDir, { recursive: true });
cpSync(path.join(root, 'tests/bench/worker'), probeDir, { recursive: true });
writeFileSync(path.join(probeDir, 'scenario.json'), JSON.stringify(reference));
const require = createRequire(path.join(root, '.tools', 'package.json'));
const { chromium } = require('playwright-core');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const speeds = [['1×', 1], ['100×', 100], ['1000×', 1000], ['max', 0]];
const rounds = Number(process.argv[2] || 2);

async function probe(speed) {
  const server = await startServer(probeDir);
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(`${server.url}/index.html?speed=${speed}`);
  await page.waitForFunction(() => window.__stats?.snapshots > 10);
  await page.waitForTimeout(2500);
  const a = await page.evaluate(() => ({ ...window.__stats, wall: performance.now() }));
  await page.waitForTimeout(2000);
  const b = await page.evaluate(() => ({ ...window.__stats, wall: performance.now() }));
  const lags = [];
  for (let i = 0; i < 5; i++) {
    const s = await page.evaluate(() => performance.now());
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.getElementById('play').getAttribute('aria-pressed') === 'true', null, { polling: 'raf' });
    lags.push((await page.evaluate(() => performance.now())) - s);
    await page.keyboard.press('Space');
    await page.waitForTimeout(300);
  }
  lags.sort((x, y) => x - y);
  const secs = (b.wall - a.wall) / 1000, n = b.snapshots - a.snapshots;
  await page.close();
  server.close();
  return {
    fps: Math.round((b.frames - a.frames) / secs),
    input_ms_median: Math.round(lags[2]),
    real_x: ((b.sim_ms - a.sim_ms) / (b.wall - a.wall)).toFixed(1) + '×',
    snapshots_per_s: Math.round(n / secs),
    read_ms_per_snapshot: Number(((b.read_ms - a.read_ms) / n).toFixed(2)),
    kb_per_snapshot: Math.round((b.bytes - a.bytes) / n / 1024),
  };
}

async function mainThread() {
  const server = await startServer(path.join(root, 'dist'));
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(server.url + shareUrl(reference));
  await page.waitForSelector('[data-broker="5"]');
  const r = await measure(page, speeds.map((s) => s[0]), { presses: 5 });
  await page.close();
  server.close();
  return r;
}

const main = [], worker = [];
for (let r = 0; r < rounds; r++) {
  main.push(await mainThread());
  const w = {};
  for (const [label, s] of speeds) w[label] = await probe(s);
  worker.push(w);
}
await browser.close();
const med = (xs) => { const s = xs.slice().sort((a, b) => parseFloat(a) - parseFloat(b)); return s[s.length >> 1]; };
for (const [label] of speeds) {
  const m = {}, w = {};
  for (const k of Object.keys(main[0][label])) m[k] = med(main.map((x) => x[label][k]));
  for (const k of Object.keys(worker[0][label])) w[k] = med(worker.map((x) => x[label][k]));
  console.log(`${label.padEnd(6)} main thread ${JSON.stringify(m)}`);
  console.log(`${label.padEnd(6)} worker      ${JSON.stringify(w)}`);
}
