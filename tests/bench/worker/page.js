// The worker design, measured: the engine runs in a Web Worker and posts a snapshot (JSON) every
// frame; this main thread reads each one back into the page's Rust form (as the page would before
// drawing), counts frames, and answers Space (pause) at once. window.__stats holds the figures.
import init, { read_snapshot } from './pkg/worker_probe.js';

const params = new URLSearchParams(location.search);
const stats = window.__stats = { frames: 0, snapshots: 0, read_ms: 0, bytes: 0, sim_ms: 0, started: performance.now() };
await init();
const worker = new Worker('worker.js', { type: 'module' });
let latest = null;
worker.onmessage = (e) => {
  if (e.data.ready) return;
  const t0 = performance.now();
  read_snapshot(e.data.snap);
  stats.read_ms += performance.now() - t0;
  stats.bytes += e.data.snap.length;
  stats.snapshots++;
  stats.sim_ms = e.data.sim;
  latest = e.data;
};
worker.postMessage({ scenario: await (await fetch('scenario.json')).text(), speed: Number(params.get('speed') || 1) });
const button = document.getElementById('play');
let paused = false;
addEventListener('keydown', (e) => {
  if (e.key !== ' ') return;
  e.preventDefault();
  paused = !paused;
  button.setAttribute('aria-pressed', String(paused));
  worker.postMessage({ paused });
});
window.__speed = (s) => worker.postMessage({ speed: s });
const t = document.getElementById('t');
const frame = () => {
  stats.frames++;
  if (latest) t.textContent = `t = ${(latest.sim / 1000).toFixed(3)} s`;
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
