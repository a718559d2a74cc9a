#!/usr/bin/env bash
# The name-matching quality benchmark: Lading's `lading match` against nomenklatura's logic-v2
# (the matcher behind OpenSanctions' yente) on the labelled pairs in pairs.csv, in one run.
# Prints precision, recall and F1 at each tool's default threshold (all pairs, and the dev and
# test halves) and how many parent/child pairs each tool merged. `-v` lists the pairs either
# tool got wrong.
#
# Needs python3 with venv and pip (PyPI); the venv is kept in ~/.cache/lading (or
# $LADING_NAMES_VENV) so a second run installs nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${LADING_NAMES_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/lading/nomenklatura-venv}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import nomenklatura' 2>/dev/null; then
    echo "installing nomenklatura 4.17 into $venv …" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'nomenklatura==4.17.*'
fi
"$venv/bin/python" -c 'import importlib.metadata as m; print("nomenklatura", m.version("nomenklatura"), "· followthemoney", m.version("followthemoney"), "· rigour", m.version("rigour"))'
lading=${LADING_BIN:-}
if [ -z "$lading" ]; then
    (cd "$root" && cargo build --release --quiet --bin lading)
    lading="$root/target/release/lading"
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$lading" match --pairs "$here/pairs.csv" --json > "$out"
"$venv/bin/python" "$here/score.py" "$here/pairs.csv" "$out" "$@"
