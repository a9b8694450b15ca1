// Times the benchmark workload as wasm in Node and natively (the example binary), one run each
// of several repetitions, and prints medians and the wasm/native ratio.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const wasm = require(path.join(root, 'target/wasm-bench/wasm_bench.js'));
const secs = Number(process.env.SIM_SECS || 3);
const reps = Number(process.env.REPS || 9);
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const wasmTimes = [];
let events = 0;
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  events = wasm.run_workload(secs);
  wasmTimes.push((performance.now() - t0) / 1000);
}
const nativeTimes = [];
const bin = path.join(root, 'target/release/examples/profile_workload');
for (let i = 0; i < reps; i++) {
  const out = execFileSync(bin, [String(secs)]).toString();
  nativeTimes.push(Number(out.match(/in ([0-9.]+) s wall/)[1]));
}
const w = median(wasmTimes), n = median(nativeTimes);
console.log(`workload: 3 brokers, RF 3, 6 partitions, 1M records/s of 100 B, ${secs} simulated s, ${events} events`);
console.log(`wasm (Node ${process.version}): median ${w.toFixed(3)} s wall = ${(events / w / 1e6).toFixed(2)} M events/s, ${(secs / w).toFixed(1)}x real time`);
console.log(`native: median ${n.toFixed(3)} s wall = ${(events / n / 1e6).toFixed(2)} M events/s, ${(secs / n).toFixed(1)}x real time`);
console.log(`wasm/native speed ratio: ${(n / w).toFixed(2)}`);
