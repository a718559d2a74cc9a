#!/usr/bin/env python3
"""Layout benchmark: `lading layout` against graphology-layout-forceatlas2, same files,
same start positions, same iterations; prints a markdown table with ratios.

usage: python3 benches/layout/run.py [--sizes 1k,10k,100k] [--reps 3] [--seeds 1,2,3]
           [--bench ../shared/bench] [--data /tmp/perf/data] [--out /tmp/perf/layout]
           [--iters 1k=100,10k=100,100k=20] [--quality-iters 100,500] [--no-build]

Per size: `--reps` interleaved timing runs of the peer, ours on one thread and ours on
all cores, `--iters` iterations each (timing the iteration loop only, as both tools
report it); the median ms/iteration is kept, and peak RSS comes from /usr/bin/time.
Quality (1k and 10k): for every start seed, the peer draws its start positions with
mulberry32(seed) and writes them (`--init-out`); ours starts from that file (`--init`).
Both run N iterations (each of `--quality-iters`) and are scored with layout_quality.py
(edge_ratio, lower is better); the table shows the mean over seeds and seed 1 alone.
Stdlib only. Data and results go under /tmp/perf, never into the repository.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def sh(cmd, **kw):
    """Runs a command under /usr/bin/time -v; returns (stdout, peak RSS in MB)."""
    timed = ["/usr/bin/time", "-v"] + cmd
    p = subprocess.run(timed, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr[-2000:]}")
    rss = None
    for line in p.stderr.splitlines():
        if "Maximum resident set size" in line:
            rss = int(line.split(":")[1]) / 1024.0
    return p.stdout, rss


def last_json(text):
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    sys.exit("no JSON line in output:\n" + text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1k,10k,100k")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--bench", default=os.path.join(ROOT, "..", "shared", "bench"))
    ap.add_argument("--data", default="/tmp/perf/data")
    ap.add_argument("--out", default="/tmp/perf/layout")
    ap.add_argument("--iters", default="1k=100,10k=100,100k=20")
    ap.add_argument("--quality-iters", default="100,500")
    ap.add_argument("--quality-sizes", default="1k,10k")
    ap.add_argument("--exact-sizes", default="1k",
                    help="sizes where graphology also runs with exact forces (barnesHutOptimize "
                         "false, O(n^2)): the reference for what Barnes-Hut error does to quality")
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()

    bench = os.path.abspath(a.bench)
    os.makedirs(a.data, exist_ok=True)
    os.makedirs(a.out, exist_ok=True)
    if not os.path.exists("/usr/bin/time"):
        sys.exit("needs /usr/bin/time (apt-get install time)")
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    lading = os.path.join(ROOT, "target", "release", "lading")
    cores = os.cpu_count() or 1
    sizes = a.sizes.split(",")
    iters = dict(kv.split("=") for kv in a.iters.split(","))
    seeds = [int(s) for s in a.seeds.split(",")]
    qiters = [int(n) for n in a.quality_iters.split(",")]

    for s in sizes:
        g = os.path.join(a.data, f"graph_{s}.csv")
        if not os.path.exists(g):
            subprocess.run([sys.executable, os.path.join(bench, "gen_graph.py"), "--preset", s,
                            "--outdir", a.data], check=True)

    def peer(s, n, seed, out=None, init_out=None, exact=False):
        cmd = ["node", os.path.join(bench, "peer_fa2.mjs"), "--edges",
               os.path.join(a.data, f"graph_{s}.csv"), "--iterations", str(n), "--seed", str(seed)]
        if exact:
            cmd += ["--no-bh"]
        if out:
            cmd += ["--out", out]
        if init_out:
            cmd += ["--init-out", init_out]
        o, rss = sh(cmd)
        return last_json(o), rss

    def ours(s, n, threads, init, out=None):
        cmd = [lading, "layout", os.path.join(a.data, f"graph_{s}.csv"), "--iterations", str(n),
               "--threads", str(threads), "--init", init]
        if out:
            cmd += ["--out", out]
        o, rss = sh(cmd)
        return last_json(o), rss

    def score(s, pos):
        p = subprocess.run([sys.executable, os.path.join(bench, "layout_quality.py"),
                            os.path.join(a.data, f"graph_{s}.csv"), pos, "--json"],
                           capture_output=True, text=True, check=True)
        return json.loads(p.stdout)["edge_ratio"]

    rows = {}
    t_start = time.time()
    for s in sizes:
        init = os.path.join(a.out, f"init_{s}_s1.csv")
        n = int(iters.get(s, 100))
        res = {"peer": [], "one": [], "all": [], "rss_peer": [], "rss_one": [], "rss_all": []}
        for rep in range(a.reps):
            pj, prss = peer(s, n, 1, init_out=init)
            oj, orss = ours(s, n, 1, init)
            aj, arss = ours(s, n, 0, init)
            res["peer"].append(pj["ms_per_iter"])
            res["one"].append(oj["ms_per_iter"])
            res["all"].append(aj["ms_per_iter"])
            res["rss_peer"].append(prss)
            res["rss_one"].append(orss)
            res["rss_all"].append(arss)
            res["nodes"], res["edges"], res["threads"] = oj["nodes"], oj["edges"], aj["threads"]
            print(f"[{s} rep {rep + 1}] peer {pj['ms_per_iter']} ms/it, ours 1T {oj['ms_per_iter']}, "
                  f"ours {aj['threads']}T {aj['ms_per_iter']}", file=sys.stderr)
        res["n"] = n
        if s in a.quality_sizes.split(","):
            q = {}
            for qn in qiters:
                for seed in seeds:
                    sinit = os.path.join(a.out, f"init_{s}_s{seed}.csv")
                    ppos = os.path.join(a.out, f"peer_{s}_{qn}_s{seed}.csv")
                    opos = os.path.join(a.out, f"ours_{s}_{qn}_s{seed}.csv")
                    peer(s, qn, seed, out=ppos, init_out=sinit)
                    ours(s, qn, 0, sinit, out=opos)
                    q.setdefault((qn, "peer"), []).append(score(s, ppos))
                    q.setdefault((qn, "ours"), []).append(score(s, opos))
                    if s in a.exact_sizes.split(","):
                        xpos = os.path.join(a.out, f"peerexact_{s}_{qn}_s{seed}.csv")
                        peer(s, qn, seed, out=xpos, exact=True)
                        q.setdefault((qn, "exact"), []).append(score(s, xpos))
                    print(f"[{s} quality N={qn} seed {seed}] peer {q[(qn, 'peer')][-1]:.4f} "
                          f"ours {q[(qn, 'ours')][-1]:.4f}", file=sys.stderr)
            res["quality"] = q
        rows[s] = res

    med = statistics.median
    print(f"\nLayout benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {cores} cores, "
          f"reps {a.reps} (median), quality seeds {seeds}, {time.time() - t_start:.0f} s\n")
    print("| graph | iters | graphology ms/it | ours 1T ms/it | ratio 1T | ours all-cores ms/it "
          "| speed-up | ratio all | peak RSS graphology | peak RSS ours 1T / all |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for s, r in rows.items():
        p, o, al = med(r["peer"]), med(r["one"]), med(r["all"])
        print(f"| {s} ({r['nodes']} n, {r['edges']} e) | {r['n']} | {p:.2f} | {o:.2f} | "
              f"**{o / p:.2f}x** | {al:.2f} ({r['threads']}T) | {o / al:.2f}x | {al / p:.2f}x | "
              f"{max(r['rss_peer']):.0f} MB | {max(r['rss_one']):.0f} / {max(r['rss_all']):.0f} MB |")
    print()
    print("Quality: layout_quality.py edge_ratio (lower is better), mean over seeds "
          "[seed 1 alone]; same start positions (mulberry32(seed), peer's --init-out).\n")
    print("| graph | N | graphology | ours | ours - graphology | per seed: min .. max "
          "| seeds ours <= graphology | sd of graphology over seeds "
          "| graphology exact forces - graphology |")
    print("|---|---|---|---|---|---|---|---|---|")
    for s, r in rows.items():
        for (qn, who), v in sorted(r.get("quality", {}).items()):
            if who != "peer":
                continue
            pv, ov = r["quality"][(qn, "peer")], r["quality"][(qn, "ours")]
            d = statistics.mean(ov) - statistics.mean(pv)
            per = [o - p for o, p in zip(ov, pv)]
            sd = statistics.stdev(pv) if len(pv) > 1 else 0.0
            xv = r["quality"].get((qn, "exact"))
            exact = f"{statistics.mean(xv) - statistics.mean(pv):+.4f}" if xv else "-"
            print(f"| {s} | {qn} | {statistics.mean(pv):.4f} [{pv[0]:.4f}] | "
                  f"{statistics.mean(ov):.4f} [{ov[0]:.4f}] | {d:+.4f} | "
                  f"{min(per):+.4f} .. {max(per):+.4f} | {sum(x <= 0 for x in per)}/{len(per)} | "
                  f"{sd:.4f} | {exact} |")
    print("\nSettings both sides: graphology's force defaults (scaling 1, gravity 1, linear, weight "
          "influence 1). Speed rule: graphology's per-node rule; ours `--speed inertial` (the "
          "CLI default: each step is force / the node's curvature bound plus 0.9 of the previous "
          "step; `--speed per-node` runs graphology's rule). Barnes-Hut: graphology "
          "barnesHutTheta 0.5 opens a cell "
          "when width/d >= 0.5 below its top two levels (its region size is a half-width), and "
          "each of its cells lacks the mass of one body (rms force error ~11%, repulsion ~9% too "
          "weak); ours: classic width/d < 0.25 with exact cell masses (rms error ~0.04%).")
    print(f"Rerun: python3 benches/layout/run.py --sizes {a.sizes} --reps {a.reps} --seeds {a.seeds} --exact-sizes {a.exact_sizes}")


if __name__ == "__main__":
    main()
