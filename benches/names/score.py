"""Scores benches/names/pairs.csv with nomenklatura's logic-v2 and reads Lading's verdicts
(`lading match --pairs pairs.csv --json`, JSON lines in the same order); prints precision,
recall and F1 of each tool at its default threshold, overall and on the dev and test halves,
and how many parent/child pairs each merged.

Usage: score.py PAIRS.csv LADING.jsonl
"""
import csv
import json
import sys

from followthemoney import model
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig

# FtM properties for the identifier syntax of `lading match` (SCHEME:VALUE).
PROPS = {
    "INN": "innCode",
    "OGRN": "ogrnCode",
    "LEI": "leiCode",
    "OKPO": "okpoCode",
    "IMO": "imoNumber",
    "USCC": "uscCode",
    "REG": "registrationNumber",
    "TAX": "taxNumber",
}


def proxy(side, ident):
    """One side ("name | name | INN:… | country:RU") as a Company with its own id."""
    entity = model.make_entity("Company")
    entity.id = ident
    for part in (p.strip() for p in side.split("|")):
        if not part:
            continue
        label, _, value = part.partition(":")
        label = label.strip().upper()
        if value and label == "COUNTRY":
            entity.add("country", value.strip().lower())
        elif value and label in PROPS and PROPS[label] in entity.schema.properties:
            entity.add(PROPS[label], value.strip())
        else:
            entity.add("name", part)
    return entity


def metrics(rows, key):
    tp = sum(1 for r in rows if r["label"] and r[key])
    fp = sum(1 for r in rows if not r["label"] and r[key])
    fn = sum(1 for r in rows if r["label"] and not r[key])
    p = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
    pc = sum(1 for r in rows if "parent_child" in r["tags"] and r[key])
    return p, rc, f1, pc


def main():
    pairs_path, lading_path = sys.argv[1], sys.argv[2]
    with open(pairs_path, newline="", encoding="utf-8") as f:
        pairs = list(csv.DictReader(f))
    with open(lading_path, encoding="utf-8") as f:
        lading = [json.loads(line) for line in f if line.strip()]
    assert len(lading) == len(pairs), f"{len(lading)} Lading verdicts for {len(pairs)} pairs"

    algo = get_algorithm("logic-v2")
    config = algo.default_config() if hasattr(algo, "default_config") else ScoringConfig.defaults()
    # nomenklatura has no threshold of its own; yente (OpenSanctions' API on it) calls a
    # result a match at 0.7 (its SCORE_THRESHOLD setting).
    threshold = 0.7
    rows = []
    for k, (pair, lv) in enumerate(zip(pairs, lading)):
        assert lv["a"] == pair["a"] and lv["b"] == pair["b"], f"pair {k} out of order"
        a = proxy(pair["a"], f"a{k}")
        b = proxy(pair["b"], f"b{k}")
        nk = algo.compare(a, b, config).score
        rows.append({
            "a": pair["a"], "b": pair["b"], "label": pair["label"] == "1",
            "tags": pair["tags"].split(), "split": pair["split"],
            "lading": lv["same"], "lading_score": lv["score"],
            "nk": nk >= threshold, "nk_score": nk,
        })

    n_pc = sum(1 for r in rows if "parent_child" in r["tags"])
    print(f"{len(rows)} pairs ({sum(r['label'] for r in rows)} same, "
          f"{len(rows) - sum(r['label'] for r in rows)} different, {n_pc} parent/child)")
    print(f"thresholds: Lading same (AUTO_THRESHOLD 0.9); nomenklatura logic-v2 >= {threshold}")
    print()
    print(f"{'set':<6} {'tool':<22} {'precision':>9} {'recall':>7} {'F1':>6} {'parent/child merged':>20}")
    for name, subset in [("all", rows), ("dev", [r for r in rows if r["split"] == "dev"]),
                         ("test", [r for r in rows if r["split"] == "test"])]:
        for tool, key in [("lading", "lading"), ("nomenklatura logic-v2", "nk")]:
            p, rc, f1, pc = metrics(subset, key)
            print(f"{name:<6} {tool:<22} {p:>9.3f} {rc:>7.3f} {f1:>6.3f} {pc:>20}")
    if "-v" in sys.argv:
        print()
        for r in rows:
            if r["lading"] != r["label"] or r["nk"] != r["label"]:
                print(f"{'same' if r['label'] else 'diff'}  lading {r['lading_score']:.2f}"
                      f"{'*' if r['lading'] != r['label'] else ' '}  nk {r['nk_score']:.2f}"
                      f"{'*' if r['nk'] != r['label'] else ' '}  {r['a'][:50]}  /  {r['b'][:50]}")


if __name__ == "__main__":
    main()
