#!/usr/bin/env python3
"""Writes entities.csv and shipments.csv for a network of exactly N entities and L trade
links (default 10,000 and 40,000), every entity on at least one link, hubs by preferential
choice, a few sanctioned. `lading generate` saturates near 8,000 shown entities and 30,000
links, so the export benchmark builds its big network here. Deterministic (seeded)."""
import csv, os, random, sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
links = int(sys.argv[3]) if len(sys.argv) > 3 else 40_000
rng = random.Random(1)
os.makedirs(out, exist_ok=True)
countries = ["CN", "RU", "HK", "KZ", "TR", "AE", "BY", "IN", "KG", "DE"]
kinds = ["company"] * 8 + ["plant", "subsidiary"]
parts = ["electronics", "bearings", "machine tools", "other", "aircraft parts",
         "jet engine", "helicopter", "Mi-171E", "radio", "navigation"]
with open(os.path.join(out, "entities.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["key", "name", "kind", "country"])
    for i in range(n):
        w.writerow([f"e{i:05d}", f"Company {i:05d} Trading Ltd", rng.choice(kinds), rng.choice(countries)])
with open(os.path.join(out, "sanctions.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["entity", "authority", "listed_on"])
    for i in range(0, n, 97):
        w.writerow([f"e{i:05d}", "OFAC", "2022-03-01"])
pairs = set()
def pick():
    return min(n - 1, int(n * rng.random() ** 2.2))
for i in range(n):  # every entity on a link
    j = rng.randrange(n)
    if j != i:
        pairs.add((i, j))
while len(pairs) < links:
    a, b = pick(), rng.randrange(n)
    if a != b:
        pairs.add((a, b) if rng.random() < 0.5 else (b, a))
with open(os.path.join(out, "shipments.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["date", "shipper", "consignee", "part_type", "description", "value_usd", "source_ref"])
    k = 0
    for a, b in sorted(pairs):
        for _ in range(1 + int(rng.random() ** 3 * 4)):
            k += 1
            day = f"2022-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            part = rng.choice(parts)
            w.writerow([day, f"e{a:05d}", f"e{b:05d}", part, part, round(rng.uniform(1e3, 1e5), 2), f"B{k:07d}"])
print(f"{n} entities, {len(pairs)} pairs, {k} shipments in {out}")
