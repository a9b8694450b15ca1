// Compare mode with a start-up setting (issue 17 item 4: eager against cooperative): in compare
// mode the shape form edits run B, and applying it restarts both runs from 0 s — A as it was,
// B with the eager group switched to cooperative-sticky. The differences then name that group.
import assert from 'node:assert/strict';
import { preset } from './lib.mjs';

export const name = 'compare mode: the shape form edits run B (eager vs cooperative)';

export async function run({ openPage }) {
  const { page, problems } = await openPage('/');
  await page.waitForSelector('.clock');
  await preset(page, 'consumer-group-rebalance');
  await page.click('button.compare');
  await page.waitForSelector('details.shape-panel[data-run="b"]');
  // Two identical runs: nothing differs (the same events processed at the same time).
  await page.selectOption('select[aria-label="Speed"]', { label: 'max' });
  if ((await page.locator('button.play').textContent()).match(/Play/)) await page.click('button.play');
  await page.waitForFunction(() => parseFloat(document.querySelector('[aria-label="Run B"]').dataset.now) > 5, null, { timeout: 60000 });
  await page.click('button.play');
  // Paused, B catches up and the two reports are compared at the paused time.
  await page.waitForFunction(() => document.querySelector('[aria-label="Run B"]').dataset.now
    === parseFloat(document.querySelector('.clock').textContent.replace(/[^0-9.]/g, '')).toFixed(3));
  await page.waitForFunction(() => document.querySelector('.compare-diff')?.dataset.rows === '0', null, { timeout: 5000 })
    .catch(async () => assert.fail('identical runs differ: ' + (await page.locator('.compare-diff tbody th').allTextContents()).join(', ')));
  await page.locator('details.shape-panel > summary').click();
  const sel = page.locator('details.shape-panel select[aria-label="eager-range partition.assignment.strategy"]');
  assert.equal(await sel.inputValue(), 'range');
  await sel.selectOption('cooperative-sticky');
  await page.locator('details.shape-panel button.restart-run').click();
  await page.waitForFunction(() => document.querySelector('details.shape-panel select[aria-label="eager-range partition.assignment.strategy"]')?.value === 'cooperative-sticky');
  assert.equal(await page.locator('[aria-label="Run B"]').count(), 1, 'still comparing');
  if ((await page.locator('button.play').textContent()).match(/Play/)) await page.click('button.play');
  await page.waitForFunction(() => [...document.querySelectorAll('.compare-diff tbody th')].some((t) => t.textContent.startsWith('groups.eager-range.')), null, { timeout: 90000 });
  // Run A kept its scenario: its eager group still uses range (the CLI's report of A would say
  // so); B's report differs in that group's figures, shown above.
  const a = await page.evaluate(() => JSON.parse(localStorage.getItem('kafkasim.scenario')));
  assert.equal(a.consumer_groups[0].config['partition.assignment.strategy'], 'range');
  assert.deepEqual(problems, []);
  await page.close();
}
