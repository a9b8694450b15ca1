// The page's frame figures, before and after: serves two builds (default target/dist-before and
// dist), loads the reference workload in each, and measures them alternately in the same run
// (`rounds` times each; medians reported), as the README's table shows them.
//   node tests/bench/page_frames.mjs [BEFORE_DIR] [AFTER_DIR] [rounds]
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../e2e/server.mjs';
import { shareUrl } from '../e2e/lib.mjs';
import { measure, reference } from '../e2e/frames.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [before = 'target/dist-before', after = 'dist', roundsArg = '2'] = process.argv.slice(2);
const require = createRequire(path.join(root, '.tools', 'package.json'));
const { chromium } = require('playwright-core');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const speeds = ['1×', '100×', '1000×', 'max'];
const runs = { before: [], after: [] };
for (let r = 0; r < Number(roundsArg); r++) {
  for (const [label, dir] of [['before', before], ['after', after]]) {
    const server = await startServer(path.join(root, dir));
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(server.url + shareUrl(reference));
    await page.waitForSelector('[data-broker="5"]');
    runs[label].push(await measure(page, speeds));
    await page.close();
    server.close();
  }
}
await browser.close();
const med = (xs) => { const s = xs.filter((x) => x !== null).sort((a, b) => a - b); return s.length ? s[s.length >> 1] : null; };
for (const speed of speeds) {
  for (const label of ['before', 'after']) {
    const rs = runs[label].map((x) => x[speed]);
    const row = {};
    for (const k of Object.keys(rs[0])) row[k] = k === 'real_x' ? rs.map((x) => x[k]).join('/') : med(rs.map((x) => x[k]));
    console.log(`${speed.padEnd(6)} ${label.padEnd(6)} ${JSON.stringify(row)}`);
  }
}
