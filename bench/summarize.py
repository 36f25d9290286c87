#!/usr/bin/env python3
"""Assembles target/bench/summary.json from the measurements bench/run.sh wrote, and prints
a table of the figures against the targets.

usage: summarize.py OUT_DIR COUNT
Reads OUT_DIR/measures-COUNT.jsonl (one JSON object per measured command),
OUT_DIR/replay-COUNT.json (leadbox-bench), OUT_DIR/firstframe-COUNT-*.json (tmux: the list
is `leadbox`, the Today view `leadbox-today`) and OUT_DIR/machine-COUNT.json.
"""

import glob
import json
import os
import re
import statistics
import sys

# The targets, stated for 1M leads.
TARGETS = {
    # 2.5x since the store is in WAL mode from its creation (every page of a first import is
    # written to the WAL, then checkpointed into the store).
    "import_ratio": ("<=", 2.5, "import time / sqlite3 .import time"),
    "import_rss_mb": ("<", 200.0, "peak RSS of the 1M import"),
    "incremental_10k_s": ("<", 1.0, "10k leads into the 1M store"),
    "key_p99_ms": ("<", 16.0, "inbox keystroke to finished frame, p99"),
    "search_p99_ms": ("<", 33.0, "search keystroke to finished frame, p99"),
    "first_frame_ms": ("<", 100.0, "launch to leads on screen in tmux"),
    "inbox_rss_mb": ("<", 48.0, "peak RSS of the inbox"),
    # The Today view, where the inbox opens: the list's targets, and the queue from the CLI.
    "today_first_frame_ms": ("<", 100.0, "launch to the Today queue on screen in tmux"),
    "today_key_p99_ms": ("<", 16.0, "Today view keystroke to finished frame, p99"),
    "today_cli_s": ("<", 1.0, "leadbox today --format json, to /dev/null"),
    "stats_s": ("<", 1.0, "leadbox stats --format json, to /dev/null"),
    # The analytics view: from pressing A until the worker's figures are drawn.
    "analytics_s": ("<", 1.0, "inbox: A until the analytics view's figures are drawn"),
}


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def r(x, n=3):
    return None if x is None else round(x, n)


def load_jsonl(path):
    out = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    out.append(json.loads(line))
    return out


def load_json(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        text = f.read().strip()
    return json.loads(text) if text else None


def main():
    out_dir, count = sys.argv[1], int(sys.argv[2])
    measures = load_jsonl(os.path.join(out_dir, f"measures-{count}.jsonl"))
    # Several replays: the figures are the medians over them; categories and the slowest keys
    # come from the replay whose search p99 is the median one.
    replays = [
        load_json(p)
        for p in sorted(glob.glob(os.path.join(out_dir, f"replay-{count}-*.json")))
        if re.fullmatch(rf"replay-{count}-\d+\.json", os.path.basename(p))
    ]
    replays = [x for x in replays if x]
    replay = {}
    if replays:
        by_search = sorted(replays, key=lambda x: x.get("search_p99_ms") or 0)
        replay = dict(by_search[(len(by_search) - 1) // 2])
        for key in ("key_p50_ms", "key_p95_ms", "key_p99_ms", "key_max_ms", "search_p50_ms",
                    "search_p95_ms", "search_p99_ms", "search_max_ms", "first_frame_ms",
                    "rss_hwm_mb", "replay_s", "today_key_p50_ms", "today_key_p95_ms",
                    "today_key_p99_ms", "today_key_max_ms", "today_first_frame_ms",
                    "today_queue_ms", "today_whole_queue_ms", "today_rss_hwm_mb",
                    "analytics_s", "analytics_open_ms", "analytics_rss_hwm_mb"):
            replay[key] = median([x.get(key) for x in replays])
        with open(os.path.join(out_dir, f"replay-{count}.json"), "w") as f:
            json.dump(replay, f, indent=2)
    machine = load_json(os.path.join(out_dir, f"machine-{count}.json")) or {}

    def runs(kind):
        return [m for m in measures if m["kind"] == kind]

    def med(kind, field):
        return median([m.get(field) for m in runs(kind)])

    def peak(kind, field="rss_mb"):
        xs = [m.get(field) for m in runs(kind) if m.get(field) is not None]
        return max(xs) if xs else None

    import_s = med("import_leadbox", "wall_s")
    sqlite_s = med("import_sqlite3", "wall_s")

    first_frames = {}
    for path in sorted(glob.glob(os.path.join(out_dir, f"firstframe-{count}-*.json"))):
        ff = load_json(path)
        if ff:
            first_frames[ff["name"]] = ff
    lb_ff = first_frames.get("leadbox", {})
    today_ff = first_frames.get("leadbox-today", {})
    today_replay = replay.get("today") or {}

    peers = {}
    for name in ("csvlens", "visidata"):
        ff = first_frames.get(name)
        note_path = os.path.join(out_dir, f"peer-{count}-{name}.txt")
        note = open(note_path).read().strip() if os.path.exists(note_path) else None
        if ff and ff.get("median_ms") is not None:
            peers[name] = {
                "first_frame_ms": ff["median_ms"],
                "first_frame_samples_ms": ff["samples_ms"],
                "rss_first_frame_mb": ff.get("rss_first_frame_mb"),
                "version": note,
            }
        else:
            reason = (ff or {}).get("errors") or note or "not installed"
            peers[name] = {"first_frame_ms": None, "not_measured": reason}

    inbox_rss_tmux = lb_ff.get("rss_after_keys_mb") or lb_ff.get("rss_first_frame_mb")
    summary = {
        "leads": count,
        "leads_in_store": machine.get("leads_in_store"),
        "leads_shown_in_inbox": replay.get("leads"),
        "import_s": r(import_s),
        "sqlite3_import_s": r(sqlite_s),
        "import_ratio": r(import_s / sqlite_s) if import_s and sqlite_s else None,
        "import_samples_s": [m["wall_s"] for m in runs("import_leadbox")],
        "sqlite3_import_samples_s": [m["wall_s"] for m in runs("import_sqlite3")],
        "import_rss_mb": peak("import_leadbox"),
        "sqlite3_import_rss_mb": peak("import_sqlite3"),
        "incremental_10k_s": r(med("import_incremental", "wall_s")),
        "incremental_10k_samples_s": [m["wall_s"] for m in runs("import_incremental")],
        "incremental_10k_rss_mb": peak("import_incremental"),
        "key_p99_ms": replay.get("key_p99_ms"),
        "search_p99_ms": replay.get("search_p99_ms"),
        "key_p99_runs_ms": [x.get("key_p99_ms") for x in replays],
        "search_p99_runs_ms": [x.get("search_p99_ms") for x in replays],
        "first_frame_ms": lb_ff.get("median_ms"),
        "first_frame_samples_ms": lb_ff.get("samples_ms"),
        "first_frame_inprocess_ms": replay.get("first_frame_ms"),
        "first_frame_inprocess_runs_ms": [x.get("first_frame_ms") for x in replays],
        "first_frame_harness_floor_ms": first_frames.get("floor", {}).get("median_ms"),
        "inbox_exit_after_hangup_ms": lb_ff.get("exit_after_hangup_ms"),
        "inbox_rss_mb": inbox_rss_tmux,
        "inbox_rss_first_frame_mb": lb_ff.get("rss_first_frame_mb"),
        "inbox_rss_inprocess_mb": replay.get("rss_hwm_mb"),
        "today_first_frame_ms": today_ff.get("median_ms"),
        "today_first_frame_samples_ms": today_ff.get("samples_ms"),
        "today_first_frame_inprocess_ms": replay.get("today_first_frame_ms"),
        "today_first_frame_inprocess_runs_ms": [x.get("today_first_frame_ms") for x in replays],
        "today_queue_ms": replay.get("today_queue_ms"),
        "today_queue_runs_ms": [x.get("today_queue_ms") for x in replays],
        "today_whole_queue_ms": replay.get("today_whole_queue_ms"),
        "analytics_s": replay.get("analytics_s"),
        "analytics_runs_s": [x.get("analytics_s") for x in replays],
        "analytics_open_ms": replay.get("analytics_open_ms"),
        "analytics_windows": (replay.get("analytics") or {}).get("windows"),
        "analytics_rss_inprocess_mb": replay.get("analytics_rss_hwm_mb"),
        "today_customers": replay.get("today_customers"),
        "today_key_p99_ms": replay.get("today_key_p99_ms"),
        "today_key_p99_runs_ms": [x.get("today_key_p99_ms") for x in replays],
        "today_cli_s": r(med("today_cli", "wall_s")),
        "today_cli_rss_mb": peak("today_cli"),
        "stats_s": r(med("stats", "wall_s")),
        "stats_rss_mb": peak("stats"),
        "today_inbox_rss_mb": (today_ff.get("rss_after_keys_mb")
                               or today_ff.get("rss_first_frame_mb")),
        "today_inbox_rss_inprocess_mb": replay.get("today_rss_hwm_mb"),
        "list_json_s": r(med("list_json", "wall_s")),
        "list_json_rss_mb": peak("list_json"),
        "export_csv_s": r(med("export_csv", "wall_s")),
        "export_csv_rss_mb": peak("export_csv"),
        "export_json_s": r(med("export_json", "wall_s")),
        "export_json_rss_mb": peak("export_json"),
        "generate_s": r(med("generate", "wall_s")),
        "csv_bytes": machine.get("csv_bytes"),
        "db_bytes": machine.get("db_bytes"),
        "peers": peers,
        "keys": {
            k: replay.get(k)
            for k in (
                "key_p50_ms",
                "key_p95_ms",
                "key_p99_ms",
                "key_max_ms",
                "search_p50_ms",
                "search_p95_ms",
                "search_p99_ms",
                "search_max_ms",
                "keys_replayed",
                "replay_s",
            )
        },
        "today_keys": {
            **{
                k: replay.get(f"today_{k}")
                for k in ("key_p50_ms", "key_p95_ms", "key_p99_ms", "key_max_ms")
            },
            "keys_replayed": today_replay.get("keys_replayed"),
            "replay_s": today_replay.get("replay_s"),
            "rows_on_screen": today_replay.get("rows_on_screen"),
        },
        "today_key_categories": today_replay.get("categories"),
        "today_slowest_keys": today_replay.get("slowest"),
        "key_categories": replay.get("categories"),
        "counts_worker": replay.get("counts_worker"),
        "slowest_keys": replay.get("slowest"),
        "machine": machine,
    }
    verdicts = {}
    for key, (op, limit, what) in TARGETS.items():
        value = summary.get(key)
        ok = None if value is None else (value <= limit if op == "<=" else value < limit)
        verdicts[key] = {"target": f"{op} {limit:g}", "value": value, "met": ok, "what": what}
    summary["targets"] = verdicts
    summary["targets_apply_at"] = 1000000
    summary["measures"] = measures

    path = os.path.join(out_dir, "summary.json")
    with open(path, "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    with open(os.path.join(out_dir, f"summary-{count}.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")

    def fmt(v, unit=""):
        if v is None:
            return "-"
        if isinstance(v, float):
            return f"{v:.3f}{unit}" if v < 10 else f"{v:.1f}{unit}"
        return f"{v}{unit}"

    print()
    print(f"leadbox benchmark, {count:,} leads  ({path})")
    print(f"{'figure':<28}{'leadbox':>12}  {'peers':<40}{'target (1M)':>12}  met")
    rows = [
        ("import_s", "import", f"sqlite3 {fmt(sqlite_s, ' s')}", "s"),
        ("import_ratio", "import / sqlite3", "", "x"),
        ("import_rss_mb", "import peak RSS",
         f"sqlite3 {fmt(summary['sqlite3_import_rss_mb'], ' MB')}", " MB"),
        ("incremental_10k_s", "+10k into the store", "", " s"),
        ("key_p99_ms", "keystroke p99", "", " ms"),
        ("search_p99_ms", "search keystroke p99", "", " ms"),
        ("first_frame_ms", "first frame (tmux)", "", " ms"),
        ("inbox_rss_mb", "inbox peak RSS", "", " MB"),
        ("today_key_p99_ms", "Today keystroke p99", "", " ms"),
        ("today_first_frame_ms", "Today first frame (tmux)", "", " ms"),
        ("today_first_frame_inprocess_ms", "Today first frame (in-proc)", "", " ms"),
        ("today_queue_ms", "Today queue's start (show_today)", "", " ms"),
        ("today_whole_queue_ms", "Today whole queue (worker)", "", " ms"),
        ("analytics_s", "analytics view: A to figures", "", "s"),
        ("today_cli_s", "today --format json", "", "s"),
        ("stats_s", "stats --format json", "", "s"),
        ("today_inbox_rss_mb", "Today inbox peak RSS", "", " MB"),
        ("list_json_rss_mb", "list --format json RSS", "", " MB"),
        ("export_csv_rss_mb", "export (csv) RSS", "", " MB"),
    ]
    for key, label, peer, unit in rows:
        t = verdicts.get(key)
        target = t["target"] if t else ""
        met = "" if not t else {True: "yes", False: "NO", None: "-"}[t["met"]]
        if key == "first_frame_ms":
            peer = ", ".join(
                f"{n} {fmt(p['first_frame_ms'], ' ms')}"
                for n, p in peers.items()
                if p.get("first_frame_ms") is not None
            ) or "peers not measured"
        print(f"{label:<28}{fmt(summary.get(key), unit if unit != 's' else ' s'):>12}"
              f"  {peer:<40}{target:>12}  {met}")
    print()
    for title, cats in (("keys", replay.get("categories")),
                        ("Today keys", today_replay.get("categories"))):
        if not cats:
            continue
        print(f"{title:<12}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
        for name, c in cats.items():
            print(f"{name:<12}{c['n']:>6}{c['p50_ms']:>10.2f}{c['p95_ms']:>10.2f}"
                  f"{c['p99_ms']:>10.2f}{c['max_ms']:>10.2f}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
