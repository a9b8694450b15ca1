// Importing a broken scenario file shows the reason and keeps the current run; a valid file
// replaces the run; a file with keys accepted but not modelled loads and names them.
import assert from 'node:assert/strict';

export const name = 'import: a broken file is refused with the reason, a valid one is loaded';

export async function run({ openPage }) {
  const { page, problems } = await openPage('/');
  await page.waitForSelector('[data-broker="1"]');
  const before = await page.locator('select[aria-label="Preset scenario"]').inputValue();
  const input = page.locator('input[type=file]');
  await input.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"cluster": {"brokers": 0}}') });
  await page.waitForSelector('.error');
  assert.match(await page.locator('.error').textContent(), /cluster\.brokers = 0/);
  assert.equal(await page.locator('select[aria-label="Preset scenario"]').inputValue(), before, 'current run unchanged');
  const good = { name: 'imported', cluster: { brokers: 4 }, topics: [{ name: 't', partitions: 4, replication_factor: 2 }] };
  await input.setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(good)) });
  await page.waitForSelector('[data-broker="4"]');
  assert.equal(await page.locator('.error').count(), 0);
  // A key Kafka accepts but KafkaSim does not model loads, and is named (issue 14 item 9).
  const warned = { ...good, name: 'warned', producers: [{ id: 'p', topic: 't', rate: 100, config: { 'compression.type': 'lz4' } }] };
  await input.setInputFiles({ name: 'warned.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(warned)) });
  await page.waitForSelector('.error');
  assert.match(await page.locator('.error').textContent(), /not modelled.*compression\.type/s);
  assert.deepEqual(problems, []);
  await page.close();
}
