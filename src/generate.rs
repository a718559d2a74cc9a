//! Synthetic data at scale, for benchmarks and tests: `lading generate`.
//!
//! The network is shaped like the real thing: a few state owners, each with many subsidiaries
//! and plants under them; most entities are ordinary companies; trade is heavy-tailed (a few
//! hubs, many small partners), drawn from a pool of recurring shipper → consignee
//! relationships with Zipf weights; dates spread over several years; several part types; a
//! share of parties sanctioned from some date. The same seed gives the same data.

use std::path::Path;

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

use crate::date::Day;
use crate::model::{Entity, EntityKind, Ownership, Sanction, Shipment};

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenerateOptions {
    pub entities: usize,
    pub shipments: usize,
    pub seed: u64,
    /// First and last shipment date.
    pub from: Day,
    pub to: Day,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            entities: 1_000,
            shipments: 10_000,
            seed: 1,
            from: Day::from_ymd(2019, 1, 1).unwrap_or_default(),
            to: Day::from_ymd(2024, 12, 31).unwrap_or_default(),
        }
    }
}

/// Generated records. Entity ids are 1-based positions; shipments reference them.
#[derive(Clone, Debug, Default)]
pub struct Generated {
    pub entities: Vec<Entity>,
    pub ownership: Vec<Ownership>,
    pub sanctions: Vec<Sanction>,
    pub shipments: Vec<Shipment>,
}

const COUNTRIES: &[(&str, u32)] = &[
    ("CN", 30),
    ("RU", 25),
    ("HK", 6),
    ("KZ", 5),
    ("TR", 5),
    ("AE", 5),
    ("BY", 4),
    ("IN", 4),
    ("KG", 3),
    ("AM", 2),
    ("UZ", 2),
    ("DE", 3),
    ("SG", 3),
    ("IR", 2),
    ("RS", 1),
];

/// Part types with a relative weight and a typical unit value in USD.
const PARTS: &[(&str, u32, f64)] = &[
    ("electronics", 30, 4_000.0),
    ("bearings", 18, 2_500.0),
    ("machine tools", 10, 60_000.0),
    ("other", 20, 8_000.0),
    ("aircraft parts", 6, 40_000.0),
    ("jet engine", 4, 150_000.0),
    ("helicopter", 4, 90_000.0),
    ("Mi-171E", 3, 50_000.0),
    ("Mi-171Sh", 1, 50_000.0),
    ("radio", 2, 20_000.0),
    ("navigation", 2, 25_000.0),
];

const AUTHORITIES: &[(&str, &str)] = &[
    ("OFAC", "RUSSIA-EO14024"),
    ("EU", "269/2014"),
    ("UK", "Russia"),
    ("US-BIS", "Entity List"),
    ("JP", "METI"),
];

const SYLLABLES: &[&str] = &[
    "Nor", "Vel", "Tar", "Kan", "Sib", "Ural", "Hua", "Xin", "Zhong", "Bel", "Ast", "Vost", "Tek",
    "Prom", "Avia", "Rada", "Mash", "Star", "Orion", "Delta", "Lun", "Ming", "Kaz", "Dor", "Gel",
];
const SUFFIXES: &[&str] = &[
    "Trading",
    "Industries",
    "Technologies",
    "Logistics",
    "Machinery",
    "Components",
    "Systems",
    "Engineering",
    "Supply",
    "Electronics",
];

fn pick_weighted<'a, T>(rng: &mut Pcg64Mcg, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut r = rng.random_range(0..total.max(1));
    for (item, w) in items {
        if r < *w {
            return item;
        }
        r -= w;
    }
    &items[0].0
}

/// Cumulative Zipf weights over `n` items, in shuffled order.
fn zipf_cumulative(rng: &mut Pcg64Mcg, n: usize, exponent: f64) -> Vec<f64> {
    let mut weights: Vec<f64> = (0..n)
        .map(|i| 1.0 / ((i + 1) as f64).powf(exponent))
        .collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        weights.swap(i, j);
    }
    let mut acc = 0.0;
    weights
        .iter()
        .map(|w| {
            acc += w;
            acc
        })
        .collect()
}

fn draw(rng: &mut Pcg64Mcg, cumulative: &[f64]) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let r = rng.random::<f64>() * total;
    cumulative
        .partition_point(|&c| c < r)
        .min(cumulative.len().saturating_sub(1))
}

/// Generates a network. Needs at least 2 entities for any shipment.
/// Everything at once: the network and its shipments.
pub fn generate(options: &GenerateOptions) -> Generated {
    let (mut out, shipments) = generate_network(options);
    out.shipments = shipments.collect();
    out
}

/// The entities, ownership and listings (with no shipments), and the shipments to draw.
pub fn generate_network(options: &GenerateOptions) -> (Generated, ShipmentDraws) {
    let mut rng = Pcg64Mcg::seed_from_u64(options.seed);
    let n = options.entities.max(2);
    let state_owners = (n / 500).clamp(1, 12).min(n);
    let mut out = Generated::default();
    let country_table: Vec<(&str, u32)> = COUNTRIES.to_vec();

    for i in 0..n {
        let id = (i + 1) as i64;
        let (kind, country) = if i < state_owners {
            (
                EntityKind::StateOwner,
                *pick_weighted(&mut rng, &country_table),
            )
        } else {
            let r = rng.random::<f64>();
            let kind = if r < 0.06 {
                EntityKind::Subsidiary
            } else if r < 0.14 {
                EntityKind::Plant
            } else {
                EntityKind::Company
            };
            (kind, *pick_weighted(&mut rng, &country_table))
        };
        let name = format!(
            "{}{} {} {}",
            SYLLABLES[rng.random_range(0..SYLLABLES.len())],
            SYLLABLES[rng.random_range(0..SYLLABLES.len())].to_lowercase(),
            SUFFIXES[rng.random_range(0..SUFFIXES.len())],
            id
        );
        out.entities.push(Entity {
            id,
            key: format!("gen-{id}"),
            name,
            kind,
            country: country.to_owned(),
            state_owned: kind != EntityKind::Company,
            aliases: Vec::new(),
            source: "synthetic (lading generate)".into(),
        });
    }

    // Ownership: subsidiaries under state owners, plants under subsidiaries (or owners).
    let owners: Vec<usize> = (0..state_owners).collect();
    let subsidiaries: Vec<usize> = (0..n)
        .filter(|&i| out.entities[i].kind == EntityKind::Subsidiary)
        .collect();
    for i in 0..n {
        let parent = match out.entities[i].kind {
            EntityKind::Subsidiary => Some(owners[rng.random_range(0..owners.len())]),
            EntityKind::Plant if !subsidiaries.is_empty() => {
                Some(subsidiaries[rng.random_range(0..subsidiaries.len())])
            }
            EntityKind::Plant => Some(owners[rng.random_range(0..owners.len())]),
            _ => None,
        };
        if let Some(p) = parent.filter(|&p| p != i) {
            out.ownership.push(Ownership {
                parent: (p + 1) as i64,
                child: (i + 1) as i64,
                share_pct: Some(100.0),
                start: None,
                end: None,
                source: "synthetic (lading generate)".into(),
            });
        }
    }

    // Sanctions on about 5 % of entities, from dates within the span.
    let span = (options.to.0 - options.from.0).max(1);
    for i in 0..n {
        if rng.random::<f64>() < 0.05 {
            let (authority, program) = AUTHORITIES[rng.random_range(0..AUTHORITIES.len())];
            out.sanctions.push(Sanction {
                entity: (i + 1) as i64,
                authority: authority.into(),
                program: program.into(),
                listed_on: Day(options.from.0 + rng.random_range(0..span)),
                delisted_on: None,
                reason: "synthetic listing".into(),
                source: "synthetic (lading generate)".into(),
            });
        }
    }

    // Trade: recurring relationships with Zipf weights, each over one to three part types.
    let activity = zipf_cumulative(&mut rng, n, 1.0);
    let relationship_count = (n * 4).min(options.shipments.max(1)).max(1);
    let mut relationships: Vec<(usize, usize, [u8; 3])> = Vec::with_capacity(relationship_count);
    let part_table: Vec<(u8, u32)> = PARTS
        .iter()
        .enumerate()
        .map(|(i, (_, w, _))| (i as u8, *w))
        .collect();
    let mut guard = 0;
    while relationships.len() < relationship_count && guard < relationship_count * 20 {
        guard += 1;
        let s = draw(&mut rng, &activity);
        let c = draw(&mut rng, &activity);
        if s == c {
            continue;
        }
        let parts = [
            *pick_weighted(&mut rng, &part_table),
            *pick_weighted(&mut rng, &part_table),
            *pick_weighted(&mut rng, &part_table),
        ];
        relationships.push((s, c, parts));
    }
    let rel_weights = if relationships.is_empty() {
        Vec::new()
    } else {
        zipf_cumulative(&mut rng, relationships.len(), 0.8)
    };
    let shipments = ShipmentDraws {
        rng,
        relationships,
        rel_weights,
        from: options.from.0,
        span,
        next: 0,
        count: options.shipments,
    };
    (out, shipments)
}

/// The shipments of [`generate_network`], drawn one at a time: ten million of them never sit
/// in memory together. The same seed draws the same shipments.
pub struct ShipmentDraws {
    rng: Pcg64Mcg,
    relationships: Vec<(usize, usize, [u8; 3])>,
    rel_weights: Vec<f64>,
    from: i32,
    span: i32,
    next: usize,
    count: usize,
}

impl ShipmentDraws {
    /// How many shipments are still to come.
    pub fn remaining(&self) -> usize {
        if self.relationships.is_empty() {
            0
        } else {
            self.count - self.next
        }
    }
}

impl Iterator for ShipmentDraws {
    type Item = Shipment;

    fn next(&mut self) -> Option<Shipment> {
        if self.remaining() == 0 {
            return None;
        }
        self.next += 1;
        let number = self.next;
        let rng = &mut self.rng;
        let (s, c, parts) = self.relationships[draw(rng, &self.rel_weights)];
        let (part, _, unit_value) = PARTS[parts[rng.random_range(0..3)] as usize];
        let quantity = (1.0 / (1.0 - rng.random::<f64>() * 0.999)).floor().max(1.0);
        let value = (unit_value * (0.2 + rng.random::<f64>() * 1.6) * quantity.sqrt() * 100.0)
            .round()
            / 100.0;
        Some(Shipment {
            id: number as i64,
            date: Day(self.from + rng.random_range(0..=self.span)),
            shipper: (s + 1) as i64,
            consignee: (c + 1) as i64,
            part_type: part.into(),
            description: format!("{part} consignment {number}"),
            hs_code: String::new(),
            quantity: Some(quantity),
            unit: "pcs".into(),
            value_usd: Some(value),
            source_ref: format!("GEN-{number:08}"),
            source: "synthetic (lading generate)".into(),
            extra: String::new(),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining(), Some(self.remaining()))
    }
}

pub fn write_csv(data: &Generated, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let key = |id: i64| data.entities[(id - 1) as usize].key.as_str();
    let mut w = csv_writer(&dir.join("entities.csv"))?;
    w.write_record([
        "key",
        "name",
        "kind",
        "country",
        "state_owned",
        "aliases",
        "source",
    ])?;
    for e in &data.entities {
        w.write_record([
            e.key.as_str(),
            &e.name,
            e.kind.as_str(),
            &e.country,
            if e.state_owned { "true" } else { "false" },
            &e.aliases.join(" | "),
            &e.source,
        ])?;
    }
    w.flush()?;
    let mut w = csv_writer(&dir.join("ownership.csv"))?;
    w.write_record([
        "parent",
        "child",
        "share_pct",
        "start_date",
        "end_date",
        "source",
    ])?;
    for o in &data.ownership {
        let share = o.share_pct.map(|s| s.to_string()).unwrap_or_default();
        w.write_record([key(o.parent), key(o.child), &share, "", "", &o.source])?;
    }
    w.flush()?;
    let mut w = csv_writer(&dir.join("sanctions.csv"))?;
    w.write_record([
        "entity",
        "authority",
        "program",
        "listed_on",
        "delisted_on",
        "reason",
        "source",
    ])?;
    for s in &data.sanctions {
        w.write_record([
            key(s.entity),
            &s.authority,
            &s.program,
            &s.listed_on.iso(),
            &s.delisted_on.map(Day::iso).unwrap_or_default(),
            &s.reason,
            &s.source,
        ])?;
    }
    w.flush()?;
    let mut w = csv_writer(&dir.join("shipments.csv"))?;
    w.write_record([
        "date",
        "shipper",
        "consignee",
        "part_type",
        "description",
        "hs_code",
        "quantity",
        "unit",
        "value_usd",
        "source_ref",
        "source",
    ])?;
    for s in &data.shipments {
        w.write_record([
            s.date.iso().as_str(),
            key(s.shipper),
            key(s.consignee),
            &s.part_type,
            &s.description,
            &s.hs_code,
            &s.quantity.map(|q| q.to_string()).unwrap_or_default(),
            &s.unit,
            &s.value_usd.map(|v| format!("{v:.2}")).unwrap_or_default(),
            &s.source_ref,
            &s.source,
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Writes the generated data as one FollowTheMoney entity file (JSON lines), in the order
/// that is hardest for an importer: customs declarations, ownership and sanctions first, the
/// companies they refer to last. Every company is an FtM `Company` whose id is its key.
pub fn write_ftm(data: &Generated, path: &Path) -> std::io::Result<u64> {
    use serde_json::json;
    use std::io::Write;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let id = |entity: i64| data.entities[(entity - 1) as usize].key.clone();
    let mut lines = 0u64;
    let mut line = |w: &mut std::io::BufWriter<std::fs::File>, v: serde_json::Value| {
        lines += 1;
        serde_json::to_writer(&mut *w, &v)?;
        w.write_all(b"\n")
    };
    for (i, s) in data.shipments.iter().enumerate() {
        let mut props = json!({
            "sender": [id(s.shipper)],
            "receiver": [id(s.consignee)],
            "date": [s.date.iso()],
            "goodsDescription": [s.description],
            "vedCode": [s.hs_code],
            "ccdNumber": [s.source_ref],
        });
        if let Some(v) = s.value_usd {
            props["customsAmount"] = json!([format!("{v:.2}")]);
        }
        let v = json!({"id": format!("gen-ccd-{i}"), "schema": "EconomicActivity",
                       "properties": props, "datasets": [s.source]});
        line(&mut w, v)?;
    }
    for (i, o) in data.ownership.iter().enumerate() {
        let mut props = json!({"owner": [id(o.parent)], "asset": [id(o.child)]});
        if let Some(p) = o.share_pct {
            props["percentage"] = json!([p.to_string()]);
        }
        let v = json!({"id": format!("gen-own-{i}"), "schema": "Ownership",
                       "properties": props, "datasets": [o.source]});
        line(&mut w, v)?;
    }
    for (i, s) in data.sanctions.iter().enumerate() {
        let mut props = json!({
            "entity": [id(s.entity)],
            "authority": [s.authority],
            "program": [s.program],
            "startDate": [s.listed_on.iso()],
        });
        if let Some(d) = s.delisted_on {
            props["endDate"] = json!([d.iso()]);
        }
        if !s.reason.is_empty() {
            props["reason"] = json!([s.reason]);
        }
        let v = json!({"id": format!("gen-sanction-{i}"), "schema": "Sanction",
                       "properties": props, "datasets": [s.source]});
        line(&mut w, v)?;
    }
    for (i, e) in data.entities.iter().enumerate() {
        let mut props = json!({
            "name": [e.name],
            "country": [e.country.to_ascii_lowercase()],
            "registrationNumber": [format!("GEN{:08}", i + 1)],
        });
        if !e.aliases.is_empty() {
            props["alias"] = json!(e.aliases);
        }
        if e.state_owned {
            props["topics"] = json!(["gov.soe"]);
        }
        let v = json!({"id": e.key, "schema": "Company",
                       "properties": props, "datasets": [e.source]});
        line(&mut w, v)?;
    }
    w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(lines)
}

fn csv_writer(path: &Path) -> std::io::Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    let file = std::fs::File::create(path)?;
    Ok(csv::Writer::from_writer(std::io::BufWriter::new(file)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data_and_references_are_valid() {
        let options = GenerateOptions {
            entities: 300,
            shipments: 2_000,
            seed: 9,
            ..GenerateOptions::default()
        };
        let a = generate(&options);
        let b = generate(&options);
        assert_eq!(a.shipments, b.shipments);
        assert_eq!(a.entities.len(), 300);
        assert_eq!(a.shipments.len(), 2_000);
        assert!(a.shipments.iter().all(|s| s.shipper != s.consignee));
        assert!(
            a.shipments
                .iter()
                .all(|s| s.shipper >= 1 && s.consignee <= 300)
        );
        assert!(a.entities.iter().any(|e| e.kind == EntityKind::StateOwner));
        assert!(!a.ownership.is_empty() && !a.sanctions.is_empty());
        let other = generate(&GenerateOptions {
            seed: 10,
            ..options
        });
        assert_ne!(a.shipments, other.shipments);
    }

    #[test]
    fn trade_is_heavy_tailed() {
        let data = generate(&GenerateOptions {
            entities: 1_000,
            shipments: 20_000,
            ..GenerateOptions::default()
        });
        let mut degree = vec![0u32; 1_001];
        for s in &data.shipments {
            degree[s.shipper as usize] += 1;
            degree[s.consignee as usize] += 1;
        }
        degree.sort_unstable_by(|a, b| b.cmp(a));
        let top_1pct: u32 = degree[..10].iter().sum();
        // The busiest 1 % of entities take part in far more than 1 % of the shipments.
        assert!(top_1pct as f64 > 0.10 * 40_000.0, "top 1% = {top_1pct}");
    }
}
