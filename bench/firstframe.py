#!/usr/bin/env python3
"""Time from launch to first useful frame of a terminal program, in a real terminal (tmux).

A tmux session on a dedicated socket waits with an idle pane; each repetition respawns the
pane with the program and polls `capture-pane` every few ms until the screen contains the
expected text. The clock starts just before `respawn-pane`, so tmux's own server start is
not counted, but starting the process, its loading and its first draw are.

Prints one JSON object: every sample, the median, and the peak RSS (VmHWM) of the program
after its first frame (and, with --keys, after those keys were sent and the screen settled).

usage: firstframe.py --name NAME --expect TEXT [--reps 5] [--timeout 60] [--keys 'j j G']
                     [--settle TEXT] -- COMMAND...
"""

import argparse
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import time

# bench/run.sh gives each run a tmux server of its own.
SOCKET = os.environ.get("LEADBOX_BENCH_TMUX_SOCKET", "leadbox-bench")


def tmux(*args, check=True):
    return subprocess.run(
        ["tmux", "-L", SOCKET, *args],
        check=check,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def screen(target):
    return tmux("capture-pane", "-p", "-t", target, check=False).stdout


def pane_pid(target):
    out = tmux("display-message", "-p", "-t", target, "#{pane_pid}", check=False).stdout.strip()
    return int(out) if out.isdigit() else None


def vm_hwm_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024.0, 1)
    except OSError:
        return None
    return None


def alive(pid):
    """True while the process runs (a zombie waiting for tmux to reap it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def stop(target, pid, lingered):
    """Back to an idle pane, and wait until the program has really exited, so that it
    cannot take CPU from the next run; one that lingers past 5 s is killed."""
    tmux("respawn-pane", "-k", "-t", target, "sleep 100000")
    if not pid:
        return
    t0 = time.perf_counter()
    while alive(pid) and time.perf_counter() - t0 < 5.0:
        time.sleep(0.01)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)
        lingered.append("killed after 5 s")
    else:
        lingered.append(round((time.perf_counter() - t0) * 1000.0, 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--expect", required=True, help="text that shows the data is on screen")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--poll-ms", type=float, default=5.0)
    ap.add_argument("--width", type=int, default=160)
    ap.add_argument("--height", type=int, default=50)
    ap.add_argument("--keys", default="", help="tmux key names to send after the last rep")
    ap.add_argument("--settle", default="", help="text to wait for after the keys")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command and a.command[0] == "--" else a.command
    if not cmd:
        ap.error("no command")
    session = f"ff-{a.name}-{os.getpid()}"
    target = f"{session}:0.0"
    shell_cmd = "exec " + " ".join(shlex.quote(c) for c in cmd)
    samples, failures, exit_ms = [], [], []
    rss_first = rss_keys = None
    last_screen = ""
    tmux(
        "new-session", "-d", "-s", session, "-x", str(a.width), "-y", str(a.height),
        "sleep 100000",
    )
    try:
        tmux("set-option", "-t", session, "remain-on-exit", "on")
        for rep in range(a.reps):
            # The idle pane is replaced by the program; the clock starts here.
            t0 = time.perf_counter()
            tmux("respawn-pane", "-k", "-t", target, shell_cmd)
            found = False
            while time.perf_counter() - t0 < a.timeout:
                last_screen = screen(target)
                if a.expect in last_screen:
                    found = True
                    break
                time.sleep(a.poll_ms / 1000.0)
            elapsed = (time.perf_counter() - t0) * 1000.0
            pid = pane_pid(target)
            if found:
                samples.append(round(elapsed, 1))
                rss_first = vm_hwm_mb(pid) if pid else None
            else:
                failures.append(f"rep {rep}: {a.expect!r} not on screen after {a.timeout}s")
                stop(target, pid, exit_ms)
                break
            last = rep == a.reps - 1
            if last and a.keys and pid:
                for key in a.keys.split():
                    tmux("send-keys", "-t", target, key)
                    time.sleep(0.05)
                deadline = time.perf_counter() + a.timeout
                while a.settle and time.perf_counter() < deadline:
                    if a.settle in screen(target):
                        break
                    time.sleep(0.05)
                time.sleep(0.5)
                rss_keys = vm_hwm_mb(pid)
            stop(target, pid, exit_ms)
            time.sleep(0.2)
    finally:
        tmux("kill-session", "-t", session, check=False)
    result = {
        "name": a.name,
        "command": cmd,
        "expect": a.expect,
        "samples_ms": samples,
        "median_ms": round(statistics.median(samples), 1) if samples else None,
        "rss_first_frame_mb": rss_first,
        "rss_after_keys_mb": rss_keys,
        "keys": a.keys or None,
        "exit_after_hangup_ms": exit_ms,
        "errors": failures,
    }
    if failures:
        result["last_screen"] = last_screen[-2000:]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
