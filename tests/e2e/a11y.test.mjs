// Keyboard and screen readers: elements of the cluster are focusable buttons named with their
// target; their menus name the target ("crash broker 2"); focus returns where the user was;
// Space and arrows only act page-wide when focus is not on a control; the event log is a polite
// live region; charts have text alternatives; every text has at least 4.5:1 contrast.
import assert from 'node:assert/strict';
import { lowContrast, preset, waitForSimTime } from './lib.mjs';

export const name = 'accessibility: keyboard, names with targets, focus kept, live log, contrast';

const playing = (page) => page.locator('button.play').getAttribute('aria-pressed').then((v) => v === 'false');
const active = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim().slice(0, 40));

export async function run({ openPage }) {
  const { page, problems } = await openPage('/');
  await page.waitForSelector('#node-broker-2');
  await waitForSimTime(page, 4);
  // Tab reaches the brokers.
  let reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = (await active(page)) === 'node-broker-2';
  }
  assert.ok(reached, 'Tab reaches broker 2');
  assert.match(await page.locator('#node-broker-2').getAttribute('aria-label'), /^broker 2: up/);
  // Space on it opens its menu and does not toggle play.
  const wasPlaying = await playing(page);
  await page.keyboard.press('Space');
  await page.waitForSelector('[role=menu]');
  assert.equal(await playing(page), wasPlaying, 'Space on a focused element is that element\'s');
  const items = await page.locator('[role=menuitem]').allTextContents();
  assert.ok(items.includes('crash broker 2') && items.includes('isolate broker 2'), items.join(' | '));
  assert.equal(await active(page), 'crash broker 2', 'focus moves into the menu');
  await page.keyboard.press('ArrowDown');
  assert.equal(await active(page), 'isolate broker 2');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[role=menu]').count(), 0);
  assert.equal(await active(page), 'node-broker-2', 'focus returns to the broker');
  // Acting from the keyboard keeps focus on the broker too.
  await page.keyboard.press('Enter');
  await page.waitForSelector('[role=menu]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('g.broker.down[data-broker="2"]');
  assert.equal(await active(page), 'node-broker-2');
  // A replication link is its own button.
  assert.match(await page.locator('g.link[role=button]').first().getAttribute('aria-label'), /link between broker \d and broker \d/);
  // On a button, Space is the button's; on the page, it plays and pauses.
  await page.focus('button.share');
  const before = await playing(page);
  await page.keyboard.press('Space');
  await page.waitForSelector('.notice');
  assert.equal(await playing(page), before);
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('Space');
  assert.equal(await playing(page), !before, 'Space on the page toggles play');
  await page.keyboard.press('Space');
  // The rest is reachable by keyboard: files (import) and the config forms.
  await page.focus('details.files > summary');
  await page.keyboard.press('Enter');
  assert.ok(await page.getByRole('button', { name: 'Import scenario…' }).isVisible());
  await page.focus('details.live-config > summary');
  await page.keyboard.press('Enter');
  assert.ok(await page.locator('details.live-config select[aria-label="acks"]').isVisible());
  // The log is a polite live region; charts have a text alternative.
  assert.equal(await page.locator('.log ol[role=log][aria-live=polite]').count(), 1);
  for (const c of await page.locator('canvas.chart-canvas').all()) {
    assert.ok((await c.getAttribute('aria-label')).length > 10);
  }
  assert.ok(await page.locator('figure.chart details.chart-table table').count() >= 3);
  // Contrast, with a crashed broker on screen, in both languages and in the overview.
  let bad = await page.evaluate(lowContrast);
  assert.deepEqual(bad, []);
  await page.selectOption('select[aria-label="Language / 语言"]', 'zh');
  await page.waitForTimeout(400);
  bad = await page.evaluate(lowContrast);
  assert.deepEqual(bad, []);
  await page.selectOption('select[aria-label="Language / 语言"]', 'en');
  await page.selectOption('select[aria-label="View"]', 'overview');
  await page.waitForSelector('.overview .tile');
  bad = await page.evaluate(lowContrast);
  assert.deepEqual(bad, []);
  await page.selectOption('select[aria-label="View"]', 'auto');
  await preset(page, 'quickstart');
  assert.deepEqual(problems, []);
  await page.close();
}
