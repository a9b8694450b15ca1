// The timeline (issue 17): rewinding to T shows the run as it was at T — the page's report at T
// is the CLI's `run --until-us T` of the exported scenario (interventions included); End goes
// back to the same head; a change at a rewound time starts a branch that keeps the old future
// (drawn as a ghost) and records only the new change.
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { act } from './lib.mjs';

export const name = 'timeline: rewind equals a fresh run to T (CLI), End returns, a branch keeps the old future';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = ['release', 'debug'].map((p) => path.join(root, 'target', p, 'kafka-sim')).find(existsSync);

const nowUs = (page) => page.locator('.tl-time').getAttribute('data-now-us').then(Number);

async function waitSim(page, us, timeout = 60000) {
  await page.waitForFunction((us) => Number(document.querySelector('.tl-time')?.dataset.nowUs) >= us, us, { timeout });
}

async function download(page, text) {
  await page.evaluate(() => { document.querySelector('details.files').open = true; });
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(`text=${text}`)]);
  return readFileSync(await d.path(), 'utf8');
}

/** The report without what depends on the wall clock. */
const figures = (r) => { const { wall_ms, events_per_s, ...rest } = r; return rest; };

async function seekTo(page, ms) {
  await page.locator('input[aria-label="Timeline"]').evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
  await page.waitForFunction((us) => Number(document.querySelector('.tl-time')?.dataset.nowUs) === us, ms * 1000, { timeout: 20000 });
}

export async function run({ openPage, shots }) {
  assert.ok(cli, 'build the CLI first (cargo build --release --bin kafka-sim)');
  const { page, problems } = await openPage('/');
  await page.waitForSelector('svg.cluster-svg g.broker[data-broker="1"]');
  await page.selectOption('select[aria-label="Speed"]', { label: '10×' });
  await waitSim(page, 3_000_000);
  await act(page, 'svg.cluster-svg g.broker[data-broker="1"] rect.box', 'crash broker 1');
  await waitSim(page, 16_000_000);
  await page.click('button.play'); // pause
  await page.waitForTimeout(300);
  const head = JSON.parse(await download(page, 'Export report'));
  // Exported at the live head (not rewound): the CLI reproduces the run to the same µs, bit for
  // bit (the interventions carry their times).
  const headFile = path.join(shots, 'timeline-head-scenario.json');
  writeFileSync(headFile, await download(page, 'Export scenario'));
  const headCli = JSON.parse(execFileSync(cli, ['run', headFile, '--until-us', String(head.simulated_us), '--json', '-', '--quiet'], { encoding: 'utf8' }));
  assert.equal(headCli.simulated_us, head.simulated_us);
  assert.equal(headCli.trace_hash, head.trace_hash, 'CLI --until-us of the scenario exported at the head');
  // Markers: the intervention and the elections that followed it.
  assert.ok(await page.locator('.tl-marks rect.tl-intervention').count() >= 1, await page.locator('.tl-marks').innerHTML());
  assert.ok(await page.locator('.tl-marks rect.tl-election').count() >= 1);

  // Back to 9.2 s: the report is the CLI's run of the exported scenario to exactly then.
  await seekTo(page, 9_200);
  assert.equal(await page.locator('.timeline.rewound').count(), 1);
  const back = JSON.parse(await download(page, 'Export report'));
  assert.equal(back.simulated_us, 9_200_000);
  const scenario = await download(page, 'Export scenario');
  const file = path.join(shots, 'timeline-scenario.json');
  writeFileSync(file, scenario);
  assert.match(scenario, /CrashBroker|crash_broker|"broker": 1/);
  const cliReport = JSON.parse(execFileSync(cli, ['run', file, '--until-us', '9200000', '--json', '-', '--quiet'], { encoding: 'utf8' }));
  assert.deepEqual(figures(back), figures(cliReport));
  await page.screenshot({ path: path.join(shots, 'timeline-rewound.png') });

  // End (keyboard, focus on the page): the same head as before.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('End');
  await page.waitForFunction((us) => Number(document.querySelector('.tl-time')?.dataset.nowUs) === us, head.simulated_us, { timeout: 20000 });
  assert.equal(await page.locator('.timeline.rewound').count(), 0);
  const again = JSON.parse(await download(page, 'Export report'));
  assert.equal(again.trace_hash, head.trace_hash);
  // ← steps back 100 ms (focus off the menu button).
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((us) => Number(document.querySelector('.tl-time')?.dataset.nowUs) === us, head.simulated_us - 100_000, { timeout: 20000 })
    .catch(async (e) => { throw new Error(`${e.message}: head ${head.simulated_us}, now ${await nowUs(page)}, focus ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))}`); });

  // A branch at 2 s: crash broker 3 instead; the old future is kept as the ghost.
  await seekTo(page, 2_000);
  await act(page, 'svg.cluster-svg g.broker[data-broker="3"] rect.box', 'crash broker 3');
  await page.waitForSelector('.tl-marks rect.tl-ghost', { timeout: 10000 });
  const branched = JSON.parse(await download(page, 'Export scenario'));
  assert.deepEqual(branched.faults.map((f) => JSON.stringify(f)).filter((f) => /broker/.test(f)).length, 1, JSON.stringify(branched.faults));
  assert.match(JSON.stringify(branched.faults), /3/);
  await page.waitForSelector('.chart-legend .ghost-key', { timeout: 10000 });
  await page.evaluate(() => { document.querySelector('details.files').open = false; });
  await page.screenshot({ path: path.join(shots, 'timeline-branch.png') });

  // The share link carries both branches: a new page runs the new branch and draws branch A.
  await page.click('button.share');
  const link = await page.locator('.notice a.share-link').getAttribute('href');
  assert.match(link, /#s=v1\.[^&]+&a=v1\.[^&]+&at=2000000-\d+$/);
  const other = await openPage(link.replace(/^http:\/\/[^/]+/, ''));
  await other.page.waitForSelector('.tl-marks rect.tl-ghost', { timeout: 30000 });
  const otherScenario = JSON.parse(await download(other.page, 'Export scenario'));
  assert.deepEqual(otherScenario.faults, branched.faults);
  assert.deepEqual(other.problems, []);
  // A damaged branch part: the run loads, the error says so, no panic.
  const code = link.match(/#s=([^&]+)/)[1];
  const bad = await openPage(`/#s=${code}&a=v1.garbage&at=1-2`);
  await bad.page.waitForSelector('[data-broker="1"]');
  assert.match(await bad.page.locator('.error').textContent(), /branch A/);
  assert.equal(await bad.page.locator('#panic-banner').count(), 0);
  assert.equal(await bad.page.locator('.tl-marks rect.tl-ghost').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
}
