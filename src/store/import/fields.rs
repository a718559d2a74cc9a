//! The fields each import kind reads, and the header names that mean them.
//!
//! Customs-data vendors name the same column many ways; a header is matched, ignoring case,
//! spacing and punctuation, against each field's synonyms, earliest synonym first.

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

/// For each field (by discriminant), the column that holds it. Errors name the missing or
/// unknown field.
#[allow(clippy::type_complexity)]
pub fn map_columns(
    kind: ImportKind,
    header: &[String],
    explicit: &[(String, String)],
) -> Result<Vec<Option<usize>>, (Option<String>, String)> {
    let normed: Vec<String> = header.iter().map(|h| norm(h)).collect();
    let mut columns = vec![None; FIELD_COUNT];
    let mut taken = vec![false; header.len()];
    for (field_text, header_text) in explicit {
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
                    break 'synonyms;
                }
            }
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
    Ok(columns)
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
        let cols = map_columns(ImportKind::Shipments, &header, &[]).unwrap();
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
        let cols = map_columns(ImportKind::Shipments, &header, &map).unwrap();
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
        let cols = map_columns(ImportKind::Sanctions, &header, &[]).unwrap();
        assert_eq!(cols[Field::ListedOn as usize], Some(2));
        assert_eq!(cols[Field::DelistedOn as usize], Some(3));
    }
}
