#!/usr/bin/env python3
"""Medians of a load-bench.sh result folder, as Markdown tables.

    python3 benchmarks/scripts/summarize_load.py benchmarks/target/load-bench/20261126T000000Z

Reads, per scenario and run, the C generator's --json report (gen.json), and what the script added: the pool's
live heap (extra.json) and the ledger check (ledger-check.txt, ledger-check.status). Every figure is the median
over the runs; the per-run figures follow the tables.
"""
import json
import re
import statistics
import sys
from pathlib import Path

ORDER = ["reject", "accepted", "latency-reject", "latency-accepted"]


def scenario_key(name):
    if name in ORDER:
        return (ORDER.index(name), 0)
    if name.startswith("idle-") and name[5:].isdigit():
        return (len(ORDER), int(name[5:]))
    return (len(ORDER) + 1, name)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0, unit=""):
    if value is None:
        return "—"
    if digits == 0:
        return f"{value:,.0f}{unit}"
    return f"{value:,.{digits}f}{unit}"


def read_json(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def ledger(run_dir):
    text_file = run_dir / "ledger-check.txt"
    if not text_file.exists():
        return None
    m = re.search(r"(\d+) acknowledged as accepted, (\d+) shares in the ledger, (\d+) missing", text_file.read_text())
    status = (run_dir / "ledger-check.status").read_text().strip() if (run_dir / "ledger-check.status").exists() else "?"
    if not m:
        return {"status": status, "acknowledged": None, "rows": None, "missing": None}
    return {"status": status, "acknowledged": int(m.group(1)), "rows": int(m.group(2)), "missing": int(m.group(3))}


def run_figures(run_dir):
    gen = read_json(run_dir / "gen.json")
    if gen is None:
        return None
    extra = read_json(run_dir / "extra.json") or {}
    f = {"run": run_dir.name, "ready": gen.get("auth_ok"), "conns": gen.get("conns")}
    total = gen.get("responses_total") or 0
    f["responses_per_s"] = gen.get("responses_per_s")
    f["accepted_per_s"] = gen["accepted"] / total * gen["responses_per_s"] if total else 0.0
    # The generator counts a {"result": false} as rejected and an error reply (a Stratum code) as an error.
    f["rejected"] = (gen.get("rejected") or 0) + (gen.get("errors") or 0)
    f["unanswered"] = gen.get("unanswered")
    f["rate_backlog"] = gen.get("rate_backlog")
    lat = gen.get("latency_us", {})
    for key in ("p50", "p99", "p999", "max"):
        f[key + "_ms"] = lat[key] / 1000 if lat.get("n") else None
    f["reasons"] = gen.get("reasons", {})
    # Fan-out: clean jobs (new blocks) that reached connections, leaving out any whose broadcast began within
    # a second of the script's heap sample (a full collection pauses the pool).
    windows = extra.get("gc_windows", [])
    fanout = []
    for job in gen.get("fanout", []):
        if not job.get("clean"):
            continue
        first = job.get("first_wall", 0)
        if any(start - 1.0 <= first <= end + 0.5 for start, end in windows):
            continue
        fanout.append(job)
    f["fanout_jobs"] = len(fanout)
    f["fanout_median_ms"] = median([j["last_ms"] for j in fanout])
    f["fanout_max_ms"] = max([j["last_ms"] for j in fanout], default=None)
    f["fanout_min_recipients"] = min([j["recipients"] for j in fanout], default=None)
    rss = gen.get("server_rss_kb", {})
    ready = gen.get("auth_ok") or 0
    f["rss_per_conn_kib"] = ((rss["connected"] - rss["before"]) / ready
                             if ready and rss.get("before", -1) >= 0 and rss.get("connected", -1) >= 0 else None)
    sessions = extra.get("sessions_at_heap_sample") or 0
    hb, hc = extra.get("heap_before_bytes"), extra.get("heap_connected_bytes")
    f["heap_per_session_kib"] = (hc - hb) / sessions / 1024 if sessions and hb is not None and hc is not None else None
    f["sessions_at_heap_sample"] = sessions or None
    f["ledger"] = ledger(run_dir)
    return f


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: summarize_load.py RESULT_FOLDER")
    out = Path(sys.argv[1])
    if not out.is_dir():
        sys.exit(f"no result folder {out}")
    scenarios = sorted((d for d in out.iterdir() if d.is_dir()), key=lambda d: scenario_key(d.name))
    results = {}
    for scenario in scenarios:
        runs = [r for r in (run_figures(d) for d in sorted(scenario.iterdir()) if d.is_dir()) if r is not None]
        if runs:
            results[scenario.name] = runs

    machine = out / "machine.txt"
    if machine.exists():
        print("```")
        print(machine.read_text().strip())
        print("```")
        print()

    submit = [s for s in results if not s.startswith("idle-")]
    if submit:
        print("| scenario | runs | responses/s | accepted/s | p50 ms | p99 ms | p99.9 ms | max ms "
              "| rejected | unanswered | rate backlog | ledger: acknowledged / rows / missing |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for s in submit:
            runs = results[s]
            ledgers = [r["ledger"] for r in runs if r["ledger"]]
            if ledgers:
                led = " ; ".join(f"{fmt(l['acknowledged'])} / {fmt(l['rows'])} / {fmt(l['missing'])}"
                                 + ("" if l["status"] == "0" else f" (exit {l['status']})") for l in ledgers)
            else:
                led = "—"
            print(f"| {s} | {len(runs)} | {fmt(median([r['responses_per_s'] for r in runs]))} "
                  f"| {fmt(median([r['accepted_per_s'] for r in runs]))} "
                  f"| {fmt(median([r['p50_ms'] for r in runs]), 2)} | {fmt(median([r['p99_ms'] for r in runs]), 2)} "
                  f"| {fmt(median([r['p999_ms'] for r in runs]), 2)} | {fmt(median([r['max_ms'] for r in runs]), 1)} "
                  f"| {fmt(median([r['rejected'] for r in runs]))} | {fmt(median([r['unanswered'] for r in runs]))} "
                  f"| {fmt(median([r['rate_backlog'] for r in runs]))} | {led} |")
        print()

    idle = [s for s in results if s.startswith("idle-")]
    if idle:
        print("| scenario | runs | ready | new-block jobs | fan-out first→last, median ms | worst ms "
              "| RSS growth KiB/conn | live heap KiB/session | sum KiB |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for s in idle:
            runs = results[s]
            rss = median([r["rss_per_conn_kib"] for r in runs])
            heap = median([r["heap_per_session_kib"] for r in runs])
            total = rss + heap if rss is not None and heap is not None else None
            print(f"| {s} | {len(runs)} | {fmt(median([r['ready'] for r in runs]))} "
                  f"| {sum(r['fanout_jobs'] for r in runs)} "
                  f"| {fmt(median([r['fanout_median_ms'] for r in runs]), 1)} "
                  f"| {fmt(max([r['fanout_max_ms'] for r in runs if r['fanout_max_ms'] is not None], default=None), 1)} "
                  f"| {fmt(rss, 2)} | {fmt(heap, 2)} | {fmt(total, 2)} |")
        print()

    print("Per run:")
    print()
    for s, runs in results.items():
        for r in runs:
            if s.startswith("idle-"):
                print(f"- {s} {r['run']}: ready {r['ready']}/{r['conns']}, {r['fanout_jobs']} new-block jobs, fan-out "
                      f"median {fmt(r['fanout_median_ms'], 1)} ms, worst {fmt(r['fanout_max_ms'], 1)} ms (fewest "
                      f"recipients {r['fanout_min_recipients']}), RSS {fmt(r['rss_per_conn_kib'], 2)} KiB/conn, heap "
                      f"{fmt(r['heap_per_session_kib'], 2)} KiB/session over {r['sessions_at_heap_sample']} sessions")
            else:
                reasons = ", ".join(f"{k}: {v}" for k, v in r["reasons"].items()) or "none"
                print(f"- {s} {r['run']}: {fmt(r['responses_per_s'])} responses/s, {fmt(r['accepted_per_s'])} "
                      f"accepted/s, p50 {fmt(r['p50_ms'], 2)} ms, p99 {fmt(r['p99_ms'], 2)} ms, p99.9 "
                      f"{fmt(r['p999_ms'], 2)} ms, rejected {r['rejected']}, unanswered {r['unanswered']}; "
                      f"rejected by reason: {reasons}")
    failed = [(s, r["run"]) for s, runs in results.items() for r in runs
              if r["ledger"] and r["ledger"]["status"] != "0"]
    if failed:
        print()
        print("LEDGER CHECK FAILED for " + ", ".join(f"{s} {run}" for s, run in failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
