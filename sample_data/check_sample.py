#!/usr/bin/env python3
"""Self-check of Lading's sample dataset (the four CSV files beside this script).

Run:  python3 sample_data/check_sample.py [--strict]
Exits 1 when a check fails. With --strict, goods descriptions whose part type by the shipped
classification rules (../assets/part_types.rules, if present) differs from the part_type
column are failures too; otherwise they are reported as warnings.
"""

import collections
import csv
import datetime as dt
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.path.join(HERE, "..", "assets", "part_types.rules")

HEADERS = {
    "entities.csv": ["key", "name", "kind", "country", "state_owned", "aliases", "identifiers",
                     "source"],
    "ownership.csv": ["parent", "child", "share_pct", "start_date", "end_date", "source"],
    "sanctions.csv": ["entity", "authority", "program", "listed_on", "delisted_on", "reason",
                      "source"],
    "shipments.csv": ["date", "shipper", "consignee", "part_type", "description", "hs_code",
                      "quantity", "unit", "value_usd", "source_ref", "source"],
}
KINDS = {"state_owner", "subsidiary", "plant", "company"}
AUTHORITIES = {"OFAC", "US-State", "US-BIS", "EU", "UK", "JP", "DoD"}
PART_TYPES = ["Mi-171E", "Mi-171Sh", "helicopter", "jet engine", "radio", "navigation",
              "aircraft parts", "electronics", "bearings", "machine tools", "other"]
UNITS = {"pcs", "set", "kg", "unit"}

failures = []
warnings = []


def check(cond, msg):
    if not cond:
        failures.append(msg)


def is_date(s):
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return False
    try:
        dt.date.fromisoformat(s)
        return True
    except ValueError:
        return False


def is_number(s):
    return re.fullmatch(r"\d+(\.\d+)?", s) is not None


def read(name):
    path = os.path.join(HERE, name)
    raw = open(path, "rb").read()
    check(not raw.startswith(b"\xef\xbb\xbf"), f"{name}: starts with a BOM")
    check(b"\r" not in raw, f"{name}: contains CR characters")
    text = raw.decode("utf-8")  # raises on invalid UTF-8
    rows = list(csv.reader(text.splitlines(keepends=True)))
    check(rows and rows[0] == HEADERS[name], f"{name}: header is {rows[0] if rows else None}")
    for i, r in enumerate(rows[1:], start=2):
        check(len(r) == len(HEADERS[name]), f"{name}:{i}: {len(r)} fields")
    return [dict(zip(HEADERS[name], r)) for r in rows[1:]]


# --- a copy of the classifier in src/parts.rs, for the consistency report -------------------
LOOKALIKE = {"а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
             "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i"}
DROP = set("-‐–—./_,()«»\"")


def normalize(text):
    out = []
    for ch in text:
        if ch.isspace() or ch in DROP:
            continue
        for low in ch.lower():
            out.append(LOOKALIKE.get(low, low))
    return "".join(out)


def load_rules(path):
    rules = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, pats = line.split(":", 1)
        pats = [normalize(p) for p in pats.split("|") if normalize(p)]
        for r in rules:
            if r[0] == name.strip():
                r[1].extend(pats)
                break
        else:
            rules.append((name.strip(), pats))
    return rules


def classify(rules, desc):
    text = normalize(desc)
    for name, pats in rules:
        if any(p in text for p in pats):
            return name
    return "other"


def main(argv):
    strict = "--strict" in argv
    failures.clear()
    warnings.clear()
    ents = read("entities.csv")
    owns = read("ownership.csv")
    sancs = read("sanctions.csv")
    ships = read("shipments.csv")

    # entities
    keys = {}
    for e in ents:
        check(e["key"] not in keys, f"duplicate entity key {e['key']}")
        keys[e["key"]] = e
        check(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", e["key"]) is not None, f"bad key {e['key']}")
        check(e["name"].strip() != "", f"{e['key']}: empty name")
        check(e["kind"] in KINDS, f"{e['key']}: kind {e['kind']}")
        check(re.fullmatch(r"[A-Z]{2}", e["country"]) is not None, f"{e['key']}: country")
        check(e["state_owned"] in ("true", "false"), f"{e['key']}: state_owned")
        check("|" not in e["name"], f"{e['key']}: '|' in name")
        if e["aliases"]:
            check(all(a.strip() == a and a for a in e["aliases"].split(" | ")),
                  f"{e['key']}: badly separated aliases")
        syn = e["key"].startswith("syn-")
        check(syn == e["source"].startswith("synthetic"), f"{e['key']}: source/synthetic mismatch")
        check(e["source"] != "", f"{e['key']}: empty source")
    syn_keys = [k for k in keys if k.startswith("syn-")]
    check(250 <= len(syn_keys) <= 350, f"{len(syn_keys)} synthetic entities")

    def same_world(a, b):
        return a.startswith("syn-") == b.startswith("syn-")

    # ownership
    seen = set()
    for o in owns:
        p, c = o["parent"], o["child"]
        check(p in keys and c in keys, f"ownership {p}->{c}: unknown key")
        check(p != c, f"ownership {p}->{c}: self")
        check((p, c) not in seen, f"ownership {p}->{c}: duplicate")
        seen.add((p, c))
        check(same_world(p, c), f"ownership {p}->{c}: links real and synthetic")
        check(o["share_pct"] == "" or (is_number(o["share_pct"]) and float(o["share_pct"]) <= 100),
              f"ownership {p}->{c}: share {o['share_pct']}")
        for f in ("start_date", "end_date"):
            check(o[f] == "" or is_date(o[f]), f"ownership {p}->{c}: {f} {o[f]}")
        if o["start_date"] and o["end_date"]:
            check(o["start_date"] <= o["end_date"], f"ownership {p}->{c}: ends before start")
        check(p.startswith("syn-") == o["source"].startswith("synthetic"),
              f"ownership {p}->{c}: source")

    # sanctions
    seen = set()
    for s in sancs:
        k = s["entity"]
        check(k in keys, f"sanction: unknown entity {k}")
        check(s["authority"] in AUTHORITIES, f"sanction {k}: authority {s['authority']}")
        check(is_date(s["listed_on"]), f"sanction {k}: listed_on {s['listed_on']}")
        check(s["delisted_on"] == "" or (is_date(s["delisted_on"])
                                         and s["delisted_on"] > s["listed_on"]),
              f"sanction {k}: delisted_on {s['delisted_on']}")
        t = (k, s["authority"], s["program"], s["listed_on"])
        check(t not in seen, f"sanction {t}: duplicate")
        seen.add(t)
        if k.startswith("syn-"):
            check(s["source"] == "synthetic (illustrative listing, not a real sanction)",
                  f"sanction {k}: synthetic source text")
        else:
            check(not s["source"].startswith("synthetic") and "[S" in s["source"],
                  f"sanction {k}: real listing without a source key")
    syn_listed = {s["entity"] for s in sancs if s["entity"].startswith("syn-")}
    frac = len(syn_listed) / max(1, len(syn_keys))
    check(0.10 <= frac <= 0.15, f"{frac:.1%} of synthetic entities listed")

    # shipments
    refs = collections.defaultdict(set)
    all_refs = set()
    lo, hi = "2021-01-01", "2023-12-31"
    for i, x in enumerate(ships, start=2):
        w = f"shipments.csv:{i}"
        s, c = x["shipper"], x["consignee"]
        check(s in keys and c in keys, f"{w}: unknown key {s} or {c}")
        check(s != c, f"{w}: shipment from {s} to itself")
        check(same_world(s, c), f"{w}: links real and synthetic")
        check(is_date(x["date"]) and lo <= x["date"] <= hi, f"{w}: date {x['date']}")
        check(x["part_type"] in PART_TYPES, f"{w}: part_type {x['part_type']}")
        check(x["description"] != "", f"{w}: empty description")
        check(re.fullmatch(r"\d{6}(\d{2}|\d{4})?", x["hs_code"]) is not None,
              f"{w}: hs_code {x['hs_code']}")
        check(is_number(x["quantity"]) and float(x["quantity"]) > 0, f"{w}: quantity")
        check(x["unit"] in UNITS, f"{w}: unit {x['unit']}")
        check(re.fullmatch(r"\d+\.\d{2}", x["value_usd"]) is not None, f"{w}: value_usd")
        check(x["source_ref"] != "", f"{w}: empty source_ref")
        check(x["source_ref"] not in refs[x["source"]], f"{w}: source_ref repeated in its source")
        refs[x["source"]].add(x["source_ref"])
        check(x["source_ref"] not in all_refs, f"{w}: source_ref {x['source_ref']} not unique")
        all_refs.add(x["source_ref"])
        check(s.startswith("syn-") == x["source"].startswith("synthetic"), f"{w}: source")
        check(x["source"] != "", f"{w}: empty source")

    syn_ships = [x for x in ships if x["shipper"].startswith("syn-")]
    check(2500 <= len(syn_ships) <= 4000, f"{len(syn_ships)} synthetic shipments")
    check(set(x["part_type"] for x in syn_ships) == set(PART_TYPES),
          "not all part types among synthetic shipments")
    years = collections.Counter(x["date"][:4] for x in syn_ships)
    check(all(years[y] > 300 for y in ("2021", "2022", "2023")), f"shipments per year {years}")

    # the reported Poly Technologies -> Ulan-Ude shipments
    pu = sorted((x for x in ships if x["shipper"] == "poly-technologies"
                 and x["consignee"] == "ulan-ude-aviation-plant"), key=lambda x: x["date"])
    check(len(pu) == 13, f"{len(pu)} Poly -> U-UAP shipments, want 13")
    types = collections.Counter(x["part_type"] for x in pu)
    check(types == {"Mi-171Sh": 3, "radio": 2, "Mi-171E": 8}, f"Poly -> U-UAP types {types}")
    check(pu and pu[0]["date"] == "2022-06-02", "first Poly -> U-UAP shipment is not 2022-06-02")
    check(pu and pu[-1]["date"] == "2022-11-16", "last Poly -> U-UAP shipment is not 2022-11-16")
    pe = [x for x in ships if x["shipper"] == "poly-technologies"
          and x["consignee"] == "united-engine-corporation"]
    check(len(pe) == 1 and "2022-06-02" <= pe[0]["date"] <= "2022-11-16", "Poly -> UEC shipment")
    au = [x for x in ships if x["shipper"] == "avic-international"
          and x["consignee"] == "united-engine-corporation"]
    check(au and all(x["date"] <= "2022-07-31" for x in au), "AVIC International -> UEC after July")
    real_pairs = collections.Counter((x["shipper"], x["consignee"]) for x in ships
                                     if not x["shipper"].startswith("syn-"))
    allowed = {("poly-technologies", "ulan-ude-aviation-plant"),
               ("poly-technologies", "united-engine-corporation"),
               ("ulan-ude-aviation-plant", "poly-technologies"),
               ("avic-international", "united-engine-corporation"),
               ("united-engine-corporation", "avic-international"),
               ("poly-technologies", "rosoboronexport"),
               ("avic-international", "rostec-subsidiary-unnamed-wsj")}
    check(set(real_pairs) <= allowed, f"unreported real trade: {set(real_pairs) - allowed}")
    check(all(x["date"].startswith("2022") for x in ships if not x["shipper"].startswith("syn-")),
          "a reported shipment outside 2022")

    # descriptions against the shipped classification rules
    if os.path.exists(RULES):
        rules = load_rules(RULES)
        bad = [(x["part_type"], classify(rules, x["description"]), x["description"])
               for x in ships if classify(rules, x["description"]) != x["part_type"]]
        for b in bad[:20]:
            (failures if strict else warnings).append(f"classifier disagrees: {b}")
        if len(bad) > 20:
            (failures if strict else warnings).append(f"... {len(bad) - 20} more disagreements")

    for w in warnings:
        print("warning:", w)
    for f in failures:
        print("FAIL:", f)
    print(f"check_sample: {len(ents)} entities, {len(owns)} ownership links, {len(sancs)} "
          f"listings, {len(ships)} shipments; {len(failures)} failures, {len(warnings)} warnings")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
