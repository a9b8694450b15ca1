// The "cluster shape" form: an invalid value is refused in the form with the reason and the
// run goes on; valid values restart the run with the new shape.
import assert from 'node:assert/strict';

export const name = 'shape form: invalid values refused with the reason, valid ones restart the run';

export async function run({ openPage }) {
  const { page, problems } = await openPage('/');
  await page.waitForSelector('[data-broker="1"]');
  const brokersBefore = await page.locator('[data-broker]').count();
  await page.locator('details.shape-panel > summary').click();
  const brokers = page.locator('details.shape-panel input[aria-label="brokers"]');
  await brokers.fill('101');
  await page.locator('details.shape-panel button.restart-run').click();
  await page.waitForSelector('details.shape-panel .form-error');
  const why = await page.locator('details.shape-panel .form-error').textContent();
  assert.match(why, /cluster\.brokers/);
  assert.match(why, /1\.\.=100/);
  assert.equal(await page.locator('[data-broker]').count(), brokersBefore, 'run kept');
  await brokers.fill(String(brokersBefore + 2));
  await page.locator('details.shape-panel button.restart-run').click();
  await page.waitForSelector(`[data-broker="${brokersBefore + 2}"]`);
  assert.equal(await page.locator('details.shape-panel .form-error').count(), 0);
  assert.equal(await page.locator('[data-broker]').count(), brokersBefore + 2);
  assert.deepEqual(problems, []);
  await page.close();
}
