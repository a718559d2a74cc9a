#!/usr/bin/env bash
# Export benchmark: a 4,000 px wide PNG of the sample network and of a 10,000-entity,
# 40,000-link network, and a 24-frame 1080 px animation of the sample (GIF and APNG) (make_big.py: `lading generate` saturates near 8,000 shown entities
# and 30,000 links), through `lading render --json`.
# Prints the median of RUNS runs (default 5) for each phase: load (database → index),
# layout (settle: ForceAtlas2, seeded), picture (scene + page; the SVG only for .svg), raster
# (painting + PNG encoding; split below into links = background + links + nodes, painted
# together in bands, shapes = allocating the pixels + marks, labels, text = the rest of the
# text, and encode), write (atomic). "render" = picture + raster + write; load and layout
# come before it and are not part of it. A picture painted in strips (png::encode_in_strips:
# every picture with an opaque background) reports each raster phase as its thread time
# summed over the strips, on all cores: they add up to more than raster+encode.
# The peer, in the same sitting: rsvg-convert (librsvg) rasterising the same picture's SVG at
# the same width, when it is installed (.ci/run does not need it; apt install librsvg2-bin).
#
#   benches/export/run.sh            # RUNS=5, release build, data under target/bench-export
#   RUNS=9 benches/export/run.sh
#   BIN=path/to/older/lading benches/export/run.sh   # another build, e.g. before a change
# Run it on an idle machine: the figures are wall-clock times.
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=${RUNS:-5}
work=${WORK:-target/bench-export}
if [ -n "${BIN:-}" ]; then
  bin=$BIN
else
  bin=target/release/lading
  cargo build --release --quiet --bin lading
fi
mkdir -p "$work"
export LADING_DATA_DIR="$work/data"

big="$work/big-10k-40k.db"
if [ ! -f "$big" ]; then
  python3 benches/export/make_big.py "$work/big-csv" 10000 40000
  for kind in entities sanctions shipments; do
    "$bin" import "$kind" "$work/big-csv/$kind.csv" --db "$big" >/dev/null
  done
fi

run_case() { # name, extra args...
  local name=$1; shift
  : >"$work/$name.jsonl"
  for _ in $(seq "$runs"); do
    "$bin" render "$@" --width 4000 --out "$work/$name.png" --json >>"$work/$name.jsonl"
  done
  # The peer: the same picture as Lading's own SVG (written once, not timed), rasterised at the
  # same width by rsvg-convert (librsvg; Debian's librsvg2-bin), RUNS times, in the same sitting.
  local peer=""
  if command -v rsvg-convert >/dev/null; then
    "$bin" render "$@" --width 4000 --out "$work/$name.svg" >/dev/null
    peer="$work/$name.svg"
  fi
  python3 - "$name" "$work/$name.jsonl" "$peer" "$runs" "$work/$name-peer.png" <<'PY'
import json, statistics, subprocess, sys, time
name, path, peer, runs, peer_png = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
rows = [json.loads(l) for l in open(path)]
med = lambda k: statistics.median(r[k] for r in rows)
r0 = rows[0]
render = statistics.median(r["scene_svg_ms"] + r["raster_ms"] + r["write_ms"] for r in rows)
print(f"{name}: {r0['entities']} entities, {r0['links']} links, {r0['width']}x{r0['height']} px, "
      f"{r0['labels_drawn']} labels, {r0['bytes'] / 1e6:.1f} MB PNG; median of {len(rows)} runs")
print(f"  load {med('load_ms'):8.1f} ms   layout {med('layout_ms'):8.1f} ms")
if peer:
  times = []
  for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(["rsvg-convert", "-w", "4000", peer, "-o", peer_png], check=True)
    times.append((time.perf_counter() - t) * 1000)
  rsvg = statistics.median(times)
  print(f"  peer: rsvg-convert of the same picture's SVG to a 4000 px PNG {rsvg:8.1f} ms "
        f"= {rsvg / render:.1f} x Lading's render")
else:
  print("  peer: rsvg-convert not installed (apt install librsvg2-bin), not measured")
print(f"  picture {med('scene_svg_ms'):8.1f} ms   raster+encode {med('raster_ms'):8.1f} ms   "
      f"write {med('write_ms'):6.1f} ms   => render {render:8.1f} ms")
ph = lambda k: statistics.median(r["png_phases"][k] for r in rows)
if all(r.get("png_phases") for r in rows):  # (older builds do not report them)
  strips = r0["png_phases"].get("strips", 0)
  how = f"thread time over {strips} strips" if strips else "wall"
  print(f"  raster ({how}): links+nodes {ph('links_ms'):7.1f} ms   shapes {ph('shapes_ms'):7.1f} ms   "
        f"labels {ph('labels_ms'):7.1f} ms   text {ph('text_ms'):7.1f} ms   "
        f"encode {ph('encode_ms'):7.1f} ms")
PY
}

run_case sample
run_case big --db "$big"

# Animations: 24 frames of the sample (Jan 2021 – Dec 2022 by month), 1080 × 1080 px, as GIF
# and as animated PNG. "render" = composing, painting and encoding every frame, and writing.
run_anim() { # extension
  local ext=$1
  : >"$work/anim-$ext.jsonl"
  for _ in $(seq "$runs"); do
    "$bin" render --from 2021-01-01 --to 2022-12-31 --animate month --frame 1:1 \
      --out "$work/anim.$ext" --json >>"$work/anim-$ext.jsonl"
  done
  python3 - "$ext" "$work/anim-$ext.jsonl" <<'PY'
import json, statistics, sys
ext, path = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(path)]
r0 = rows[0]
med = lambda k: statistics.median(r[k] for r in rows)
print(f"animation .{ext}: {r0['frames']} frames, {r0['width']}x{r0['height']} px, "
      f"{r0['bytes'] / 1e6:.2f} MB; median of {len(rows)} runs: render {med('render_ms'):8.1f} ms "
      f"(layout {med('layout_ms'):.1f} ms before it)")
PY
}
run_anim gif
run_anim png
