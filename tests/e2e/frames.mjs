// Frame figures of a page (shared by the e2e perf check and the before/after benchmark): at each
// speed, frames per second, the engine's ms per frame (the page's own figure), main-thread task
// time per frame (Chromium's TaskDuration, everything the page and the browser do), the real
// speed reached, and how long a Space press (pause) takes to show: from the key event's own
// timestamp (when the browser received it) to the animation frame that first shows the page
// paused, both read in the page, so the test driver's round trips to the browser (tens of ms on
// a loaded machine) are not counted as the page's.

export const reference = {
  name: 'frame-budget', seed: 1, duration_ms: 600000,
  cluster: { brokers: 5 },
  topics: ['a', 'b', 'c'].map((n) => ({ name: n, partitions: 12, replication_factor: 3 })),
  producers: ['a', 'b', 'c'].map((n, i) => ({ id: `p${i}`, topic: n, rate: 10000, record_size: 100 })),
  consumer_groups: [
    { group_id: 'g1', topics: ['a', 'b'], members: 3 },
    { group_id: 'g2', topics: ['c'], members: 2 },
  ],
};

const paused = () => {
  const b = document.querySelector('button.play');
  return b?.getAttribute('aria-pressed') === 'true' || /▶/.test(b?.textContent ?? '');
};

async function taskMs(client) {
  const { metrics } = await client.send('Performance.getMetrics');
  return 1000 * metrics.find((m) => m.name === 'TaskDuration').value;
}

/** Measures `page` (already showing the scenario) at each of `speeds` (option labels). */
export async function measure(page, speeds, { settleMs = 2500, windowMs = 2000, presses = 5 } = {}) {
  const client = await page.context().newCDPSession(page);
  await client.send('Performance.enable');
  const out = {};
  for (const speed of speeds) {
    await page.selectOption('select[aria-label="Speed"]', { label: speed });
    await page.waitForTimeout(settleMs);
    const t0 = await taskMs(client);
    const frames = await page.evaluate((ms) => new Promise((res) => {
      let n = 0; const s = performance.now();
      const tick = () => { n++; if (performance.now() - s < ms) requestAnimationFrame(tick); else res({ n, secs: (performance.now() - s) / 1000 }); };
      requestAnimationFrame(tick);
    }), windowMs);
    const task = (await taskMs(client)) - t0;
    const perf = await page.locator('.perf').evaluate((e) => ({ ...e.dataset }));
    const real = (await page.locator('.speed').textContent()).replace(/[^0-9.×]/g, '');
    // Input: Space with the focus on no control pauses; the time until the page shows it.
    await page.evaluate(() => {
      const p = document.querySelector('div.page[tabindex]');
      if (p) p.focus(); else document.activeElement?.blur();
    });
    const lags = [];
    await page.evaluate(() => {
      window.addEventListener('keydown', (e) => {
        if (e.code === 'Space' && window.__keyAt === undefined) window.__keyAt = e.timeStamp;
      }, { capture: true });
    });
    for (let i = 0; i < presses; i++) {
      await page.evaluate(() => { window.__keyAt = undefined; });
      await page.keyboard.press('Space');
      // The same test as `paused`, inlined: a polled function runs in the page on its own.
      const lag = await page.waitForFunction(() => {
        const b = document.querySelector('button.play');
        const shown = b?.getAttribute('aria-pressed') === 'true' || /▶/.test(b?.textContent ?? '');
        return shown && window.__keyAt !== undefined ? performance.now() - window.__keyAt : false;
      }, null, { polling: 'raf' });
      lags.push(await lag.jsonValue());
      await page.keyboard.press('Space');
      await page.waitForFunction(() => !(document.querySelector('button.play')?.getAttribute('aria-pressed') === 'true' || /▶/.test(document.querySelector('button.play')?.textContent ?? '')), null, { polling: 'raf' });
      await page.waitForTimeout(300);
    }
    lags.sort((a, b) => a - b);
    out[speed] = {
      fps: Math.round(frames.n / frames.secs),
      engine_ms: Number(perf.frameMs),
      main_thread_ms_per_frame: Number((task / frames.n).toFixed(2)),
      render_ms: perf.renderMs !== undefined ? Number(perf.renderMs) : null,
      real_x: real,
      input_ms_median: Math.round(lags[lags.length >> 1]),
      input_ms_max: Math.round(lags[lags.length - 1]),
    };
  }
  await client.detach();
  return out;
}
