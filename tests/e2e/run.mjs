// End-to-end checks in headless Chromium (playwright-core, Debian's /usr/bin/chromium) against
// the release build in dist/. Each file tests/e2e/*.test.mjs exports `name` and `run(ctx)`.
// Prints `e2e: N passed, M failed` and exits non-zero on any failure.
import { createRequire } from 'node:module';
import { readdirSync, mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { startServer } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const require = createRequire(path.join(root, '.tools', 'package.json'));
const { chromium } = require('playwright-core');

const shots = path.join(root, 'target', 'e2e');
mkdirSync(shots, { recursive: true });
const server = await startServer(path.join(root, 'dist'));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
         '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});

async function openPage(url = '/', viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  await page.goto(server.url + url);
  return { page, problems };
}

const files = readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort();
let passed = 0, failed = 0;
for (const f of files) {
  const mod = await import(pathToFileURL(path.join(here, f)));
  const t0 = Date.now();
  try {
    await mod.run({ openPage, shots, url: server.url });
    passed++;
    console.log(`ok   ${mod.name || f} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${mod.name || f}: ${e && e.stack || e}`);
  }
}
await browser.close();
server.close();
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
