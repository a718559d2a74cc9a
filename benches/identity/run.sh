#!/usr/bin/env bash
# Identity at scale, with the peers measured in the same run:
#
# 1. Import of ROWS shipment rows (shared/bench/gen_shipments.py, names in Latin, Cyrillic,
#    Chinese and accented Latin) against a database already holding the file's COMPANIES
#    entities, resolution on, against the sqlite3 CLI's `.import --csv` of the same file
#    (typed table, as benches/import_vs_sqlite.sh). Then the same import into an empty database,
#    where every name is new and goes through every tier (the fuzzy index grows as it goes).
#    Peak memory (max RSS) of each lading run.
# 2. `lading duplicates` on the database of step 1, and on a database of BIG entities made by
#    `lading generate` (its names carry a number each, so this measures the blocking and the
#    scoring at that size, not the quality).
#
#   benches/identity/run.sh [ROWS] [COMPANIES] [BIG]     (defaults: 1000000 100000 1000000)
#
# Needs python3, sqlite3 and GNU time. Data goes to /tmp/perf/identity.
set -euo pipefail
rows=${1:-1000000}
companies=${2:-100000}
big=${3:-1000000}
here=$(cd "$(dirname "$0")/../.." && pwd)
bench=${LADING_SHARED:-$here/../shared}/bench
work=/tmp/perf/identity
mkdir -p "$work"
csv=$work/shipments_${rows}_${companies}.csv
[ -f "$csv" ] || python3 "$bench/gen_shipments.py" --rows "$rows" --companies "$companies" \
  --relationships $((companies * 3)) --seed 7 --out "$csv"
(cd "$here" && cargo build --release --quiet)
lading=${BIN:-$here/target/release/lading}
now() { python3 -c 'import time; print(time.time())'; }
rss() { awk -F: '/Maximum resident/ {gsub(/ /, "", $2); printf "%.0f MB", $2 / 1024}' "$1"; }

# The entities the file names, as an entities file (name only: the importer picks keys).
ents=$work/entities_${companies}.csv
python3 - "$csv" "$ents" <<'PY'
import csv, sys
names = {}
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        names.setdefault(row["shipper"], None)
        names.setdefault(row["consignee"], None)
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["key", "name", "kind"])
    for i, n in enumerate(names):
        w.writerow([f"e{i}", n, "company"])
PY
seeded=$work/seeded.db
rm -f "$seeded" "$seeded"-*
"$lading" import entities "$ents" --db "$seeded" --json > /dev/null
entity_count=$(($(wc -l < "$ents") - 1))

cat "$csv" > /dev/null
typed="CREATE TABLE shipments(date TEXT, shipper TEXT, consignee TEXT, hs_code TEXT, part_description TEXT, part_type TEXT, quantity INTEGER, value_usd REAL, source_ref TEXT);"
rm -f "$work/sq.db"
t0=$(now)
printf '%s\n.import --csv --skip 1 %s shipments\nSELECT count(*) FROM shipments;\n' "$typed" "$csv" | sqlite3 "$work/sq.db" > /dev/null
t1=$(now)
rm -f "$work/ld.db" "$work"/ld.db-*
cp "$seeded" "$work/ld.db"
/usr/bin/time -v "$lading" import shipments "$csv" --db "$work/ld.db" --json > "$work/ld.json" 2> "$work/ld.time"
t2=$(now)
rm -f "$work/empty.db" "$work"/empty.db-*
/usr/bin/time -v "$lading" import shipments "$csv" --db "$work/empty.db" --json > "$work/empty.json" 2> "$work/empty.time"
t3=$(now)
python3 - "$t0" "$t1" "$t2" "$t3" "$rows" "$entity_count" "$work/ld.json" "$work/empty.json" "$(rss "$work/ld.time")" "$(rss "$work/empty.time")" <<'PY'
import json, sys
t0, t1, t2, t3 = map(float, sys.argv[1:5])
rows, ents = sys.argv[5], sys.argv[6]
seeded, empty = json.load(open(sys.argv[7])), json.load(open(sys.argv[8]))
sq, ld, le = t1 - t0, t2 - t1, t3 - t2
def tiers(s):
    r = s["resolution"]
    return (f"exact {r['exact']}, by identifier {len(r['by_identifier'])}, strong {len(r['strong'])}, "
            f"to review {len(r['to_review'])}, created {len(s['entities_created'])}")
print(f"import of {rows} rows: sqlite3 .import {sq:.2f} s")
print(f"  lading, {ents} entities known: {ld:.2f} s = {ld / sq:.2f}x sqlite3 (target <= 2x), peak {sys.argv[9]}; {tiers(seeded)}")
print(f"  lading, empty database:   {le:.2f} s = {le / sq:.2f}x sqlite3, peak {sys.argv[10]}; {tiers(empty)}")
PY

dup() {
  local db=$1 label=$2
  /usr/bin/time -v "$lading" duplicates --db "$db" --json > "$work/dups.json" 2> "$work/dups.time"
  local line
  line=$(grep '^searched' "$work/dups.time")
  echo "duplicates, $label: $line; peak $(rss "$work/dups.time"); $(python3 -c "import json; print(len(json.load(open('$work/dups.json'))), 'pairs')")"
}
dup "$work/ld.db" "$entity_count entities from the shipments file (target <= 10 s at 100,000)"
bigdb=$work/big_${big}.db
[ -f "$bigdb" ] || "$lading" generate --entities "$big" --shipments 1000 --seed 1 --db "$bigdb" > /dev/null
dup "$bigdb" "$big entities from lading generate (target <= 120 s at 1,000,000)"
