#!/usr/bin/env bash
# The mutation record (docs/mutants/): what every mutant of today's list did when it was last
# tested, kept in the repository so that a mutation run split over several sittings (a full run
# takes hours on 2 cores) adds up to one measurement.
#
#   scripts/mutants-record.sh seed OUT    writes OUT/mutants.out/previously_caught.txt from the
#                                          record, so `cargo mutants --iterate -o OUT` skips what
#                                          the record already has as caught, unviable or timeout
#   scripts/mutants-record.sh seed-survivors OUT
#                                          the same, but seeds every listed mutant except the
#                                          record's survivors and timeouts: `--iterate` then
#                                          retests only those (after new tests, or to tell a
#                                          real hang from a slow test on a loaded machine)
#   scripts/mutants-record.sh merge OUT   adds the outcomes of the run in OUT/mutants.out (or OUT
#                                          itself) to the record; a mutant tested again keeps only
#                                          its latest outcome
#   scripts/mutants-record.sh score       the score over today's list (`cargo mutants --list`):
#                                          how many listed mutants have an outcome, the share of
#                                          viable ones caught, the survivors; exits 1 below 90% or
#                                          while a listed mutant is untested
#
# Mutants are named as cargo-mutants names them (file:line:column: change in function). A line
# moved by an edit renames its mutants, which then count as untested until tested again: the
# record never credits a mutant whose code it did not see.
set -euo pipefail
cd "$(dirname "$0")/.."
rec=docs/mutants
kinds=(caught missed unviable timeout)
mkdir -p "$rec"
for k in "${kinds[@]}"; do touch "$rec/$k.txt"; done

catif() { if [ -f "$1" ]; then cat "$1"; fi; }
outdir() { if [ -d "$1/mutants.out" ]; then echo "$1/mutants.out"; else echo "$1"; fi; }

case "${1:-}" in
  seed)
    out="${2:?usage: $0 seed OUT}/mutants.out"
    mkdir -p "$out"
    sort -u "$rec/caught.txt" "$rec/unviable.txt" "$rec/timeout.txt" > "$out/previously_caught.txt"
    : > "$out/caught.txt"
    : > "$out/unviable.txt"
    echo "mutants record: $(grep -c . "$out/previously_caught.txt" || true) mutants seeded as done into $out"
    ;;
  seed-survivors)
    out="${2:?usage: $0 seed-survivors OUT}/mutants.out"
    mkdir -p "$out"
    cargo mutants --list 2>/dev/null | LC_ALL=C sort -u \
      | grep -vxFf <(cat "$rec/missed.txt" "$rec/timeout.txt") > "$out/previously_caught.txt" || true
    : > "$out/caught.txt"
    : > "$out/unviable.txt"
    echo "mutants record: all but $(cat "$rec/missed.txt" "$rec/timeout.txt" | grep -c . || true) survivors and timeouts seeded as done into $out"
    ;;
  merge)
    out=$(outdir "${2:?usage: $0 merge OUT}")
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    # A timeout whose log shows a failing test was caught before the run hung: recorded as caught,
    # so that the record's timeouts are only the mutants seen to hang without a test failing.
    if [ -f "$out/timeout.txt" ] && [ -f "$out/outcomes.json" ]; then
      python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
failed = set()
for o in json.load(open(os.path.join(out, "outcomes.json")))["outcomes"]:
    m = o.get("scenario")
    if o.get("summary") != "Timeout" or not isinstance(m, dict) or "Mutant" not in m:
        continue
    log = os.path.join(out, o.get("log_path") or "")
    if os.path.isfile(log) and "... FAILED" in open(log, errors="replace").read():
        failed.add(m["Mutant"]["name"])
names = [l.rstrip("\n") for l in open(os.path.join(out, "timeout.txt")) if l.strip()]
with open(os.path.join(out, "timeout.txt"), "w") as f:
    f.writelines(n + "\n" for n in names if n not in failed)
with open(os.path.join(out, "caught.txt"), "a") as f:
    f.writelines(n + "\n" for n in names if n in failed)
if failed:
    print(f"mutants record: {len(failed)} timeouts had failing tests in their logs: counted as caught")
PY
    fi
    # Every mutant this run tested, whatever its outcome.
    for k in "${kinds[@]}"; do catif "$out/$k.txt"; done | LC_ALL=C sort -u > "$tmp/tested"
    for k in "${kinds[@]}"; do
      # Keep the record's entries this run did not test, add this run's outcome.
      { grep -vxFf "$tmp/tested" "$rec/$k.txt" || true; catif "$out/$k.txt"; } \
        | { grep . || true; } | LC_ALL=C sort -u > "$tmp/$k"
      mv "$tmp/$k" "$rec/$k.txt"
    done
    echo "mutants record: $(grep -c . "$tmp/tested" || true) outcomes merged from $out"
    ;;
  score)
    list=$(mktemp)
    trap 'rm -f "$list"' EXIT
    cargo mutants --list 2>/dev/null | LC_ALL=C sort -u > "$list"
    total=$(grep -c . "$list" || true)
    declare -A n
    for k in "${kinds[@]}"; do
      n[$k]=$(LC_ALL=C comm -12 "$list" <(LC_ALL=C sort -u "$rec/$k.txt") | grep -c . || true)
    done
    have=$((n[caught] + n[missed] + n[unviable] + n[timeout]))
    viable=$((n[caught] + n[missed] + n[timeout]))
    echo "mutants record: $have of $total listed mutants tested: ${n[caught]} caught, ${n[missed]} missed, ${n[unviable]} unviable, ${n[timeout]} timeouts"
    if [ "$viable" -eq 0 ]; then exit 1; fi
    pct=$(awk -v c="$((n[caught] + n[timeout]))" -v v="$viable" 'BEGIN { printf "%.1f", 100 * c / v }')
    echo "mutation score: $pct% of $viable viable mutants caught (timeouts count as caught)"
    if [ "${n[missed]}" -gt 0 ]; then
      echo "survivors:"
      LC_ALL=C comm -12 "$list" <(LC_ALL=C sort -u "$rec/missed.txt") | sed 's/^/  /'
    fi
    if [ "$have" -lt "$total" ]; then
      echo "untested: $((total - have)) listed mutants have no outcome in $rec (make mutants-resume)"
    fi
    awk -v p="$pct" -v h="$have" -v t="$total" 'BEGIN { exit (p >= 90.0 && h == t) ? 0 : 1 }'
    ;;
  *)
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
