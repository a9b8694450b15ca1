// Chart CSV export is safe to open in a spreadsheet: a group id made to inject a formula (and to
// break the line) stays one quoted cell, and no cell starts with a formula prefix.
import assert from 'node:assert/strict';
import { shareUrl, waitForSimTime } from './lib.mjs';

export const name = 'CSV export: every cell quoted, formula prefixes neutralised';

const hostile = 'g,x\n=cmd|\' /C calc\'!A0';

export async function run({ openPage }) {
  const scenario = {
    name: 'csv', cluster: { brokers: 1 }, topics: [{ name: 't', partitions: 1, replication_factor: 1 }],
    producers: [{ id: 'p', topic: 't', rate: 1000, record_size: 100 }],
    consumer_groups: [{ group_id: hostile, topics: ['t'], members: 1 }],
  };
  const { page, problems } = await openPage(shareUrl(scenario));
  await page.waitForSelector('[data-broker="1"]');
  await waitForSimTime(page, 1);
  await page.click('details.files > summary');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export chart CSV')]);
  const csv = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
  const rows = csv.trimEnd().split('\r\n');
  assert.ok(rows.length > 5);
  // RFC 4180: split the header into cells honouring quotes.
  const cells = [];
  let cur = '', quoted = false;
  for (let i = 0; i < rows[0].length; i++) {
    const c = rows[0][i];
    if (c === '"') { if (quoted && rows[0][i + 1] === '"') { cur += '"'; i++; } else quoted = !quoted; }
    else if (c === ',' && !quoted) { cells.push(cur); cur = ''; } else cur += c;
  }
  cells.push(cur);
  assert.ok(cells.includes(`committed_lag ${hostile}`), cells.join(' | '));
  for (const line of rows) {
    assert.doesNotMatch(line, /(^|,)"?[=+\-@]/, `no formula at a cell start: ${line.slice(0, 80)}`);
    assert.match(line, /^"/);
  }
  assert.deepEqual(problems, []);
  await page.close();
}
