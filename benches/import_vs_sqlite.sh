#!/usr/bin/env bash
# Import benchmark: `lading import shipments` of a 1,000,000-row customs CSV against the
# sqlite3 CLI's `.import --csv` of the same file into a fresh file database (typed table,
# default pragmas: the bench_import.py "file_typed" variant), in the same run, alternating,
# median of N. Also the filter benchmark on 100,000 and 1,000,000 shipments.
#
#   benches/import_vs_sqlite.sh [ROWS] [RUNS]      (defaults: 1000000 3)
#
# Needs python3 and sqlite3 (apt-get install sqlite3). Data goes to /tmp/perf/lading.
set -euo pipefail
rows=${1:-1000000}
runs=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${LADING_SHARED:-$here/../shared}/bench
work=/tmp/perf/lading
mkdir -p "$work"
csv=$work/shipments_$rows.csv
[ -f "$csv" ] || python3 "$bench/gen_shipments.py" --rows "$rows" --seed 7 --out "$csv"
(cd "$here" && cargo build --release --quiet)
lading=$here/target/release/lading
cat "$csv" > /dev/null # warm the page cache

typed="CREATE TABLE shipments(date TEXT, shipper TEXT, consignee TEXT, hs_code TEXT, part_description TEXT, part_type TEXT, quantity INTEGER, value_usd REAL, source_ref TEXT);"
now() { python3 -c 'import time; print(time.time())'; }
sq=() ld=()
for i in $(seq "$runs"); do
  rm -f "$work/sq.db" "$work/ld.db" "$work"/ld.db-*
  t0=$(now)
  printf '%s\n.import --csv --skip 1 %s shipments\nSELECT count(*) FROM shipments;\n' "$typed" "$csv" | sqlite3 "$work/sq.db" > /dev/null
  t1=$(now)
  "$lading" import shipments "$csv" --db "$work/ld.db" --json > "$work/ld.json"
  t2=$(now)
  sq+=("$(python3 -c "print($t1 - $t0)")")
  ld+=("$(python3 -c "print($t2 - $t1)")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
msq=$(median "${sq[@]}")
mld=$(median "${ld[@]}")
python3 - "$msq" "$mld" "$rows" "$runs" "$work/ld.json" <<'PY'
import json, sys
sq, ld, rows, runs, summary = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
s = json.load(open(summary))
print(f"import of {rows} rows (median of {runs}): sqlite3 .import {sq:.2f} s, lading import {ld:.2f} s, "
      f"ratio {ld / sq:.2f}x (target <= 2x)")
print(f"lading: read {s['rows_read']}, imported {s['imported']}, duplicates {s['duplicates']}, "
      f"entities created {len(s['entities_created'])}")
PY

for n in 100000 1000000; do
  db=$work/filter_$n.db
  rm -f "$db" "$db"-*
  "$lading" generate --entities 10000 --shipments "$n" --seed 1 --db "$db" > /dev/null
  echo "filter, 10,000 entities, $n shipments: $("$lading" bench filter --db "$db" --runs 50)"
done
