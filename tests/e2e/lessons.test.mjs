// Every lesson plays through to its end in the browser; one step is screenshotted in each
// language; the language switch changes the text live.
import assert from 'node:assert/strict';
import path from 'node:path';

export const name = 'lessons: all 8 play through; English and Chinese';

export async function run({ openPage, shots }) {
  const { page, problems } = await openPage('/', { width: 1280, height: 800 });
  await page.waitForSelector('svg.cluster-svg g.broker');
  const count = await page.locator('select[aria-label="Lesson"] option').count();
  assert.equal(count, 9, 'eight lessons plus "no lesson"');
  for (let i = 0; i < 8; i++) {
    await page.selectOption('select[aria-label="Lesson"]', String(i));
    await page.waitForSelector('section.lesson');
    let guard = 0;
    while (await page.locator('section.lesson button.next').count() > 0) {
      if (await page.locator('section.lesson button.reveal').count() > 0) {
        await page.click('section.lesson button.reveal');
        await page.waitForSelector('section.lesson .answer');
      }
      await page.click('section.lesson button.next');
      assert.ok(++guard < 20, 'lesson ends');
    }
    assert.ok((await page.locator('section.lesson .done').count()) === 1, `lesson ${i + 1} reaches its end`);
  }
  // Lesson 3 (acks=1): the audit shows acknowledged records lost.
  await page.selectOption('select[aria-label="Lesson"]', '2');
  while (await page.locator('section.lesson button.next').count() > 0) await page.click('section.lesson button.next');
  const badge = await page.locator('.audit .badge.bad').first().textContent();
  assert.match(badge, /[1-9]/, 'loss is shown in the audit');
  await page.selectOption('select[aria-label="Lesson"]', '3');
  await page.screenshot({ path: path.join(shots, 'lesson-en.png') });
  await page.selectOption('select[aria-label="Language / 语言"]', 'zh');
  await page.waitForFunction(() => document.querySelector('section.lesson h2')?.textContent.includes('ISR 与'));
  await page.screenshot({ path: path.join(shots, 'lesson-zh.png') });
  await page.selectOption('select[aria-label="Language / 语言"]', 'en');
  assert.deepEqual(problems, []);
  await page.close();
}
