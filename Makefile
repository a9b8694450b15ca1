# KafkaSim — the two commands are `make serve` and `make test` (see README.md).
SHELL := /bin/bash
PORT ?= 8080
DIST := dist
WASM := target/wasm32-unknown-unknown/wasm-release/kafka_sim.wasm
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: serve test setup setup-test build test-native test-wasm test-e2e bench bench-wasm bench-page bench-worker bench-scale calibration mutants mutants-resume mutants-retest clean

## Install what is missing, build the page, serve it at http://127.0.0.1:$(PORT)
serve: setup build
	@echo "KafkaSim at http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	python3 -m http.server $(PORT) --bind 127.0.0.1 --directory $(DIST)

## Install what is missing, then native tests, wasm tests in headless Chromium, browser e2e
test: setup-test
	@set -o pipefail; start=$$(date +%s); status=0; \
	  $(MAKE) --no-print-directory test-native || status=1; \
	  $(MAKE) --no-print-directory test-wasm || status=1; \
	  $(MAKE) --no-print-directory test-e2e || status=1; \
	  echo; echo "make test: $$(( $$(date +%s) - start )) s"; \
	  if [ $$status -eq 0 ]; then echo "make test: PASS (native, wasm-in-browser, end-to-end)"; \
	  else echo "make test: FAIL (see above)"; fi; exit $$status

setup:
	@scripts/setup.sh web

setup-test:
	@scripts/setup.sh test

## Release wasm (size-tuned profile) + wasm-bindgen + wasm-opt, with index.html and www/ in dist/
build: setup
	cargo build --lib --target wasm32-unknown-unknown --profile wasm-release
	rm -rf $(DIST) && mkdir -p $(DIST)/pkg
	wasm-bindgen --target web --no-typescript --out-dir $(DIST)/pkg $(WASM)
	wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
	  $(DIST)/pkg/kafka_sim_bg.wasm -o $(DIST)/pkg/kafka_sim_bg.wasm
	cp index.html $(DIST)/ && cp -r www $(DIST)/www
	@raw=$$(stat -c %s $(DIST)/pkg/kafka_sim_bg.wasm); gz=$$(gzip -9 -c $(DIST)/pkg/kafka_sim_bg.wasm | wc -c); \
	  echo "wasm: $$raw bytes raw, $$gz bytes gzipped"

test-native:
	cargo test --all-targets
	cargo test --doc

test-wasm: setup-test
	CARGO_PROFILE_DEV_OPT_LEVEL=1 WASM_BINDGEN_TEST_TIMEOUT=900 wasm-pack test --headless --chrome -- --test web

test-e2e: setup-test build
	cargo build --release --bin kafka-sim
	node tests/e2e/run.mjs

## Criterion benchmarks (native), the same workload as wasm in Node, the calibration table and
## the scaling rows
bench: bench-wasm calibration bench-scale
	cargo bench --bench engine --profile criterion

## Events per wall second from 3 brokers x 6 partitions to 30 x 1,000 (README, "Scale"); with
## BASE=path/to/an/older/kafka-sim the two binaries run alternately and the table shows both
## (RUNS=3 runs each, the median).
bench-scale:
	cargo build --release --bin kafka-sim
	scripts/bench-scale.sh

## perf-test on the linkedin-2014 and confluent-2020 profiles against the published benchmarks:
## published value, KafkaSim value and ratio per row (README, "Calibration")
calibration:
	cargo run --release --example calibration

bench-wasm: setup
	cargo build --release --example profile_workload
	cargo build --release --target wasm32-unknown-unknown --example wasm_bench
	wasm-bindgen --target nodejs --out-dir target/wasm-bench target/wasm32-unknown-unknown/release/examples/wasm_bench.wasm
	node tests/bench/wasm_bench.mjs

## Mutation testing over the files holding Kafka's rules (.cargo/mutants.toml): installs
## cargo-mutants if missing, prints the score (README: the last figure). Hours on 2 cores: not part
## of `make test` or CI. MUTANTS_ARGS passes options, e.g. MUTANTS_ARGS=--iterate (skip what the
## previous run caught), MUTANTS_ARGS='--shard 1/4', MUTANTS_ARGS=-j2.
mutants:
	@scripts/setup.sh mutants
	@start=$$(date +%s); cargo mutants $(MUTANTS_ARGS); \
	  echo "make mutants: $$(( $$(date +%s) - start )) s"; scripts/mutants-record.sh merge mutants.out; \
	  scripts/mutants-record.sh score

## The same, in sittings: tests only the mutants that docs/mutants (the record kept in the
## repository) has no outcome for, adds this run's outcomes to it and prints the score over
## today's whole list (scripts/mutants-record.sh). Interrupted, `scripts/mutants-record.sh merge
## target/mutants-resume` keeps the outcomes that finished.
mutants-resume:
	@scripts/setup.sh mutants
	@scripts/mutants-record.sh seed target/mutants-resume
	@start=$$(date +%s); cargo mutants --iterate -o target/mutants-resume $(MUTANTS_ARGS) || true; \
	  echo "make mutants-resume: $$(( $$(date +%s) - start )) s"
	@scripts/mutants-record.sh merge target/mutants-resume
	@scripts/mutants-record.sh score

## Retests only the record's survivors and timeouts (after new tests, or to tell a real hang
## from a test slowed by a loaded machine), merges and scores as mutants-resume does.
mutants-retest:
	@scripts/setup.sh mutants
	@rm -rf target/mutants-retest
	@scripts/mutants-record.sh seed-survivors target/mutants-retest
	@cargo mutants --iterate -o target/mutants-retest $(MUTANTS_ARGS) || true
	@scripts/mutants-record.sh merge target/mutants-retest
	@scripts/mutants-record.sh score

## The page's frame figures before and after (target/dist-before holds a build of the previous page)
bench-page: build
	node tests/bench/page_frames.mjs target/dist-before dist 2

## Main thread or Web Worker: the page against a worker probe, in one run
bench-worker: build
	cargo build --release --target wasm32-unknown-unknown --example worker_probe
	wasm-bindgen --target web --no-typescript --out-dir target/worker-probe/pkg target/wasm32-unknown-unknown/release/examples/worker_probe.wasm
	node tests/bench/worker_eval.mjs 2

clean:
	cargo clean
	rm -rf $(DIST) pkg
