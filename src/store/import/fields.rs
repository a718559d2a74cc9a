//! The fields each import kind reads, and the header names that mean them.
//!
//! Customs-data vendors name the same column many ways; a header is matched, ignoring case,
//! spacing and punctuation, against each field's synonyms, earliest synonym first.

use crate::names::identifiers::Scheme;

/// What a CSV file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportKind {
    Shipments,
    Entities,
    Ownership,
    Sanctions,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Shipments => "shipments",
            ImportKind::Entities => "entities",
            ImportKind::Ownership => "ownership",
            ImportKind::Sanctions => "sanctions",
        }
    }

    /// The fields of this kind: `(field, required)`.
    pub fn fields(self) -> &'static [(Field, bool)] {
        use Field::*;
        match self {
            ImportKind::Shipments => &[
                (Date, true),
                (Shipper, true),
                (Consignee, true),
                (PartType, false),
                (Description, false),
                (HsCode, false),
                (Quantity, false),
                (Unit, false),
                (ValueUsd, false),
                (SourceRef, false),
                (Source, false),
            ],
            ImportKind::Entities => &[
                (Key, false),
                (Name, true),
                (Kind, false),
                (Country, false),
                (StateOwned, false),
                (Aliases, false),
                (Identifiers, false),
                (Source, false),
            ],
            ImportKind::Ownership => &[
                (Parent, true),
                (Child, true),
                (SharePct, false),
                (StartDate, false),
                (EndDate, false),
                (Source, false),
            ],
            ImportKind::Sanctions => &[
                (Entity, true),
                (Authority, true),
                (Program, false),
                (ListedOn, true),
                (DelistedOn, false),
                (Reason, false),
                (Source, false),
            ],
        }
    }
}

/// A field an import reads. The discriminant indexes the column table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Date,
    Shipper,
    Consignee,
    PartType,
    Description,
    HsCode,
    Quantity,
    Unit,
    ValueUsd,
    SourceRef,
    Source,
    Key,
    Name,
    Kind,
    Country,
    StateOwned,
    Aliases,
    Identifiers,
    Parent,
    Child,
    SharePct,
    StartDate,
    EndDate,
    Entity,
    Authority,
    Program,
    ListedOn,
    DelistedOn,
    Reason,
}

const FIELD_COUNT: usize = Field::Reason as usize + 1;

impl Field {
    /// The canonical name, as used by `--map` and in error messages.
    pub fn name(self) -> &'static str {
        self.synonyms()[0]
    }

    /// Header names that mean this field, canonical name first. Compared after [`norm`].
    pub fn synonyms(self) -> &'static [&'static str] {
        use Field::*;
        match self {
            Date => &[
                "date",
                "shipment date",
                "arrival date",
                "departure date",
                "declaration date",
                "ship date",
                "shipping date",
                "actual arrival date",
                "estimated arrival date",
                "дата",
                "日期",
            ],
            Shipper => &[
                "shipper",
                "exporter",
                "seller",
                "sender",
                "consignor",
                "supplier",
                "shipper name",
                "exporter name",
                "seller name",
                "отправитель",
                "экспортер",
                "发货人",
            ],
            Consignee => &[
                "consignee",
                "importer",
                "buyer",
                "receiver",
                "recipient",
                "consignee name",
                "importer name",
                "buyer name",
                "получатель",
                "импортер",
                "收货人",
            ],
            PartType => &[
                "part_type",
                "part type",
                "product type",
                "category",
                "goods category",
            ],
            Description => &[
                "description",
                "goods description",
                "product description",
                "part description",
                "item description",
                "cargo description",
                "commodity description",
                "commodity",
                "goods",
                "product",
                "описание",
                "описание товара",
                "наименование товара",
                "货物描述",
                "品名",
            ],
            HsCode => &[
                "hs_code",
                "hs code",
                "hs",
                "tariff code",
                "hts code",
                "hts",
                "commodity code",
                "customs code",
                "tn ved",
                "тн вэд",
                "код тн вэд",
                "海关编码",
            ],
            Quantity => &["quantity", "qty", "amount of goods", "количество", "数量"],
            Unit => &[
                "unit",
                "units",
                "quantity unit",
                "uom",
                "unit of measure",
                "ед изм",
                "单位",
            ],
            ValueUsd => &[
                "value_usd",
                "value usd",
                "value",
                "declared value",
                "usd value",
                "value in usd",
                "total value usd",
                "invoice value usd",
                "customs value usd",
                "customs value",
                "fob value usd",
                "стоимость usd",
                "стоимость",
                "金额 usd",
            ],
            SourceRef => &[
                "source_ref",
                "source ref",
                "source reference",
                "record id",
                "record",
                "bill of lading",
                "bol",
                "bill of lading number",
                "declaration number",
                "gtd",
                "gtd number",
                "customs declaration",
                "reference",
                "ref",
                "номер дт",
                "номер декларации",
                "报关单号",
            ],
            Source => &["source", "data source", "sources", "источник"],
            Key => &["key", "entity key", "external id", "id"],
            Name => &[
                "name",
                "entity",
                "entity name",
                "company",
                "company name",
                "legal name",
                "наименование",
            ],
            Kind => &["kind", "type", "entity type", "entity kind"],
            Country => &["country", "country code", "jurisdiction", "страна"],
            StateOwned => &[
                "state_owned",
                "state owned",
                "soe",
                "state owned enterprise",
            ],
            Identifiers => &["identifiers", "ids", "registry ids", "registration ids"],
            Aliases => &[
                "aliases",
                "alias",
                "other names",
                "also known as",
                "aka",
                "alt names",
            ],
            Parent => &[
                "parent",
                "owner",
                "shareholder",
                "parent company",
                "owner key",
            ],
            Child => &[
                "child",
                "owned",
                "subsidiary",
                "asset",
                "owned company",
                "child key",
            ],
            SharePct => &[
                "share_pct",
                "share pct",
                "share",
                "percentage",
                "share percent",
                "stake",
                "ownership pct",
            ],
            StartDate => &["start_date", "start date", "start", "from", "since"],
            EndDate => &["end_date", "end date", "end", "to", "until"],
            Entity => &[
                "entity",
                "name",
                "entity key",
                "listed entity",
                "company",
                "target",
            ],
            Authority => &[
                "authority",
                "list",
                "issuer",
                "sanctioning authority",
                "sanctions authority",
            ],
            Program => &["program", "programme", "regime", "program id"],
            ListedOn => &[
                "listed_on",
                "listed on",
                "listed",
                "listing date",
                "designated",
                "designation date",
                "date",
                "start date",
            ],
            DelistedOn => &[
                "delisted_on",
                "delisted on",
                "delisted",
                "removed",
                "delisting date",
                "end date",
            ],
            Reason => &["reason", "grounds", "remarks", "statement of reasons"],
        }
    }

    fn all() -> impl Iterator<Item = Field> {
        ImportKind::Shipments
            .fields()
            .iter()
            .chain(ImportKind::Entities.fields())
            .chain(ImportKind::Ownership.fields())
            .chain(ImportKind::Sanctions.fields())
            .map(|(f, _)| *f)
    }

    /// The field a `--map` argument names, by canonical name or synonym.
    pub fn parse(kind: ImportKind, text: &str) -> Option<Field> {
        let t = norm(text);
        kind.fields()
            .iter()
            .map(|(f, _)| *f)
            .find(|f| f.synonyms().iter().any(|s| norm(s) == t))
            .or_else(|| Field::all().find(|f| norm(f.name()) == t))
    }
}

/// Header text for comparison: lower case, words of letters and digits joined by one space.
fn norm(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Whose identifier a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdRole {
    /// The row's entity (entities files).
    Entity,
    Shipper,
    Consignee,
}

/// A column of registry numbers: whose, and of which scheme.
#[derive(Clone, Debug, PartialEq)]
pub struct IdColumn {
    pub column: usize,
    pub role: IdRole,
    pub scheme: Scheme,
}

/// How a header maps: the column of each field, the identifier columns, and the columns that
/// map to nothing (kept with their rows, named in the summary).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mapping {
    /// For each field (by discriminant), the column that holds it.
    pub columns: Vec<Option<usize>>,
    /// How each mapped column was found, by column: "synonym", "words", "--map".
    pub how: Vec<Option<&'static str>>,
    pub ids: Vec<IdColumn>,
    pub unmapped: Vec<usize>,
}

impl Mapping {
    /// The field a column holds, if any.
    pub fn field_of(&self, column: usize) -> Option<Field> {
        let index = self.columns.iter().position(|c| *c == Some(column))?;
        Field::all().find(|f| *f as usize == index)
    }
}

/// Words that can stand beside a field's words in a header without changing what it means:
/// "Declared Value (USD)", "Value of Goods (USD)", "Date of Arrival", "Shipper Name".
fn qualifiers(field: Field) -> &'static [&'static str] {
    use Field::*;
    match field {
        Date | ListedOn | DelistedOn | StartDate | EndDate => &[
            "arrival",
            "departure",
            "shipment",
            "shipping",
            "declaration",
            "import",
            "export",
            "registration",
            "дата",
        ],
        ValueUsd => &[
            "declared",
            "invoice",
            "customs",
            "fob",
            "cif",
            "total",
            "goods",
            "usd",
            "us",
            "dollars",
            "amount",
            "statistical",
        ],
        Shipper | Consignee | Name | Entity | Parent | Child => {
            &["name", "company", "legal", "full", "entity", "наименование"]
        }
        Description => &[
            "goods",
            "product",
            "item",
            "cargo",
            "commodity",
            "full",
            "detailed",
        ],
        Quantity | Unit => &["total", "goods", "items", "declared"],
        HsCode => &["code", "number", "no", "declared", "goods"],
        SourceRef => &["number", "no", "id", "record", "customs"],
        _ => &[],
    }
}

/// Words that never change a header's meaning.
const FILLER: &[&str] = &["of", "the", "in", "for", "a", "an", "by"];

/// Words that say whose an identifier column is, in a shipments file.
const SHIPPER_WORDS: &[&str] = &[
    "shipper",
    "exporter",
    "seller",
    "sender",
    "consignor",
    "supplier",
    "отправителя",
    "отправитель",
    "экспортера",
    "экспортер",
    "发货人",
];
const CONSIGNEE_WORDS: &[&str] = &[
    "consignee",
    "importer",
    "buyer",
    "receiver",
    "recipient",
    "получателя",
    "получатель",
    "импортера",
    "импортер",
    "收货人",
];

/// For each field, the column that holds it; the identifier columns; the columns that map to
/// nothing. A header matches a field by `--map`, then by a synonym, then by its words: a
/// synonym's words all in the header and the header's other words only qualifiers of that
/// field ("Declared Value (USD)" is `value_usd`); a header whose words fit two fields equally
/// maps to neither. Errors name the missing or unknown field.
#[allow(clippy::type_complexity)]
pub fn map_columns(
    kind: ImportKind,
    header: &[String],
    explicit: &[(String, String)],
) -> Result<Mapping, (Option<String>, String)> {
    let normed: Vec<String> = header.iter().map(|h| norm(h)).collect();
    let mut columns = vec![None; FIELD_COUNT];
    let mut how = vec![None; header.len()];
    let mut taken = vec![false; header.len()];
    let mut kept = vec![false; header.len()];
    for (field_text, header_text) in explicit {
        if field_text.trim() == "-" {
            // Kept as it is: no field takes this column.
            let wanted = norm(header_text);
            let col = normed.iter().position(|h| *h == wanted).ok_or_else(|| {
                (
                    None,
                    format!(
                        "--map -={header_text}: the header has no column {header_text:?} (it has {})",
                        header.join(", ")
                    ),
                )
            })?;
            taken[col] = true;
            kept[col] = true;
            continue;
        }
        let field = Field::parse(kind, field_text).ok_or_else(|| {
            let names: Vec<&str> = kind.fields().iter().map(|(f, _)| f.name()).collect();
            (
                Some(field_text.clone()),
                format!(
                    "--map names no {} field; the fields are {}",
                    kind.as_str(),
                    names.join(", ")
                ),
            )
        })?;
        let wanted = norm(header_text);
        let col = normed.iter().position(|h| *h == wanted).ok_or_else(|| {
            (
                Some(field.name().to_owned()),
                format!(
                    "--map {}={header_text}: the header has no column {header_text:?} (it has {})",
                    field.name(),
                    header.join(", ")
                ),
            )
        })?;
        columns[field as usize] = Some(col);
        taken[col] = true;
        how[col] = Some("--map");
    }
    for &(field, _) in kind.fields() {
        if columns[field as usize].is_some() {
            continue;
        }
        'synonyms: for synonym in field.synonyms() {
            let s = norm(synonym);
            for (col, h) in normed.iter().enumerate() {
                if !taken[col] && *h == s {
                    columns[field as usize] = Some(col);
                    taken[col] = true;
                    how[col] = Some("synonym");
                    break 'synonyms;
                }
            }
        }
    }
    // Registry numbers: "INN", "Consignee INN", "ИНН получателя", "Shipper Tax ID".
    let mut ids = Vec::new();
    if matches!(kind, ImportKind::Shipments | ImportKind::Entities) {
        for (col, h) in normed.iter().enumerate() {
            if taken[col] {
                continue;
            }
            let words: Vec<&str> = h.split(' ').collect();
            if words
                .iter()
                .any(|w| matches!(*w, "date" | "дата" | "address" | "адрес" | "country"))
            {
                continue;
            }
            let Some(scheme) = Scheme::from_label(&header[col]) else {
                continue;
            };
            let shipper = words.iter().any(|w| SHIPPER_WORDS.contains(w));
            let consignee = words.iter().any(|w| CONSIGNEE_WORDS.contains(w));
            let role = match (kind, shipper, consignee) {
                (ImportKind::Entities, false, false) => IdRole::Entity,
                (ImportKind::Shipments, true, false) => IdRole::Shipper,
                (ImportKind::Shipments, false, true) => IdRole::Consignee,
                // Whose number it is cannot be told: the column is kept, unmapped.
                _ => continue,
            };
            ids.push(IdColumn {
                column: col,
                role,
                scheme,
            });
            taken[col] = true;
            how[col] = Some("identifier");
        }
    }
    // By words, for what synonyms left.
    for (col, h) in normed.iter().enumerate() {
        if taken[col] || h.is_empty() {
            continue;
        }
        let words: Vec<&str> = h.split(' ').collect();
        let mut best: Option<(Field, usize)> = None;
        let mut tie = false;
        for &(field, _) in kind.fields() {
            if columns[field as usize].is_some() {
                continue;
            }
            let q = qualifiers(field);
            let fit = field
                .synonyms()
                .iter()
                .filter_map(|syn| {
                    let syn = norm(syn);
                    let sw: Vec<&str> = syn.split(' ').collect();
                    let all_in = sw.iter().all(|w| words.contains(w));
                    let rest_ok = words
                        .iter()
                        .all(|w| sw.contains(w) || q.contains(w) || FILLER.contains(w));
                    (all_in && rest_ok).then_some(sw.len())
                })
                .max();
            if let Some(n) = fit {
                match best {
                    Some((_, m)) if m > n => {}
                    Some((_, m)) if m == n => tie = true,
                    _ => {
                        best = Some((field, n));
                        tie = false;
                    }
                }
            }
        }
        if let (Some((field, _)), false) = (best, tie) {
            columns[field as usize] = Some(col);
            taken[col] = true;
            how[col] = Some("words");
        }
    }
    for &(field, required) in kind.fields() {
        if required && columns[field as usize].is_none() {
            return Err((
                Some(field.name().to_owned()),
                format!(
                    "missing column: no header means {} (accepted: {}; or pass --map {}=HEADER); the header is: {}",
                    field.name(),
                    field.synonyms().join(", "),
                    field.name(),
                    header.join(", ")
                ),
            ));
        }
    }
    let unmapped = (0..header.len())
        .filter(|&c| !taken[c] || kept[c])
        .collect();
    Ok(Mapping {
        columns,
        how,
        ids,
        unmapped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn vendor_synonyms_map_to_fields() {
        let header = h(&[
            "Arrival Date",
            "EXPORTER",
            "Buyer",
            "Tariff Code",
            "Value (USD)",
            "Bill of Lading",
        ]);
        let cols = map_columns(ImportKind::Shipments, &header, &[])
            .unwrap()
            .columns;
        assert_eq!(cols[Field::Date as usize], Some(0));
        assert_eq!(cols[Field::Shipper as usize], Some(1));
        assert_eq!(cols[Field::Consignee as usize], Some(2));
        assert_eq!(cols[Field::HsCode as usize], Some(3));
        assert_eq!(cols[Field::ValueUsd as usize], Some(4));
        assert_eq!(cols[Field::SourceRef as usize], Some(5));
        assert_eq!(cols[Field::Description as usize], None);
    }

    #[test]
    fn explicit_map_wins_and_missing_columns_are_named() {
        let header = h(&["when", "from", "to"]);
        let err = map_columns(ImportKind::Shipments, &header, &[]).unwrap_err();
        assert_eq!(err.0.as_deref(), Some("date"));
        let map = vec![
            ("date".to_string(), "When".to_string()),
            ("shipper".to_string(), "from".to_string()),
            ("consignee".to_string(), "TO".to_string()),
        ];
        let cols = map_columns(ImportKind::Shipments, &header, &map)
            .unwrap()
            .columns;
        assert_eq!(cols[Field::Consignee as usize], Some(2));
        let bad = vec![("colour".to_string(), "from".to_string())];
        assert!(
            map_columns(ImportKind::Shipments, &header, &bad)
                .unwrap_err()
                .1
                .contains("no shipments field")
        );
    }

    #[test]
    fn a_column_is_used_once() {
        // "date" is both the shipment date and a synonym elsewhere; the first field takes it.
        let header = h(&["entity", "authority", "date", "end date"]);
        let cols = map_columns(ImportKind::Sanctions, &header, &[])
            .unwrap()
            .columns;
        assert_eq!(cols[Field::ListedOn as usize], Some(2));
        assert_eq!(cols[Field::DelistedOn as usize], Some(3));
    }

    #[test]
    fn headers_match_by_their_words_and_the_rest_is_named() {
        let header = h(&[
            "Shipment Date",
            "Shipper Name",
            "Consignee",
            "Declared Value (USD)",
            "Value of Goods (USD)",
            "Consignee Address",
            "Shipper Tax ID",
            "ИНН получателя",
            "Port of Loading",
        ]);
        let m = map_columns(ImportKind::Shipments, &header, &[]).unwrap();
        assert_eq!(m.columns[Field::Date as usize], Some(0));
        assert_eq!(m.columns[Field::Shipper as usize], Some(1));
        assert_eq!(m.columns[Field::ValueUsd as usize], Some(3));
        // The second value column has nowhere to go: kept, not dropped, not swapped in.
        assert!(m.unmapped.contains(&4));
        assert!(m.unmapped.contains(&5), "an address is not the consignee");
        assert!(m.unmapped.contains(&8));
        assert_eq!(
            m.ids,
            vec![
                IdColumn {
                    column: 6,
                    role: IdRole::Shipper,
                    scheme: Scheme::Tax
                },
                IdColumn {
                    column: 7,
                    role: IdRole::Consignee,
                    scheme: Scheme::Inn
                },
            ]
        );
        let m = map_columns(
            ImportKind::Shipments,
            &h(&["date", "shipper", "consignee", "Value of Goods (USD)"]),
            &[],
        )
        .unwrap();
        assert_eq!(m.columns[Field::ValueUsd as usize], Some(3));
        let m = map_columns(
            ImportKind::Entities,
            &h(&["name", "INN", "OGRN", "Registration date"]),
            &[],
        )
        .unwrap();
        assert_eq!(m.ids.len(), 2);
        assert_eq!(m.unmapped, vec![3]);
    }
}
