// User work is never lost (issue 17 item 6): a session saved by name survives a reload and
// opens; a saved session that cannot be read is kept aside with a notice; a share link pasted
// into the open tab loads (hashchange), keeping the previous autosave as a session, and a
// scenario that carries a preset's name keeps its own description.
import assert from 'node:assert/strict';
import { preset, act, shareUrl } from './lib.mjs';

export const name = 'saved sessions: save, reload, open; unreadable kept aside; pasted share link loads';

const brokers = (page) => page.waitForSelector('[data-broker="1"]');
const openSessions = async (page) => {
  if (!(await page.locator('details.sessions').getAttribute('open') !== null)) {
    await page.locator('details.sessions > summary').click();
  }
};
const savedNames = (page) =>
  page.locator('select[aria-label="Saved sessions"] option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));

export async function run({ openPage }) {
  const { page, problems } = await openPage('/');
  await brokers(page);

  // Save → reload → open, with an intervention recorded in the session.
  await preset(page, 'isr-shrink');
  await act(page, 'svg.cluster-svg g.broker[data-broker="2"] rect.box', 'crash broker 2');
  await openSessions(page);
  await page.getByLabel('Session name').fill('my run');
  await page.getByRole('button', { name: 'Save session' }).click();
  await page.locator('.notice .saved-session').waitFor();
  await page.reload();
  await brokers(page);
  await preset(page, 'quickstart');
  await openSessions(page);
  assert.deepEqual(await savedNames(page), ['my run']);
  await page.selectOption('select[aria-label="Saved sessions"]', 'my run');
  await page.getByRole('button', { name: 'Open session' }).click();
  await page.waitForFunction(() => document.querySelector('select[aria-label="Preset scenario"]').value === 'isr-shrink');
  const faults = await page.evaluate(() => JSON.parse(localStorage.getItem('kafkasim.slot.my run')).faults || []);
  assert.ok(faults.length > 0, 'the saved session holds the crash clicked');
  assert.match(await page.locator('.note').textContent(), /isr-shrink/);

  // A corrupt slot is kept aside, with a notice, and not listed.
  await page.evaluate(() => localStorage.setItem('kafkasim.slot.broken', '{not json'));
  await page.reload();
  await brokers(page);
  const notice = await page.locator('.notice .set-aside').textContent();
  assert.match(notice, /kept aside/);
  assert.match(notice, /kafkasim\.unreadable\.kafkasim\.slot\.broken/);
  const kept = await page.evaluate(() => [
    localStorage.getItem('kafkasim.unreadable.kafkasim.slot.broken'),
    localStorage.getItem('kafkasim.slot.broken'),
  ]);
  assert.deepEqual(kept, ['{not json', null]);
  await openSessions(page);
  assert.deepEqual(await savedNames(page), ['my run']);

  // A share link pasted into the open tab loads (hashchange, no reload); the autosave it
  // replaces is kept as a session; its own description is shown though it has a preset's name.
  await preset(page, 'slow-consumer-lag');
  const mine = await page.evaluate(() => JSON.parse(localStorage.getItem('kafkasim.scenario')));
  const pasted = { ...mine, name: 'quickstart', description: 'my own words about this run' };
  const hash = shareUrl(pasted).replace(/^\//, '');
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForFunction(() => /my own words/.test(document.querySelector('.note')?.textContent || ''));
  await page.locator('.notice .kept-autosave').waitFor();
  assert.deepEqual((await savedNames(page)).sort(), ['Autosave: slow-consumer-lag', 'my run']);

  assert.deepEqual(problems, []);
  await page.close();
}
