#!/usr/bin/env bash
# `lading duplicates` on N entities whose names collide as real ones do (issue #12's targets:
# 100,000 in at most 10 s, 1,000,000 in at most 2 minutes). `lading generate`'s names carry a
# number each and never pair, so the names come from shared/bench/gen_shipments.py (Latin,
# Cyrillic, Chinese and accented Latin spellings of one pool of companies): its shippers and
# consignees, first seen first, topped up from a second seed when one file names too few.
#
#   benches/identity/duplicates_at_scale.sh [N]        (default 100000; BIN= another build)
#
# Prints the wall and CPU time, peak memory and pairs listed. Data goes to /tmp/perf/dups-N.
set -euo pipefail
n=${1:-100000}
here=$(cd "$(dirname "$0")/../.." && pwd)
bench=${LADING_SHARED:-$here/../shared}/bench
work=/tmp/perf/dups-$n
mkdir -p "$work"
if [ -z "${BIN:-}" ]; then (cd "$here" && cargo build --release --quiet --bin lading); fi
lading=${BIN:-$here/target/release/lading}

ents=$work/entities.csv
if [ ! -f "$ents" ]; then
  # About 4 rows a distinct name at a pool three times the names wanted.
  rows=$((n * 4)); pool=$((n * 3))
  python3 "$bench/gen_shipments.py" --rows "$rows" --companies "$pool" \
    --relationships $((pool * 3)) --seed 7 --out "$work/a.csv" > /dev/null
  python3 "$bench/gen_shipments.py" --rows $((rows / 4)) --companies "$pool" \
    --relationships $((pool * 3)) --seed 8 --out "$work/b.csv" > /dev/null
  python3 - "$n" "$ents" "$work/a.csv" "$work/b.csv" <<'PY'
import csv, sys
n, out, files = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
names = {}
for path in files:
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for name in (row["shipper"], row["consignee"]):
                if len(names) < n:
                    names.setdefault(name, None)
if len(names) < n:
    sys.exit(f"only {len(names)} distinct names, {n} wanted")
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["key", "name", "kind"])
    for i, name in enumerate(names):
        w.writerow([f"e{i}", name, "company"])
PY
  rm -f "$work/a.csv" "$work/b.csv"
fi
db=$work/entities.db
if [ ! -f "$db" ]; then
  "$lading" import entities "$ents" --db "$db" > /dev/null
fi
/usr/bin/time -v "$lading" duplicates --db "$db" --json > "$work/pairs.json" 2> "$work/time.txt"
python3 - "$n" "$work" <<'PY'
import json, sys
n, work = sys.argv[1], sys.argv[2]
t = open(f"{work}/time.txt").read()
get = lambda key: next(l for l in t.splitlines() if key in l).rsplit(": ", 1)[1].strip()
pairs = len(json.load(open(f"{work}/pairs.json")))
cpu = float(get("User time")) + float(get("System time"))
print(f"duplicates on {int(n):,} entities: {get('Elapsed (wall clock)')} wall, {cpu:.1f} s CPU, "
      f"{int(get('Maximum resident')) // 1024} MB peak, {pairs:,} pairs listed")
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
