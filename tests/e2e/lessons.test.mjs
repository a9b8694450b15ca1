// Every lesson plays through to its end in the browser, in English and in Chinese, and every
// step's highlight points at an element of the view; one step is screenshotted in each language.
import assert from 'node:assert/strict';
import path from 'node:path';

export const name = 'lessons: all 19 played with Next in English and Chinese (not seeks), highlights on the view; pacing, Skip, PageDown/PageUp';

// "Next" plays the simulation forward to the step (it does not seek): the clock is read while
// the step plays and must pass through times strictly between the two steps' times.
async function nextPlays(page, label) {
  const clock = async () => Number((await page.locator('.clock').textContent()).match(/([0-9.]+)/)[1]);
  const stepText = () => page.locator('section.lesson .lesson-step').textContent();
  const before = await stepText();
  const t0 = await clock();
  await page.click('section.lesson button.next');
  const seen = new Set();
  for (let k = 0; k < 400; k++) {
    if ((await stepText()) !== before) break;
    seen.add(await clock());
    await page.waitForTimeout(25);
  }
  assert.notEqual(await stepText(), before, `${label}: the step is reached`);
  const t1 = await clock();
  const between = [...seen].filter((t) => t > t0 && t < t1);
  // (A step a millisecond after the previous one has nothing to play.)
  if (t1 - t0 > 1) assert.ok(between.length >= 2, `${label}: played through ${t0} s → ${t1} s (saw ${[...seen].join(', ')})`);
}

async function playAll(page, lang) {
  await page.selectOption('select[aria-label="Language / 语言"]', lang);
  // 10×: a step plays in about 0.6 s instead of 6 s.
  await page.selectOption('select[aria-label="Speed"]', '3');
  for (let i = 0; i < 18; i++) {
    await page.selectOption('select[aria-label="Lesson"]', String(i));
    await page.waitForSelector('section.lesson');
    let guard = 0;
    let previous = null;
    for (;;) {
      const target = await page.locator('section.lesson').getAttribute('data-highlight');
      if (target) {
        await page.waitForFunction(() => document.querySelectorAll('.lesson-highlight').length > 0, null, { timeout: 5000 })
          .catch(() => { throw new Error(`lesson ${i + 1} (${lang}): nothing highlighted for "${target}"`); });
        // What the highlighted elements show changed since the previous step.
        const now = await page.evaluate(() => [...document.querySelectorAll('.lesson-highlight')].map((e) => e.textContent).join('|'));
        if (previous !== null && target === previous.target) {
          assert.notEqual(now, previous.text, `lesson ${i + 1} (${lang}) step ${guard + 1}: "${target}" shows a change`);
        }
        previous = { target, text: now };
      }
      if (await page.locator('section.lesson button.next').count() === 0) break;
      if (await page.locator('section.lesson button.reveal').count() > 0) {
        await page.click('section.lesson button.reveal');
        await page.waitForSelector('section.lesson .answer');
      }
      await nextPlays(page, `lesson ${i + 1} (${lang}) step ${guard + 2}`);
      assert.ok(++guard < 20, 'lesson ends');
    }
    assert.equal(await page.locator('section.lesson .done').count(), 1, `lesson ${i + 1} reaches its end (${lang})`);
  }
  await page.selectOption('select[aria-label="Speed"]', '2');
}

// At 1× a step takes seconds of wall time and holds on key events; Skip and PageDown/PageUp
// work as the clicker of a presenter expects.
async function pacing(page) {
  await page.selectOption('select[aria-label="Lesson"]', '2'); // acks: broker 1 crashes
  await page.waitForSelector('section.lesson');
  const started = Date.now();
  await page.click('section.lesson button.next');
  await page.waitForSelector('section.lesson .lesson-playing');
  await page.waitForSelector('section.lesson .lesson-playing .hold', { timeout: 15000 });
  const hold = await page.locator('section.lesson .lesson-playing .hold').textContent();
  assert.ok(hold.trim().length > 2, 'the playback says which event it holds on');
  await page.waitForSelector('section.lesson .lesson-playing', { state: 'detached', timeout: 30000 });
  const took = Date.now() - started;
  assert.ok(took > 2500, `a step at 1× is watchable (took ${took} ms)`);
  // Skip jumps: the next step is there at once.
  const stepText = () => page.locator('section.lesson .lesson-step').textContent();
  const before = await stepText();
  await page.click('section.lesson button.skip');
  await page.waitForFunction((b) => document.querySelector('section.lesson .lesson-step').textContent !== b, before, { timeout: 2000 });
  // PageUp goes back a step, PageDown plays the next one.
  await page.evaluate(() => document.activeElement?.blur());
  const here = await stepText();
  await page.keyboard.press('PageUp');
  await page.waitForFunction((b) => document.querySelector('section.lesson .lesson-step').textContent !== b, here, { timeout: 5000 });
  await page.keyboard.press('PageDown');
  await page.waitForSelector('section.lesson .lesson-playing', { timeout: 2000 });
  await page.click('section.lesson button.skip');
  await page.waitForFunction((b) => document.querySelector('section.lesson .lesson-step').textContent === b, here, { timeout: 5000 });
  // Paused after a jump, every chart still catches up with the run (one per frame).
  const clock = Number((await page.locator('.clock').textContent()).match(/([0-9.]+)/)[1]);
  await page.waitForFunction((t) => [...document.querySelectorAll('figure.chart')].every((f) => Number(f.dataset.until) >= t - 1), clock, { timeout: 5000 })
    .catch(async () => {
      const until = await page.evaluate(() => [...document.querySelectorAll('figure.chart')].map((f) => f.dataset.until));
      throw new Error(`charts stopped at ${until} while the run is at ${clock} s`);
    });
}

export async function run({ openPage, shots }) {
  const { page, problems } = await openPage('/', { width: 1280, height: 800 });
  await page.waitForSelector('svg.cluster-svg g.broker');
  const count = await page.locator('select[aria-label="Lesson"] option').count();
  assert.equal(count, 20, 'nineteen lessons plus "no lesson"');
  await pacing(page);
  await playAll(page, 'en');
  await playAll(page, 'zh');
  await page.selectOption('select[aria-label="Language / 语言"]', 'en');
  // Lesson 3 (acks=1): the audit shows acknowledged records lost.
  await page.selectOption('select[aria-label="Lesson"]', '2');
  while (await page.locator('section.lesson button.skip').count() > 0) await page.click('section.lesson button.skip');
  const badge = await page.locator('.audit .badge.bad').first().textContent();
  assert.match(badge, /acknowledged lost: [1-9]/, 'loss is shown in the audit');
  await page.selectOption('select[aria-label="Lesson"]', '3');
  await page.click('section.lesson button.skip');
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
