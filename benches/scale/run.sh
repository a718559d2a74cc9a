#!/usr/bin/env bash
# Scale benchmark (#15 part 4): ten million shipments.
#
#   benches/scale/run.sh                 # 10,000,000 shipments, 100,000 entities, RUNS=5
#   SHIPMENTS=1000000 benches/scale/run.sh
#   BIN=path/to/older/lading benches/scale/run.sh   # another build, for a before/after
#
# Prints, in one run:
#   - `lading generate` of the database (wall seconds, peak memory);
#   - `lading bench filter`: load from SQLite, index build, their sum (wall, and CPU over all
#     threads), the index's bytes per shipment, `Filter::apply` over the full date range
#     (median of RUNS, and its CPU time over all threads) and over the middle half of the
#     shipments by date, peak memory;
#   - the peer, the sqlite3 command-line shell on the same file: one scan of the seven
#     columns Lading loads (the floor for reading them), and the filter's aggregate as SQL
#     (per shipper → consignee pair: count, value, first and last date, over the full range).
# Needs `sqlite3` (apt-get install sqlite3). The database (1.7 GB) is kept under
# target/bench-scale for the next run; delete it when done.
set -euo pipefail
cd "$(dirname "$0")/../.."

shipments=${SHIPMENTS:-10000000}
entities=${ENTITIES:-100000}
runs=${RUNS:-5}
work=${WORK:-target/bench-scale}
if [ -n "${BIN:-}" ]; then
  bin=$BIN
else
  bin=target/release/lading
  cargo build --release --quiet --bin lading
fi
mkdir -p "$work"
export LADING_DATA_DIR="$work/data"
db="$work/g-$entities-$shipments.db"
echo "# $(date -u +%FT%TZ), load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

if [ ! -f "$db" ] || [ -n "${REGENERATE:-}" ]; then
  rm -f "$db" "$db-wal" "$db-shm"
  /usr/bin/time -f "generate: %e s wall, %U s user, %S s system, peak %M KB" \
    "$bin" generate --db "$db" --entities "$entities" --shipments "$shipments" --seed 1 >/dev/null
fi

"$bin" bench filter --db "$db" --runs "$runs" >"$work/filter.json"
python3 - "$work/filter.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"lading: {r['shipments']:,} shipments, {r['entities']:,} entities, {r['links']:,} links")
print(f"  load {r['load_ms'] / 1e3:.2f} s + index {r['index_build_ms'] / 1e3:.2f} s"
      f" = {r['load_and_index_ms'] / 1e3:.2f} s (target 10 s)")
if r.get('load_cpu_ms') is not None:
    print(f"  CPU (all threads): load {r['load_cpu_ms'] / 1e3:.2f} s"
          f" + index {r['index_build_cpu_ms'] / 1e3:.2f} s")
print(f"  index {r['index_bytes_per_shipment']} bytes a shipment (target 30)")
print(f"  filter, full range: median {r['filter_median_ms']} ms, p90 {r['filter_p90_ms']} ms"
      f", CPU {r.get('filter_cpu_ms', '?')} ms (target 50 ms)")
if 'filter_half_range_median_ms' in r:
    print(f"  filter, middle half of the shipments by date: median"
          f" {r['filter_half_range_median_ms']} ms")
print(f"  peak memory {r['peak_rss_mb']:.0f} MB")
PY

peer() { # label, sql
  local t0 t1
  t0=$(date +%s.%N)
  sqlite3 -readonly "$db" "$2" >/dev/null
  t1=$(date +%s.%N)
  python3 -c "print(f'  $1: {($t1 - $t0):.2f} s')"
}
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1), same file:"
peer "scan of the seven loaded columns" \
  "SELECT sum(id), max(date), sum(shipper_id), sum(consignee_id), max(part_type), sum(value_usd), max(source) FROM shipment"
peer "the filter as SQL (GROUP BY pair)" \
  "SELECT shipper_id, consignee_id, count(*), sum(value_usd), min(date), max(date) FROM shipment GROUP BY 1, 2"
