// End-to-end checks in headless Chromium (playwright-core, Debian's /usr/bin/chromium) against
// the release build in dist/. Each file tests/e2e/*.test.mjs exports `name` and `run(ctx)`;
// ctx = { openPage(url, viewport) -> { page, problems }, shots (screenshot dir), url }.
// `node tests/e2e/run.mjs [WORD…]` runs only the files whose name contains a WORD.
// Every test gets E2E_TIMEOUT_MS (default 180 s); pages it leaves open are closed after it.
// Prints `e2e: N passed, M failed` and exits non-zero on any failure (or when nothing ran).
import { createRequire } from 'node:module';
import { readdirSync, mkdirSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { startServer } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const timeoutMs = Number(process.env.E2E_TIMEOUT_MS || 180000);
const shots = path.join(root, 'target', 'e2e');
mkdirSync(shots, { recursive: true });

const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => only.length === 0 || only.some((w) => f.includes(w)))
  .sort();

let passed = 0, failed = 0, server = null, browser = null;
if (files.length === 0) console.log(`no tests/e2e/*.test.mjs file matches ${only.join(' ')}`);
try {
  if (!existsSync(path.join(root, 'dist', 'index.html'))) throw new Error('no dist/index.html: run `make build` first');
  const require = createRequire(path.join(root, '.tools', 'package.json'));
  const { chromium } = require('playwright-core');
  server = await startServer(path.join(root, 'dist'));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
           '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });

  for (const f of files) {
    const opened = [];
    // A page that records console errors, page errors and panic text in `problems`.
    const openPage = async (url = '/', viewport = { width: 1280, height: 800 }) => {
      const page = await browser.newPage({ viewport });
      opened.push(page);
      const problems = [];
      page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
      page.on('pageerror', (e) => problems.push('page error: ' + e.message));
      await page.goto(server.url + url);
      return { page, problems };
    };
    const t0 = Date.now();
    let label = f, timer;
    try {
      const mod = await import(pathToFileURL(path.join(here, f)));
      label = mod.name || f;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      const running = mod.run({ openPage, shots, url: server.url });
      running.catch(() => {}); // after a timeout its late failure is already counted
      await Promise.race([running, timeout]);
      passed++;
      console.log(`ok   ${label} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${label} (${Date.now() - t0} ms): ${(e && e.stack) || e}`);
    } finally {
      clearTimeout(timer);
      for (const p of opened) if (!p.isClosed()) await p.close().catch(() => {});
    }
  }
} catch (e) {
  failed++;
  console.log(`FAIL e2e harness: ${(e && e.stack) || e}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server) server.close();
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
