// An engine failure never leaves a page that looks alive: here the WebAssembly memory is grown
// to its limit so that building the next run runs out of memory and traps. The error banner
// appears, the page is marked halted, and the scenario the user was running — with the
// intervention they made — is kept: reloading continues from it.
import assert from 'node:assert/strict';
import { act, preset } from './lib.mjs';

export const name = 'engine failure (out of memory): error banner, scenario kept';

export async function run({ openPage }) {
  const { page } = await openPage('/');
  await page.waitForSelector('g.broker[data-broker="2"]');
  await act(page, 'g.broker[data-broker="2"] rect.box', 'crash broker 2');
  await page.waitForFunction(() => /crash_broker/.test(localStorage.getItem('kafkasim.scenario') || ''));
  const pages = await page.evaluate(async () => {
    const w = await (await import('/pkg/kafka_sim.js')).default();
    // Take every page WebAssembly can still give, so the allocator's next growth fails.
    for (let step = 16384; step >= 1; ) {
      try { w.memory.grow(step); } catch { step = step >> 1; }
    }
    return w.memory.buffer.byteLength / 65536;
  });
  assert.ok(pages > 30000, `memory grown to ${pages} pages`);
  await preset(page, 'big-cluster');
  await page.waitForSelector('#panic-banner[role=alert]', { timeout: 15000 });
  const text = await page.locator('#panic-banner').textContent();
  assert.match(text, /stopped|failed/i);
  assert.match(text, /scenario is kept/);
  assert.ok(await page.evaluate(() => document.body.classList.contains('halted')), 'the page no longer looks alive');
  assert.ok(await page.getByRole('button', { name: 'Reload' }).isVisible());
  // The last scenario that ran, with the crash the user made, is what reloading gives back.
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.reload();
  await page.waitForSelector('g.broker[data-broker="2"]');
  assert.equal(await page.locator('#panic-banner').count(), 0);
  assert.equal(await page.locator('select[aria-label="Preset scenario"]').inputValue(), 'quickstart');
  assert.match(await page.locator('.note').textContent(), /1 scheduled faults/);
  await page.waitForSelector('g.broker.down[data-broker="2"]', { timeout: 10000 });
  assert.deepEqual(problems, []);
  await page.close();
}
