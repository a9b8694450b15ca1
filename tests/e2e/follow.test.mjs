// Follow a record in the page (issue 17): a key's record shows its journey (send, request,
// append, copies, high watermark, acknowledgement) and, with acks=1 and a leader crash (the
// data-loss-acks-1 preset with keyed records), "0 = first lost" shows a lost record's journey:
// acknowledged, then truncated, LOST.
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { shareUrl } from './lib.mjs';

export const name = 'follow a record: its journey, and a lost record with acks=1';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function followIt(page, key, nth) {
  await page.fill('.follow input[aria-label="Key"]', key);
  await page.fill('.follow input[aria-label^="Which"]', String(nth));
  await page.click('.follow button[type=submit]');
  await page.waitForSelector('.follow .journey, .follow .follow-error', { timeout: 30000 });
  return page.locator('.follow').textContent();
}

export async function run({ openPage, shots }) {
  const { page, problems } = await openPage('/');
  await page.waitForSelector('[data-broker="1"]');
  await page.selectOption('select[aria-label="Speed"]', { label: '10×' });
  await page.waitForFunction(() => Number(document.querySelector('.tl-time')?.dataset.nowUs) >= 4e6, null, { timeout: 30000 });
  await page.click('button.play');
  let text = await followIt(page, 'key-3', 2);
  assert.match(text, /Record 2 of \d+ sent with key key-3/);
  for (const want of [/send\(\) with key key-3/, /appended it at offset \d+/, /follower broker \d copied it/, /acknowledged to the producer/]) {
    assert.match(text, want);
  }
  text = await followIt(page, 'customer-1', 1);
  assert.match(text, /not a key the producers send/);

  // acks=1 with a leader crash: the first lost record of key-7.
  const scenario = JSON.parse(readFileSync(path.join(root, 'scenarios', 'data-loss-acks-1.json'), 'utf8'));
  scenario.producers.forEach((p) => { p.keys = { uniform: 50 }; });
  const lossy = await openPage(shareUrl(scenario));
  await lossy.page.waitForSelector('[data-broker="1"]');
  await lossy.page.selectOption('select[aria-label="Speed"]', { label: '100×' });
  await lossy.page.waitForFunction(() => Number(document.querySelector('.tl-time')?.dataset.nowUs) >= 45e6, null, { timeout: 120000 });
  await lossy.page.click('button.play');
  text = await followIt(lossy.page, 'key-7', 0);
  assert.match(text, /acknowledged to the producer/);
  assert.match(text, /truncated it from its log/);
  assert.match(text, /LOST/);
  await lossy.page.locator('.follow').scrollIntoViewIfNeeded();
  await lossy.page.screenshot({ path: path.join(shots, 'follow-lost.png') });
  assert.deepEqual(lossy.problems, []);
  assert.deepEqual(problems, []);
  await page.close();
}
