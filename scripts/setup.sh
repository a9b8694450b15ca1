#!/usr/bin/env bash
# Installs what `make serve` / `make test` need, skipping what is already present.
# Usage: scripts/setup.sh [web|test|mutants]
#   test    also installs Chromium, ChromeDriver, playwright-core
#   mutants installs only cargo-mutants (for `make mutants`; `make test` never needs it)
set -euo pipefail
cd "$(dirname "$0")/.."
want="${1:-web}"
say() { printf '[setup] %s\n' "$*" >&2; }

if [ "$want" = mutants ]; then
  # cargo-mutants, from crates.io with its own lock file (about 3 minutes on 2 cores).
  if ! cargo mutants --version >/dev/null 2>&1; then
    say "installing cargo-mutants (about 3 minutes)"
    cargo install cargo-mutants --locked
  fi
  say "ready: $(cargo mutants --version)"
  exit 0
fi

# The wasm32 target.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen CLI: exactly the version in Cargo.lock (installed without --locked, see TOOLCHAIN.md).
wb_version=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ -z "$wb_version" ]; then say "no wasm-bindgen in Cargo.lock"; exit 1; fi
if ! command -v wasm-bindgen >/dev/null || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version (about 2 minutes)"
  cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

# wasm-pack (runs the wasm tests in the browser).
if ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack (about 2 minutes)"
  cargo install wasm-pack --locked
fi

# npm tools: binaryen (wasm-opt 1xx; Debian's is too old) and playwright-core.
if [ ! -x .tools/node_modules/.bin/wasm-opt ] || { [ "$want" = test ] && [ ! -d .tools/node_modules/playwright-core ]; }; then
  say "installing npm tools into .tools/"
  mkdir -p .tools
  cp tools/package.json tools/package-lock.json .tools/ 2>/dev/null || cp tools/package.json .tools/
  (cd .tools && npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --no-audit --no-fund --loglevel=error)
fi

if [ "$want" = test ]; then
  # Chromium and its driver for the browser tests; CJK fonts so Chinese screenshots are legible.
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    say "installing Debian's chromium, chromium-driver and fonts-noto-cjk"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
  fi
fi
say "ready"
