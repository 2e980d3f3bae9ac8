#!/usr/bin/env python3
"""Turns one run's measurements into the markdown report.

Usage: report.py RESULTS_TSV META_TSV OUT_MD

RESULTS_TSV has a header line; one row per (mode, contender, concurrency) as run.sh writes it.
META_TSV holds "key<TAB>value" lines (date, commit, machine, versions, settings, notes).
The report is written to OUT_MD and printed.
"""
import csv
import sys

CONTENDERS = [("direct", "direct"), ("nginx", "nginx one hop"), ("portkey", "Portkey"),
              ("gateway", "SAI Gateway"), ("cache-hit", "SAI Gateway, cache on, every request a hit"),
              ("cache-miss", "SAI Gateway, cache on, every request a miss"),
              ("keys", "SAI Gateway, virtual keys + usage records"),
              ("features", "SAI Gateway, every feature on (metrics, tracing 10%, limits, keys, cache missing)"),
              ("baseline", "baseline build"), ("baseline-features", "baseline build, every feature on")]
MODES = [("plain", "Non-streaming"), ("stream", 'Streaming (`"stream": true`)')]
RSS_LIMIT_MB = 256


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def fmt(v, digits=2):
    return "-" if v is None else f"{v:.{digits}f}"


def times(r):
    return "-" if r is None else f"{r:.2f}x"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def main():
    results_path, meta_path, out_path = sys.argv[1:4]
    with open(results_path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    meta = {}
    notes = []
    warmups = []
    with open(meta_path) as f:
        for line in f:
            if "\t" in line:
                k, v = line.rstrip("\n").split("\t", 1)
                if k == "note":
                    notes.append(v)
                elif k == "warmup":
                    warmups.append(v.split("\t"))
                else:
                    meta[k] = v

    data = {}
    for r in rows:
        rec = {k: num(v) for k, v in r.items() if k not in ("mode", "contender")}
        data[(r["mode"], r["contender"], int(r["concurrency"]))] = rec

    out = []
    w = out.append
    w(f"# SAI Gateway benchmark, {meta.get('date', '?')}, commit {meta.get('commit', '?')}")
    w("")
    w("| | |")
    w("|---|---|")
    for key, label in [("date", "date"), ("commit", "commit"), ("machine", "machine"),
                       ("cpu", "CPU model"), ("jvm", "JVM"), ("gateway_opts", "gateway JVM options"),
                       ("node", "Node.js"), ("portkey", "Portkey gateway"), ("nginx", "nginx"),
                       ("wrk", "wrk"), ("settings", "settings"), ("load", "load average before / after"),
                       ("request", "request"), ("answer", "answer"), ("baseline", "baseline build")]:
        if key in meta:
            w(f"| {label} | {meta[key]} |")
    w("")
    w("Latencies in ms (wrk, whole response: for streams, until `data: [DONE]`). "
      "**+p50/+p99**: minus *direct* at the same concurrency. **÷ nginx / ÷ Portkey**: this row's "
      "req/s (higher is better) and p99 (lower is better) divided by theirs at the same concurrency. "
      "**errors**: non-2xx + answers without the expected content + socket errors (connect, read, "
      "write, timeout). **RSS**: peak resident memory of the gateway process (Portkey: its node "
      "process) sampled every 200 ms during the level; **CPU**: its user+system CPU seconds per "
      "1000 requests over the level.")
    w("")

    concs = sorted({c for (_, _, c) in data})
    for mode, title in MODES:
        if not any(m == mode for (m, _, _) in data):
            continue
        w(f"## {title}")
        w("")
        w("| contender | conc | req/s | p50 | p90 | p99 | errors | +p50 | +p99 "
          "| req/s ÷ nginx | p99 ÷ nginx | req/s ÷ Portkey | p99 ÷ Portkey | RSS MB | CPU s/1k req |")
        w("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        for c in concs:
            base = data.get((mode, "direct", c))
            ngx = data.get((mode, "nginx", c))
            pk = data.get((mode, "portkey", c))
            for key, label in CONTENDERS:
                d = data.get((mode, key, c))
                if d is None:
                    continue
                add50 = None if base is None else d["p50_ms"] - base["p50_ms"]
                add99 = None if base is None else d["p99_ms"] - base["p99_ms"]
                err = int(d["errors"]) if d["errors"] is not None else None
                if key.startswith("baseline") and meta.get("baseline"):
                    label = label.replace("baseline build", f"baseline ({meta['baseline']})")
                name = f"**{label}**" if key == "gateway" else label
                w(f"| {name} | {c} | {fmt(d['rps'], 0)} | {fmt(d['p50_ms'])} | {fmt(d['p90_ms'])} "
                  f"| {fmt(d['p99_ms'])} | {'-' if err is None else err} | {fmt(add50)} | {fmt(add99)} "
                  f"| {fmt(ratio(d['rps'], ngx and ngx['rps']))} | {fmt(ratio(d['p99_ms'], ngx and ngx['p99_ms']))} "
                  f"| {fmt(ratio(d['rps'], pk and pk['rps']))} | {fmt(ratio(d['p99_ms'], pk and pk['p99_ms']))} "
                  f"| {fmt(d['rss_mb'], 0)} | {fmt(d['cpu_s_per_1k'], 3)} |")
        w("")

    # The response cache (issue 14): a hit and a miss beside the gateway with the cache off, at the same concurrency.
    if any(k in ("cache-hit", "cache-miss") for (_, k, _) in data):
        w("## Response cache (issue 14): hit and miss beside the cache off")
        w("")
        w("Same jar and JVM options; *off* is **SAI Gateway** above, *hit* and *miss* run with `CACHE_TTL=10m`. "
          "**÷ off**: req/s and p99 divided by the gateway's with the cache off at the same concurrency (req/s: "
          "higher is better; p99: lower is better). **x-cache**: what the answers said, counted by wrk (a wrong one "
          "is an error).")
        w("")
        w("| mode | conc | off req/s | hit req/s | miss req/s | hit ÷ off | miss ÷ off | off p50 | hit p50 | miss p50 "
          "| off p99 | hit p99 | miss p99 | hit p99 ÷ off | miss p99 ÷ off | hit CPU s/1k | miss CPU s/1k | errors hit / miss "
          "| x-cache hit (HIT/MISS) | x-cache miss (HIT/MISS) |")
        w("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")

        def xc(d):
            if d is None or d.get("x_cache_hit") is None:
                return "-"
            return f"{int(d['x_cache_hit'])} / {int(d.get('x_cache_miss') or 0)}"

        def err(d):
            return "-" if d is None or d["errors"] is None else str(int(d["errors"]))

        def get(d, key):
            return None if d is None else d[key]

        for mode, _ in MODES:
            for c in concs:
                off, hit, miss = (data.get((mode, k, c)) for k in ("gateway", "cache-hit", "cache-miss"))
                if hit is None and miss is None:
                    continue
                w(f"| {mode} | {c} | {fmt(get(off, 'rps'), 0)} | {fmt(get(hit, 'rps'), 0)} | {fmt(get(miss, 'rps'), 0)} "
                  f"| {fmt(ratio(get(hit, 'rps'), get(off, 'rps')))} | {fmt(ratio(get(miss, 'rps'), get(off, 'rps')))} "
                  f"| {fmt(get(off, 'p50_ms'))} | {fmt(get(hit, 'p50_ms'))} | {fmt(get(miss, 'p50_ms'))} "
                  f"| {fmt(get(off, 'p99_ms'))} | {fmt(get(hit, 'p99_ms'))} | {fmt(get(miss, 'p99_ms'))} "
                  f"| {fmt(ratio(get(hit, 'p99_ms'), get(off, 'p99_ms')))} | {fmt(ratio(get(miss, 'p99_ms'), get(off, 'p99_ms')))} "
                  f"| {fmt(get(hit, 'cpu_s_per_1k'), 3)} | {fmt(get(miss, 'cpu_s_per_1k'), 3)} | {err(hit)} / {err(miss)} "
                  f"| {xc(hit)} | {xc(miss)} |")
        w("")

    # Issue 16's goal: with every feature an operator would turn on, within 15% of the same build with all of them off.
    if any(k == "features" for (_, k, _) in data):
        w("## Every feature on (issue 16) beside all of them off")
        w("")
        w("*off* is **SAI Gateway** above; *on* is the same jar with metrics, tracing (10% sampled, exported to a local "
          "receiver), rate limits and token quotas, a virtual key with usage records on the embedded database, and the "
          "response cache on with every request a miss. Goal: *on* within 15% of *off* (req/s ÷ off at least 0.85).")
        w("")
        w("| mode | conc | off req/s | on req/s | on ÷ off | on ÷ nginx | on ÷ Portkey | off p99 | on p99 | on p99 ÷ off "
          "| off CPU s/1k | on CPU s/1k | on RSS MB | errors on | within 15% |")
        w("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
        for mode, _ in MODES:
            for c in concs:
                off, on = data.get((mode, "gateway", c)), data.get((mode, "features", c))
                if on is None:
                    continue
                r = ratio(on["rps"], off and off["rps"])
                ok = None if r is None else r >= 0.85
                ngx, pk = data.get((mode, "nginx", c)), data.get((mode, "portkey", c))
                w(f"| {mode} | {c} | {fmt(off and off['rps'], 0)} | {fmt(on['rps'], 0)} | {fmt(r)} "
                  f"| {fmt(ratio(on['rps'], ngx and ngx['rps']))} | {fmt(ratio(on['rps'], pk and pk['rps']))} "
                  f"| {fmt(off and off['p99_ms'])} | {fmt(on['p99_ms'])} | {fmt(ratio(on['p99_ms'], off and off['p99_ms']))} "
                  f"| {fmt(off and off['cpu_s_per_1k'], 3)} | {fmt(on['cpu_s_per_1k'], 3)} | {fmt(on['rss_mb'], 0)} "
                  f"| {'-' if on['errors'] is None else int(on['errors'])} | {'-' if ok is None else ('met' if ok else '**NOT met**')} |")
        w("")

    # Before and after in one run: this build (gateway, features) beside BASELINE_JAR's (baseline, baseline-features).
    if any(k.startswith("baseline") for (_, k, _) in data):
        w(f"## This build beside the baseline ({meta.get('baseline', '?')})")
        w("")
        w("Same run, same settings; **after ÷ before**: req/s (higher is better), p99 and CPU per 1000 requests (lower is better).")
        w("")
        w("| setup | mode | conc | before req/s | after req/s | after ÷ before | before p99 | after p99 | p99 after ÷ before "
          "| before CPU s/1k | after CPU s/1k | CPU after ÷ before | before RSS MB | after RSS MB | errors before / after |")
        w("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
        for setup, before_key, after_key in [("features off", "baseline", "gateway"), ("every feature on", "baseline-features", "features")]:
            for mode, _ in MODES:
                for c in concs:
                    b, a = data.get((mode, before_key, c)), data.get((mode, after_key, c))
                    if b is None or a is None:
                        continue
                    w(f"| {setup} | {mode} | {c} | {fmt(b['rps'], 0)} | {fmt(a['rps'], 0)} | {fmt(ratio(a['rps'], b['rps']))} "
                      f"| {fmt(b['p99_ms'])} | {fmt(a['p99_ms'])} | {fmt(ratio(a['p99_ms'], b['p99_ms']))} "
                      f"| {fmt(b['cpu_s_per_1k'], 3)} | {fmt(a['cpu_s_per_1k'], 3)} | {fmt(ratio(a['cpu_s_per_1k'], b['cpu_s_per_1k']))} "
                      f"| {fmt(b['rss_mb'], 0)} | {fmt(a['rss_mb'], 0)} | {int(b['errors'] or 0)} / {int(a['errors'] or 0)} |")
        w("")

    if warmups:
        w("## Warm-up")
        w("")
        w("Per contender and mode, before its levels: how long, whether req/s settled, and req/s per slice.")
        w("")
        w("| contender | mode | seconds | settled | req/s per slice |")
        w("|---|---|--:|---|---|")
        for row in warmups:
            row = row + [""] * (5 - len(row))
            w(f"| {row[0]} | {row[1]} | {row[2]} | {row[3]} | {row[4]} |")
        w("")

    # Where the gateway stands against issue 3's targets, per mode.
    w("## Targets (issue 3), SAI Gateway")
    w("")
    w("| target | mode | result | status |")
    w("|---|---|---|---|")

    def status(ok):
        return "n/a" if ok is None else ("met" if ok else "**NOT met**")

    for mode, title in MODES:
        gw = {c: data.get((mode, "gateway", c)) for c in concs}
        gw = {c: d for c, d in gw.items() if d is not None}
        if not gw:
            continue
        m = "stream" if mode == "stream" else "plain"

        def added99(key, c):
            d, b = data.get((mode, key, c)), data.get((mode, "direct", c))
            return None if d is None or b is None else d["p99_ms"] - b["p99_ms"]

        a16 = added99("gateway", 16)
        w(f"| added p99 at concurrency 16 < 1 ms | {m} | {fmt(a16)} ms | {status(None if a16 is None else a16 < 1.0)} |")

        worse = []
        compared = 0
        for c in sorted(gw):
            g, p = added99("gateway", c), added99("portkey", c)
            if g is None or p is None:
                continue
            compared += 1
            if not g < p:
                worse.append(f"c={c}: {g:.2f} vs {p:.2f}")
        w(f"| added p99 below Portkey's at every concurrency | {m} | "
          f"{'; '.join(worse) if worse else ('all ' + str(compared) + ' levels below') if compared else '-'} "
          f"| {status(None if not compared else not worse)} |")

        g64, p64, n64 = gw.get(64), data.get((mode, "portkey", 64)), data.get((mode, "nginx", 64))
        r_pk = ratio(g64 and g64["rps"], p64 and p64["rps"])
        r_ng = ratio(g64 and g64["rps"], n64 and n64["rps"])
        w(f"| req/s at concurrency 64 >= 3x Portkey | {m} | {times(r_pk)} | {status(None if r_pk is None else r_pk >= 3)} |")
        w(f"| req/s at concurrency 64 >= 0.5x nginx one hop | {m} | {times(r_ng)} | {status(None if r_ng is None else r_ng >= 0.5)} |")

        errs = {c: int(d["errors"] or 0) for c, d in gw.items()}
        bad = {c: e for c, e in errs.items() if e}
        w(f"| zero errors at every level | {m} | "
          f"{', '.join(f'c={c}: {e}' for c, e in bad.items()) if bad else '0 everywhere'} | {status(not bad)} |")

        rss = [d["rss_mb"] for d in gw.values() if d["rss_mb"] is not None]
        peak = max(rss) if rss else None
        w(f"| RSS < {RSS_LIMIT_MB} MB throughout | {m} | peak {fmt(peak, 0)} MB | "
          f"{status(None if peak is None else peak < RSS_LIMIT_MB)} |")
    w("")
    w("Absolute numbers on a shared 2-core machine are noisy (wrk, the stubs and the contender share "
      "the cores); compare the ratios measured within one run.")
    if notes:
        w("")
        w("## Notes")
        w("")
        for n in notes:
            w(f"- {n}")
    w("")

    text = "\n".join(out)
    with open(out_path, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
