#!/usr/bin/env bash
# The leadbox benchmark: one command, from any directory.
#
#   bench/run.sh                 # 1,000,000 leads (the targets are stated for this size)
#   bench/run.sh --quick         # 100,000 leads, a few minutes
#   bench/run.sh --count N       # any size
#
# Other options:
#   --reps N           import comparison samples per tool (default 5, alternating)
#   --ff-reps N        first-frame samples per program in tmux (default 5)
#   --install-peers    also try `pip install visidata` and `cargo install csvlens` (timeout)
#   --no-peers         skip csvlens and visidata
#   --no-build         use the binaries already in target/release
#
# Writes target/bench/summary.json (and summary-N.json, logs, the data and the store in
# target/bench/) and prints a table. BENCHMARKS.md explains the method.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

COUNT=1000000
REPS=5
FF_REPS=5
PEERS=1
INSTALL_PEERS=0
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) COUNT=100000 ;;
    --count) COUNT="${2:?--count needs a number}"; shift ;;
    --reps) REPS="${2:?--reps needs a number}"; shift ;;
    --ff-reps) FF_REPS="${2:?--ff-reps needs a number}"; shift ;;
    --no-peers) PEERS=0 ;;
    --install-peers) INSTALL_PEERS=1 ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$COUNT" in ''|*[!0-9]*) echo "bench/run.sh: --count needs a number" >&2; exit 2 ;; esac

OUT="$ROOT/target/bench"
mkdir -p "$OUT"
LEADBOX="$ROOT/target/release/leadbox"
BENCH="$ROOT/target/release/leadbox-bench"
# A tmux server of our own, per run: a run never touches another's sessions.
TMUX_SOCKET="leadbox-bench-$$"
export LEADBOX_BENCH_TMUX_SOCKET="$TMUX_SOCKET"
# A pinned clock: the data ends a few days before it, so most of the inbox is overdue.
export LEADBOX_NOW="${LEADBOX_NOW:-2026-11-21T18:00:00Z}"
export TZ=UTC
INCR=10000

log() { printf '\n== %s\n' "$*" >&2; }

# One benchmark at a time on this machine (2 cores: two runs would time each other).
command -v flock >/dev/null 2>&1 || { echo "bench/run.sh: needs flock (util-linux)" >&2; exit 1; }
exec 9>"${TMPDIR:-/tmp}/leadbox-bench.lock"
if ! flock -n 9; then
  log "another bench/run.sh is running: waiting for it (at most 30 minutes)"
  flock -w 1800 9 || { echo "bench/run.sh: gave up waiting for the other run" >&2; exit 1; }
fi

cleanup() {
  tmux -L "$TMUX_SOCKET" kill-server >/dev/null 2>&1 || true
  rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCKET"
  rm -f "$OUT"/tmp-*.db "$OUT"/tmp-*.db-wal "$OUT"/tmp-*.db-shm
}
trap cleanup EXIT

# ---- tools -----------------------------------------------------------------------------
need=()
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
[ -x /usr/bin/time ] || need+=(time)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq </dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" </dev/null
fi
if [ "$INSTALL_PEERS" = 1 ]; then
  command -v vd >/dev/null 2>&1 || { log "pip install visidata"; pip install -q visidata || true; }
  if ! command -v csvlens >/dev/null 2>&1; then
    log "cargo install csvlens (at most 20 minutes)"
    timeout 1200 cargo install --locked csvlens || echo "csvlens: install failed or timed out" >&2
  fi
fi

if [ "$BUILD" = 1 ]; then
  log "building (release)"
  cargo build --release --locked --bin leadbox --bin leadbox-bench
fi
[ -x "$LEADBOX" ] && [ -x "$BENCH" ] || { echo "missing $LEADBOX or $BENCH" >&2; exit 1; }

MEASURES="$OUT/measures-$COUNT.jsonl"
: >"$MEASURES"
rm -f "$OUT/firstframe-$COUNT-"*.json "$OUT/peer-$COUNT-"*.txt \
  "$OUT/replay-$COUNT.json" "$OUT/replay-$COUNT-"*.json

# timed KIND REP LOGNAME CMD...: runs CMD under /usr/bin/time -v, stdout to LOGNAME.out
# (or $TIMED_STDOUT),
# appends {kind, rep, wall_s, rss_mb, ...} to the measures. Wall time: bash's EPOCHREALTIME
# around the command, the same clock for every tool.
timed() {
  local kind="$1" rep="$2" name="$3"; shift 3
  local t0 t1 status=0 dest="${TIMED_STDOUT:-$OUT/$name.out}"
  t0=$EPOCHREALTIME
  /usr/bin/time -v -o "$OUT/$name.time" "$@" >"$dest" 2>"$OUT/$name.err" || status=$?
  t1=$EPOCHREALTIME
  if [ "$status" != 0 ]; then
    echo "$kind failed (exit $status): $*" >&2
    tail -5 "$OUT/$name.err" >&2 || true
    return "$status"
  fi
  python3 - "$kind" "$rep" "$t0" "$t1" "$OUT/$name.time" >>"$MEASURES" <<'PY'
import json, sys
kind, rep, t0, t1, tf = sys.argv[1:]
rss_kb = user = sys_ = None
for line in open(tf):
    k, _, v = line.strip().partition(": ")
    if k == "Maximum resident set size (kbytes)": rss_kb = int(v)
    elif k == "User time (seconds)": user = float(v)
    elif k == "System time (seconds)": sys_ = float(v)
wall = float(t1) - float(t0)
print(json.dumps({"kind": kind, "rep": int(rep), "wall_s": round(wall, 4),
                  "rss_mb": round(rss_kb / 1024, 1) if rss_kb else None,
                  "user_s": user, "sys_s": sys_}))
PY
  tail -1 "$MEASURES" | sed "s/^/  /" >&2
}

rm_db() { rm -f "$1" "$1-wal" "$1-shm"; }

# Settings files for the inbox: the defaults (it opens on the Today view) and the list.
SETTINGS_DEFAULT="$OUT/settings-default.toml"
SETTINGS_LIST="$OUT/settings-list.toml"
: >"$SETTINGS_DEFAULT"
printf '[inbox]\nview = "list"\n' >"$SETTINGS_LIST"

# ---- data ------------------------------------------------------------------------------
CSV="$OUT/leads-$COUNT.csv"
INCR_CSV="$OUT/leads-incr-$INCR.csv"
DB="$OUT/leads-$COUNT.db"
# A 1M file spans two years; smaller ones scale down (at least 30 days).
DAYS=$(( COUNT * 730 / 1000000 )); [ "$DAYS" -ge 30 ] || DAYS=30
log "generating $COUNT leads over $DAYS days -> $CSV"
timed generate 1 "gen-$COUNT" "$LEADBOX" generate --count "$COUNT" --seed 42 --format csv \
  --start 2024-11-16T00:00:00Z --days "$DAYS"
mv "$OUT/gen-$COUNT.out" "$CSV"
"$LEADBOX" generate --count "$INCR" --seed 4242 --format csv \
  --start 2026-11-16T00:00:00Z --days 5 >"$INCR_CSV"

# ---- import: leadbox against sqlite3 .import, alternating --------------------------------
for rep in $(seq 1 "$REPS"); do
  log "import $rep/$REPS: sqlite3 .import"
  rm_db "$OUT/tmp-sqlite.db"
  timed import_sqlite3 "$rep" "import-sqlite3-$COUNT-$rep" \
    sqlite3 "$OUT/tmp-sqlite.db" ".import --csv $CSV leads"
  log "import $rep/$REPS: leadbox import"
  rm_db "$OUT/tmp-leadbox.db"
  timed import_leadbox "$rep" "import-leadbox-$COUNT-$rep" \
    "$LEADBOX" --db "$OUT/tmp-leadbox.db" import "$CSV"
  sed 's/^/  /' "$OUT/import-leadbox-$COUNT-$rep.out" >&2
done
SQLITE_ROWS=$(sqlite3 "$OUT/tmp-sqlite.db" "SELECT COUNT(*) FROM leads")
rm_db "$OUT/tmp-sqlite.db"
rm_db "$DB"
mv "$OUT/tmp-leadbox.db" "$DB"
[ -e "$OUT/tmp-leadbox.db-wal" ] && mv "$OUT/tmp-leadbox.db-wal" "$DB-wal"
rm -f "$OUT/tmp-leadbox.db-shm"
STORE_ROWS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM leads")
echo "  sqlite3 rows: $SQLITE_ROWS, leadbox leads: $STORE_ROWS" >&2

# ---- incremental: 10k new leads into the store, on a fresh copy each time ---------------
for rep in $(seq 1 "$REPS"); do
  log "incremental import $rep/$REPS: $INCR leads into $STORE_ROWS"
  rm_db "$OUT/tmp-incr.db"
  cp "$DB" "$OUT/tmp-incr.db"
  [ -e "$DB-wal" ] && cp "$DB-wal" "$OUT/tmp-incr.db-wal"
  timed import_incremental "$rep" "import-incr-$COUNT-$rep" \
    "$LEADBOX" --db "$OUT/tmp-incr.db" import "$INCR_CSV"
  sed 's/^/  /' "$OUT/import-incr-$COUNT-$rep.out" >&2
done
rm_db "$OUT/tmp-incr.db"

# ---- streaming outputs -------------------------------------------------------------------
log "list --format json / today --format json / stats --format json / export, to /dev/null"
TIMED_STDOUT=/dev/null timed list_json 1 "list-json-$COUNT" \
  "$LEADBOX" --db "$DB" list --format json
# The Today queue with the default follow-up rules (an empty settings file: none of the
# machine's own settings).
# Three runs each (the summary takes the median): a single run follows the host's moods.
for rep in 1 2 3; do
  TIMED_STDOUT=/dev/null timed today_cli "$rep" "today-json-$COUNT-$rep" \
    env LEADBOX_CONFIG="$SETTINGS_DEFAULT" "$LEADBOX" --db "$DB" today --format json
done
# Every figure of stats, over all time (sla_by_day: the last 30 days).
for rep in 1 2 3; do
  TIMED_STDOUT=/dev/null timed stats "$rep" "stats-json-$COUNT-$rep" \
    env LEADBOX_CONFIG="$SETTINGS_DEFAULT" "$LEADBOX" --db "$DB" stats --format json
done
TIMED_STDOUT=/dev/null timed export_csv 1 "export-csv-$COUNT" \
  "$LEADBOX" --db "$DB" export --format csv
TIMED_STDOUT=/dev/null timed export_json 1 "export-json-$COUNT" \
  "$LEADBOX" --db "$DB" export --format json

# ---- key replay through the real app state and drawing code -----------------------------
log "key replay (leadbox-bench, 160x50 TestBackend: the list, the Today view, the analytics view), $REPS runs"
rm -f "$OUT/replay-$COUNT-"*.json
for rep in $(seq 1 "$REPS"); do
  "$BENCH" --db "$DB" --width 160 --height 50 >"$OUT/replay-$COUNT-$rep.json"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("  key_p99_ms", d["key_p99_ms"], "search_p99_ms", d["search_p99_ms"], "first_frame_ms (in-process)", d["first_frame_ms"], "rss", d["rss_hwm_mb"])' \
    "$OUT/replay-$COUNT-$rep.json" >&2
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("  today_key_p99_ms", d["today_key_p99_ms"], "today_first_frame_ms (in-process)", d["today_first_frame_ms"], "today_queue_ms", d["today_queue_ms"], "today_whole_queue_ms", d["today_whole_queue_ms"], "customers", d["today_customers"])' \
    "$OUT/replay-$COUNT-$rep.json" >&2
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("  analytics_s", d["analytics_s"], "analytics_open_ms", d["analytics_open_ms"], "windows", d["analytics"]["windows"], "analytics_rss", d["analytics_rss_hwm_mb"])' \
    "$OUT/replay-$COUNT-$rep.json" >&2
done

# ---- first frame in a real terminal (tmux), leadbox and its peers ------------------------
tmux -L "$TMUX_SOCKET" kill-server >/dev/null 2>&1 || true
log "first frame in tmux: the harness floor (a program that prints at once)"
python3 "$ROOT/bench/firstframe.py" --name floor --reps "$FF_REPS" --expect "ready now" \
  -- sh -c 'echo "ready now"; exec sleep 100000' >"$OUT/firstframe-$COUNT-floor.json"
cat "$OUT/firstframe-$COUNT-floor.json" >&2
# The list: the inbox opens on it with `[inbox] view = "list"`.
log "first frame in tmux: leadbox, the list ($FF_REPS runs)"
python3 "$ROOT/bench/firstframe.py" --name leadbox --reps "$FF_REPS" --expect "shown of" \
  --keys "j j j NPage NPage G g / j o h n Escape s" --settle "sorted by" \
  -- env LEADBOX_NOW="$LEADBOX_NOW" TZ=UTC LEADBOX_CONFIG="$SETTINGS_LIST" \
  "$LEADBOX" --db "$DB" \
  >"$OUT/firstframe-$COUNT-leadbox.json"
cat "$OUT/firstframe-$COUNT-leadbox.json" >&2
# The Today view, where the inbox opens with the default settings. Its first frame shows the
# start of the queue: the first row's name (its first 12 characters: narrow columns cut
# names short) says it is on screen. "customers today" is in the status bar once the whole
# queue has come from the worker.
FIRST_TODAY_NAME=$(env LEADBOX_CONFIG="$SETTINGS_DEFAULT" "$LEADBOX" --db "$DB" today --format json \
  | python3 -c 'import json,sys; rows=json.load(sys.stdin); print((rows[0]["name"] or "")[:12] if rows else "All caught up")')
log "first frame in tmux: leadbox, the Today view ($FF_REPS runs; first row: $FIRST_TODAY_NAME)"
python3 "$ROOT/bench/firstframe.py" --name leadbox-today --reps "$FF_REPS" \
  --expect "$FIRST_TODAY_NAME" --keys "j j j NPage NPage G g" --settle "customers today" \
  -- env LEADBOX_NOW="$LEADBOX_NOW" TZ=UTC LEADBOX_CONFIG="$SETTINGS_DEFAULT" \
  "$LEADBOX" --db "$DB" \
  >"$OUT/firstframe-$COUNT-leadbox-today.json"
cat "$OUT/firstframe-$COUNT-leadbox-today.json" >&2

if [ "$PEERS" = 1 ]; then
  # A peer shows data once the first record's email is on screen (its first 12 characters:
  # the viewers cut long cells short).
  FIRST_EMAIL=$(python3 -c 'import csv,sys
for row in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    if row["Email"]:
        print(row["Email"][:12]); break' "$CSV")
  if command -v csvlens >/dev/null 2>&1; then
    log "first frame in tmux: csvlens"
    csvlens --version >"$OUT/peer-$COUNT-csvlens.txt" 2>&1 || true
    python3 "$ROOT/bench/firstframe.py" --name csvlens --reps "$FF_REPS" --expect "$FIRST_EMAIL" \
      -- csvlens "$CSV" >"$OUT/firstframe-$COUNT-csvlens.json" || true
    cat "$OUT/firstframe-$COUNT-csvlens.json" >&2
  else
    echo "not measured: csvlens is not installed (bench/run.sh --install-peers tries cargo install)" \
      >"$OUT/peer-$COUNT-csvlens.txt"
  fi
  if command -v vd >/dev/null 2>&1; then
    log "first frame in tmux: visidata"
    echo "visidata $(vd --version 2>/dev/null | head -1)" >"$OUT/peer-$COUNT-visidata.txt" || true
    python3 "$ROOT/bench/firstframe.py" --name visidata --reps "$FF_REPS" --expect "$FIRST_EMAIL" \
      -- vd -f csv "$CSV" >"$OUT/firstframe-$COUNT-visidata.json" || true
    cat "$OUT/firstframe-$COUNT-visidata.json" >&2
  else
    echo "not measured: visidata is not installed (pip install visidata)" \
      >"$OUT/peer-$COUNT-visidata.txt"
  fi
fi

# ---- machine and summary ---------------------------------------------------------------
python3 - "$OUT/machine-$COUNT.json" "$CSV" "$DB" "$STORE_ROWS" "$SQLITE_ROWS" <<'PY'
import json, os, platform, subprocess, sys, datetime
out, csv_path, db, store_rows, sqlite_rows = sys.argv[1:]
def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
    except OSError:
        return None
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), None)
mem_kb = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
json.dump({
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "nproc": os.cpu_count(),
    "cpu": cpu,
    "mem_gb": round(mem_kb / 1024 / 1024, 1),
    "kernel": platform.release(),
    "sqlite3": sh("sqlite3", "--version").split(" ")[0],
    "tmux": sh("tmux", "-V"),
    # BENCH_SOURCE names the source when it is not a git checkout (e.g. a `git archive`).
    "source": os.environ.get("BENCH_SOURCE") or (sh("git", "rev-parse", "--short", "HEAD") + (
        "-dirty" if subprocess.run(["git", "diff", "--quiet", "HEAD"]).returncode else "")),
    "leadbox_now": os.environ.get("LEADBOX_NOW"),
    "csv_bytes": os.path.getsize(csv_path),
    "db_bytes": os.path.getsize(db),
    "leads_in_store": int(store_rows),
    "sqlite3_rows": int(sqlite_rows),
    "load_avg_at_end": os.getloadavg(),
}, open(out, "w"), indent=2)
PY
python3 "$ROOT/bench/summarize.py" "$OUT" "$COUNT"
