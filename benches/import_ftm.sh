#!/usr/bin/env bash
# FtM import benchmark: `lading generate --ftm` writes a synthetic network as one
# FollowTheMoney file (customs declarations, ownership and sanctions first, the companies they
# name last), then `lading import ftm` reads it into a fresh database, under /usr/bin/time -v.
# Prints lines per second and peak RSS.
#
#   benches/import_ftm.sh [LINES]          (default 1000000; about 300 bytes a line)
set -euo pipefail
lines=${1:-1000000}
here=$(cd "$(dirname "$0")/.." && pwd)
work=/tmp/perf/lading-ftm
mkdir -p "$work"
(cd "$here" && cargo build --release --quiet)
lading=$here/target/release/lading
# 2 % companies, the rest mostly shipments (ownership and sanctions follow from the companies).
entities=$((lines / 50))
file=$work/gen_$lines.ftm.json
if [ ! -f "$file" ]; then
  "$lading" generate --entities "$entities" --shipments $((lines - entities * 119 / 100)) \
    --seed 7 --ftm "$file" > /dev/null
fi
n=$(wc -l < "$file")
cat "$file" > /dev/null # warm the page cache
rm -f "$work/ftm.db" "$work"/ftm.db-*
/usr/bin/time -v "$lading" import ftm "$file" --db "$work/ftm.db" > "$work/out.txt" 2> "$work/time.txt"
secs=$(awk '/^  seconds/ {print $2}' "$work/out.txt")
rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$work/time.txt")
echo "file       $file ($n lines, $(du -h "$file" | cut -f1))"
echo "seconds    $secs"
echo "lines/s    $(python3 -c "print(round($n / $secs))")"
echo "peak RSS   $((rss / 1024)) MB"
