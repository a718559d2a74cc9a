#!/usr/bin/env bash
# The team database against the file, in one run (figures for issue #16):
#   1. `lading import shipments` of a 1,000,000-row customs CSV into a fresh SQLite file and
#      into a fresh PostgreSQL database, alternating, median of RUNS; client peak memory.
#   2. Loading 10,000,000 shipments (`lading bench filter --runs 1`: the explorer's load and index, whole process) from
#      SQLite and from PostgreSQL (COPY), median of RUNS; client peak memory.
#
#   benches/team_store.sh [RUNS] [LOAD_ROWS]        (defaults: 3 10000000)
#
# Needs a PostgreSQL server: $LADING_TEST_PG (a URL whose role may create databases), as
# .ci/run sets it; or start one as PLATFORM.md says. Data goes to /tmp/perf/lading.
set -euo pipefail
runs=${1:-3}
load_rows=${2:-10000000}
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${LADING_SHARED:-$here/../shared}/bench
work=/tmp/perf/lading
mkdir -p "$work"
: "${LADING_TEST_PG:?set LADING_TEST_PG to an admin URL, e.g. postgres://postgres@/postgres?host=/tmp/pg&port=5432}"
csv=$work/shipments_1000000.csv
[ -f "$csv" ] || python3 "$bench/gen_shipments.py" --rows 1000000 --seed 7 --out "$csv"
(cd "$here" && CARGO_PROFILE_RELEASE_INCREMENTAL=true cargo build --release --quiet)
lading=$here/target/release/lading
cat "$csv" > /dev/null

# A fresh database named $1 on the server; prints its URL.
admin_psql() { psql "$(echo "$LADING_TEST_PG" | sed 's/^postgres:/postgresql:/')" -qAt -c "$1"; }
fresh_pg() {
  admin_psql "DROP DATABASE IF EXISTS $1" >/dev/null
  admin_psql "CREATE DATABASE $1" >/dev/null
  python3 - "$LADING_TEST_PG" "$1" <<'PY'
import sys
url, name = sys.argv[1], sys.argv[2]
head, _, query = url.partition('?')
print(head.rsplit('/', 1)[0] + '/' + name + ('?' + query if query else ''))
PY
}
# Runs a command, prints "SECONDS PEAK_MB".
timed() {
  /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" > /dev/null
  awk '{printf "%s %.0f\n", $1, $2 / 1024}' "$work/time.txt"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

sq=() pg=() sqm=() pgm=()
for i in $(seq "${IMPORT_RUNS:-$runs}"); do
  rm -f "$work/team_sq.db" "$work"/team_sq.db-*
  read -r t m < <(timed "$lading" --db "$work/team_sq.db" import shipments "$csv")
  sq+=("$t") sqm+=("$m")
  url=$(fresh_pg lading_bench_import)
  read -r t m < <(timed "$lading" --db "$url" import shipments "$csv")
  pg+=("$t") pgm+=("$m")
done
msq=$(median "${sq[@]}") mpg=$(median "${pg[@]}")
[ "${IMPORT_RUNS:-$runs}" -gt 0 ] && echo "import of 1,000,000 shipments (median of ${IMPORT_RUNS:-$runs}): SQLite $msq s (peak $(median "${sqm[@]}") MB), PostgreSQL $mpg s (peak $(median "${pgm[@]}") MB), ratio $(python3 -c "print(f'{$mpg / $msq:.2f}')")x"

db=$work/team_load_$load_rows.db
if [ ! -f "$db" ]; then
  "$lading" generate --entities 10000 --shipments "$load_rows" --seed 1 --db "$db" > /dev/null
fi
url=$(echo "$LADING_TEST_PG" | python3 -c 'import sys; u = sys.stdin.read().strip(); h, _, q = u.partition("?"); print(h.rsplit("/", 1)[0] + "/lading_bench_load" + ("?" + q if q else ""))')
have=$(psql "$(echo "$url" | sed 's/^postgres:/postgresql:/')" -qAt -c 'SELECT count(*) FROM shipment' 2>/dev/null || true)
if [ "$have" != "$load_rows" ]; then
  url=$(fresh_pg lading_bench_load)
  echo "(filling the PostgreSQL database with the same $load_rows shipments...)"
  "$lading" generate --entities 10000 --shipments "$load_rows" --seed 1 --db "$url" > /dev/null
fi
# The load itself (Store::load_dataset: SQLite's rows, PostgreSQL's COPY) is `load_ms` in
# `lading bench filter`'s JSON; the index build after it is the same code for both.
field() { python3 -c "import json, sys; print(json.loads(sys.stdin.readline())['$1'])"; }
sq=() pg=() sqm=() pgm=()
for i in $(seq "$runs"); do
  "$lading" --db "$db" bench filter --runs 1 > "$work/sq.json"
  "$lading" --db "$url" bench filter --runs 1 > "$work/pg.json"
  sq+=("$(field load_ms < "$work/sq.json")") sqm+=("$(field peak_rss_mb < "$work/sq.json")")
  pg+=("$(field load_ms < "$work/pg.json")") pgm+=("$(field peak_rss_mb < "$work/pg.json")")
done
msq=$(median "${sq[@]}") mpg=$(median "${pg[@]}")
echo "load of $load_rows shipments (Store::load_dataset, median of $runs): SQLite $msq ms (peak $(median "${sqm[@]}") MB), PostgreSQL $mpg ms (peak $(median "${pgm[@]}") MB), ratio $(python3 -c "print(f'{$mpg / $msq:.2f}')")x (target <= 2x)"
