#!/usr/bin/env bash
# Runs every fuzz target of tests/fuzz.rs for LEADBOX_FUZZ_SECONDS seconds each (600 unless
# set), one after the other, at low priority. LEADBOX_FUZZ_SEED repeats a run. An input that
# breaks a rule is kept in target/fuzz-failures/ and stops the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${LEADBOX_FUZZ_SECONDS:-600}
cargo test --test fuzz --no-run
for target in fuzz_lead_source fuzz_json_import fuzz_csv_import; do
  LEADBOX_FUZZ_SECONDS=$seconds nice -n 19 \
    cargo test --test fuzz -- --ignored --exact "$target" --nocapture 2>&1 \
    | grep -E '^fuzz |panicked|input:|test result'
done
