#!/usr/bin/env bash
# Prints the mutation score of a cargo-mutants run from its output folder (default
# mutants.out): caught, missed, unviable and timeouts, and the share of viable mutants caught.
# A timeout counts as caught (the mutant hangs the engine: a test run would fail). Exits 1 when
# the score is below 90%, the target of issue 21.
set -euo pipefail
out="${1:-mutants.out}"
count() { if [ -f "$out/$1.txt" ]; then grep -c . "$out/$1.txt" || true; else echo 0; fi; }
caught=$(count caught); missed=$(count missed); unviable=$(count unviable); timeout=$(count timeout)
viable=$((caught + missed + timeout))
if [ "$viable" -eq 0 ]; then echo "mutants: no viable mutant tested in $out"; exit 1; fi
pct=$(awk -v c="$((caught + timeout))" -v v="$viable" 'BEGIN { printf "%.1f", 100 * c / v }')
echo "mutants: $caught caught, $missed missed, $unviable unviable, $timeout timeouts"
echo "mutation score: $pct% of $viable viable mutants caught (timeouts count as caught)"
if [ "$missed" -gt 0 ]; then echo "survivors ($out/missed.txt):"; sed 's/^/  /' "$out/missed.txt"; fi
awk -v p="$pct" 'BEGIN { exit (p >= 90.0) ? 0 : 1 }'
