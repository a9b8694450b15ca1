// Every lesson plays through to its end in the browser, in English and in Chinese, and every
// step's highlight points at an element of the view; one step is screenshotted in each language.
import assert from 'node:assert/strict';
import path from 'node:path';

export const name = 'lessons: all 17 play through in English and Chinese, highlights on the view';

async function playAll(page, lang) {
  await page.selectOption('select[aria-label="Language / 语言"]', lang);
  for (let i = 0; i < 17; i++) {
    await page.selectOption('select[aria-label="Lesson"]', String(i));
    await page.waitForSelector('section.lesson');
    let guard = 0;
    for (;;) {
      const target = await page.locator('section.lesson').getAttribute('data-highlight');
      if (target) {
        await page.waitForFunction(() => document.querySelectorAll('.lesson-highlight').length > 0, null, { timeout: 5000 })
          .catch(() => { throw new Error(`lesson ${i + 1} (${lang}): nothing highlighted for "${target}"`); });
      }
      if (await page.locator('section.lesson button.next').count() === 0) break;
      if (await page.locator('section.lesson button.reveal').count() > 0) {
        await page.click('section.lesson button.reveal');
        await page.waitForSelector('section.lesson .answer');
      }
      await page.click('section.lesson button.next');
      assert.ok(++guard < 20, 'lesson ends');
    }
    assert.equal(await page.locator('section.lesson .done').count(), 1, `lesson ${i + 1} reaches its end (${lang})`);
  }
}

export async function run({ openPage, shots }) {
  const { page, problems } = await openPage('/', { width: 1280, height: 800 });
  await page.waitForSelector('svg.cluster-svg g.broker');
  const count = await page.locator('select[aria-label="Lesson"] option').count();
  assert.equal(count, 18, 'seventeen lessons plus "no lesson"');
  await playAll(page, 'en');
  await playAll(page, 'zh');
  await page.selectOption('select[aria-label="Language / 语言"]', 'en');
  // Lesson 3 (acks=1): the audit shows acknowledged records lost.
  await page.selectOption('select[aria-label="Lesson"]', '2');
  while (await page.locator('section.lesson button.next').count() > 0) await page.click('section.lesson button.next');
  const badge = await page.locator('.audit .badge.bad').first().textContent();
  assert.match(badge, /acknowledged lost: [1-9]/, 'loss is shown in the audit');
  await page.selectOption('select[aria-label="Lesson"]', '3');
  await page.click('section.lesson button.next');
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(shots, 'lesson-en.png') });
  await page.selectOption('select[aria-label="Language / 语言"]', 'zh');
  await page.waitForFunction(() => document.querySelector('section.lesson h2')?.textContent.includes('ISR 与'));
  await page.screenshot({ path: path.join(shots, 'lesson-zh.png') });
  await page.selectOption('select[aria-label="Language / 语言"]', 'en');
  await page.selectOption('select[aria-label="Lesson"]', '');
  assert.deepEqual(problems, []);
  await page.close();
}
