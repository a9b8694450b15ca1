#!/bin/bash
# The scaling rows of issue 18: `kafka-sim run` on benches/scaling/scale-*.json (4 producers,
# 80,000 records/s, 200 B, 10,000 keys, one group of up to 20 consumers, cloud, 3 simulated s),
# median of RUNS runs each. With BASE=path/to/old/kafka-sim, the old and new binaries run
# alternately in the same loop (paired) and the table shows both. DURATION_MS=10000 runs each
# row longer than the files' 3 simulated s: the group's first rebalance waits
# group.initial.rebalance.delay.ms (3 s), so only a longer run includes the consumers' fetching.
# Prints a Markdown table.
set -euo pipefail
BIN=${BIN:-target/release/kafka-sim}
BASE=${BASE:-}
RUNS=${RUNS:-3}
DURATION_MS=${DURATION_MS:-}
python3 - "$BIN" "$BASE" "$RUNS" "$DURATION_MS" <<'PY'
import json, statistics, subprocess, sys, glob, re
bin_, base, runs, duration = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = sorted(glob.glob("benches/scaling/scale-*.json"),
              key=lambda f: tuple(int(x) for x in re.findall(r"(\d+)x(\d+)", f)[0]))
def run(b, f):
    extra = ["--duration-ms", duration] if duration else []
    out = subprocess.run([b, "run", "-q", "--json", "-", *extra, f], check=True, capture_output=True).stdout
    return json.loads(out)
print("| brokers | partitions | events per simulated s |"
      + (" events per wall s, before | simulated / real, before |" if base else "")
      + " events per wall s | simulated / real |" + (" after / before |" if base else ""))
print("|---|---|---|" + ("---|---|" if base else "") + "---|---|" + ("---|" if base else ""))
for f in rows:
    b, p = re.findall(r"(\d+)x(\d+)", f)[0]
    new, old = [], []
    for _ in range(runs):
        if base:
            old.append(run(base, f))
        new.append(run(bin_, f))
    def med(rs):
        eps = statistics.median(r["events_per_s"] for r in rs)
        sim_s = rs[0]["simulated_ms"] / 1000
        return eps, rs[0]["events"] / sim_s, rs[0]["events"] / sim_s and eps / (rs[0]["events"] / sim_s)
    n_eps, per_sim, n_rt = med(new)
    cells = [b, f"{int(p):,}", f"{per_sim/1e3:,.0f} k"]
    if base:
        o_eps, _, o_rt = med(old)
        assert old[0]["trace_hash"] == new[0]["trace_hash"], f"{f}: trace hash differs"
        cells += [f"{o_eps/1e6:.2f} M", f"{o_rt:.2f}×"]
    cells += [f"{n_eps/1e6:.2f} M", f"{n_rt:.2f}×"]
    if base:
        cells.append(f"{n_eps/o_eps:.2f}×")
    print("| " + " | ".join(cells) + " |", flush=True)
PY
