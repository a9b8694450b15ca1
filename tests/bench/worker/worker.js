// The engine in a worker: runs in slices of up to 12 ms towards the time the speed asks for
// (all of it at speed 0, "max"), posts a snapshot every ~16 ms, and takes pause/speed messages
// between slices.
import init, { Probe } from './pkg/worker_probe.js';

let probe = null, speed = 1, paused = false, last = performance.now(), lastPost = 0, target = 0;
onmessage = async (e) => {
  if (e.data.scenario) {
    await init();
    probe = new Probe(e.data.scenario);
    speed = e.data.speed;
    last = performance.now();
    postMessage({ ready: true });
    setTimeout(slice, 0);
  }
  if (e.data.speed !== undefined) speed = e.data.speed;
  if (e.data.paused !== undefined) paused = e.data.paused;
};
function slice() {
  const now = performance.now();
  const dt = Math.min(now - last, 100);
  last = now;
  let busy = false;
  if (!paused) {
    target = speed > 0 ? Math.max(target, probe.now_ms()) + dt * speed : Infinity;
    const reached = probe.advance(target, 12);
    busy = reached < target;
  }
  if (now - lastPost >= 16) {
    lastPost = now;
    postMessage({ snap: probe.snapshot_json(), sim: probe.now_ms() });
  }
  setTimeout(slice, busy ? 0 : 4);
}
