// Starts the page's WebAssembly, and turns any failure of it into a visible error instead of a
// page that looks alive but no longer answers. A panic shows its message (the Rust panic hook
// writes the banner); a trap (unreachable, out of memory, out-of-bounds) arrives here as an
// uncaught WebAssembly.RuntimeError. The scenario is saved in localStorage after every change,
// so reloading continues from it. Loaded as a file: the Content-Security-Policy allows no
// inline script.
import init from '../pkg/kafka_sim.js';

let stopped = false;

function fatal(message) {
  if (stopped) return;
  stopped = true;
  document.body.classList.add('halted');
  let banner = document.getElementById('panic-banner');
  if (!banner) {
    banner = document.createElement('div');
    banner.id = 'panic-banner';
    banner.className = 'fatal-banner';
    banner.setAttribute('role', 'alert');
    document.body.prepend(banner);
  }
  const text = document.createElement('p');
  text.textContent = banner.textContent
    ? 'The simulation cannot continue.'
    : 'KafkaSim stopped because the simulation failed: ' + message;
  const keep = document.createElement('p');
  keep.textContent = 'Your scenario is kept (saved in this browser): reload the page to continue from it.';
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.textContent = 'Reload';
  reload.addEventListener('click', () => location.reload());
  banner.append(text, keep, reload);
  reload.focus();
}

// Anything thrown out of the WebAssembly module is fatal: its state may be half-updated.
function fromWasm(err) {
  return err instanceof WebAssembly.RuntimeError || (err && /unreachable|wasm|memory/i.test(String(err.stack || err)));
}

window.addEventListener('error', (e) => {
  if (fromWasm(e.error)) fatal(String(e.error && e.error.message || e.message));
});
window.addEventListener('unhandledrejection', (e) => {
  if (fromWasm(e.reason)) fatal(String(e.reason && e.reason.message || e.reason));
});

init().catch((e) => {
  const d = document.createElement('div');
  d.className = 'fatal-banner';
  d.setAttribute('role', 'alert');
  d.textContent = 'KafkaSim could not start: ' + e;
  document.body.prepend(d);
  console.error(e);
});
