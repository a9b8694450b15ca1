// A share link reproduces the scenario in a new page; a garbage link shows an error and the
// page still works.
import assert from 'node:assert/strict';
import { preset } from './lib.mjs';

export const name = 'share links: round trip, and a garbage link is refused without a blank page';

export async function run({ openPage }) {
  const { page, problems } = await openPage('/');
  await page.waitForSelector('[data-broker="1"]');
  await preset(page, 'isr-shrink');
  await page.click('button.share');
  const link = await page.locator('.notice a.share-link').getAttribute('href');
  assert.match(link, /#s=/);
  const other = await openPage(link.replace(/^http:\/\/[^/]+/, ''));
  await other.page.waitForSelector('[data-broker="1"]');
  assert.equal(await other.page.locator('select[aria-label="Preset scenario"]').inputValue(), 'isr-shrink');
  assert.deepEqual(other.problems, []);
  await other.page.close();
  const bad = await openPage('/#s=v1.this-is-not-a-scenario');
  await bad.page.waitForSelector('[data-broker="1"]');
  const err = await bad.page.locator('.error').textContent();
  assert.match(err, /share link/i);
  assert.equal(await bad.page.locator('#panic-banner').count(), 0);
  await bad.page.close();
  assert.deepEqual(problems, []);
  await page.close();
}
