//! The filter flags shared by `stats`, `screen`, `render` and `export`.

use std::collections::BTreeSet;

use anyhow::{Context, bail};

use crate::date::{Day, parse_flexible};
use crate::filter::{Filter, Focus, SanctionStatus};
use crate::model::EntityKind;
use crate::provenance::Provenance;
use crate::rollup::GroupBy;

#[derive(clap::Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// First day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day, included (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only these part types (repeat or separate with commas): --part Mi-171Sh
    #[arg(long = "part", value_name = "PART", value_delimiter = ',')]
    pub parts: Vec<String>,
    /// Only shipments with a sanctioned party (as of --as-of, else the end of the range).
    #[arg(long, conflicts_with = "unsanctioned")]
    pub sanctioned: bool,
    /// Only shipments where neither party is sanctioned.
    #[arg(long)]
    pub unsanctioned: bool,
    /// Count only these authorities' listings (repeat or comma-separate): OFAC, EU, UK, …
    #[arg(long = "authority", value_name = "AUTHORITY", value_delimiter = ',')]
    pub authorities: Vec<String>,
    /// The day sanction status is asked for.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Only these entity kinds: state_owner, subsidiary, plant, company.
    #[arg(long = "kind", value_name = "KIND", value_delimiter = ',')]
    pub kinds: Vec<String>,
    /// Only entities of these countries (ISO codes).
    #[arg(long = "country", value_name = "CC", value_delimiter = ',')]
    pub countries: Vec<String>,
    /// Hide ownership links (and the owners they bring in).
    #[arg(long)]
    pub no_ownership: bool,
    /// Hide trade links with fewer shipments.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_shipments: u32,
    /// Show only the neighbourhood of this entity (key, name or alias).
    #[arg(long, value_name = "ENTITY")]
    pub focus: Option<String>,
    /// Hops around --focus.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub depth: u32,
    /// Only records of this provenance (repeatable): sourced, synthetic, or a source (the
    /// records whose source starts with it, case ignored: an imported file's name, an FtM
    /// dataset). Default: all.
    #[arg(long = "provenance", value_name = "sourced|synthetic|SOURCE")]
    pub provenance: Vec<String>,
    /// Roll entities up into groups: parent (the highest owner below the state) or
    /// state-owner (the ultimate owner).
    #[arg(long, value_name = "parent|state-owner")]
    pub group_by: Option<String>,
}

fn day(flag: &str, text: &Option<String>) -> anyhow::Result<Option<Day>> {
    text.as_deref()
        .map(|t| parse_flexible(t, None).with_context(|| format!("--{flag} {t:?}")))
        .transpose()
}

impl FilterArgs {
    /// Whether no filter flag was given.
    pub fn is_empty(&self) -> bool {
        self.from.is_none()
            && self.to.is_none()
            && self.parts.is_empty()
            && !self.sanctioned
            && !self.unsanctioned
            && self.authorities.is_empty()
            && self.as_of.is_none()
            && self.kinds.is_empty()
            && self.countries.is_empty()
            && !self.no_ownership
            && self.min_shipments == 1
            && self.focus.is_none()
            && self.depth == 1
            && self.provenance.is_empty()
            && self.group_by.is_none()
    }

    pub fn to_filter(&self) -> anyhow::Result<Filter> {
        let from = day("from", &self.from)?;
        let to = day("to", &self.to)?;
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            bail!("--to {t} is before --from {f}");
        }
        let kinds = if self.kinds.is_empty() {
            None
        } else {
            let mut set = BTreeSet::new();
            for k in &self.kinds {
                set.insert(EntityKind::parse(k).with_context(|| {
                    format!("--kind {k:?}: not one of state_owner, subsidiary, plant, company")
                })?);
            }
            Some(set)
        };
        let nonempty = |v: &Vec<String>| -> Option<BTreeSet<String>> {
            (!v.is_empty()).then(|| v.iter().map(|s| s.trim().to_owned()).collect())
        };
        Ok(Filter {
            from,
            to,
            part_types: nonempty(&self.parts),
            sanction_status: if self.sanctioned {
                SanctionStatus::Sanctioned
            } else if self.unsanctioned {
                SanctionStatus::Unsanctioned
            } else {
                SanctionStatus::Any
            },
            authorities: self
                .authorities
                .iter()
                .map(|a| a.trim().to_owned())
                .collect(),
            as_of: day("as-of", &self.as_of)?,
            kinds,
            countries: (!self.countries.is_empty()).then(|| {
                self.countries
                    .iter()
                    .map(|c| c.trim().to_ascii_uppercase())
                    .collect()
            }),
            show_ownership: !self.no_ownership,
            min_shipments: self.min_shipments,
            focus: self.focus.as_ref().map(|key| Focus {
                key: key.clone(),
                depth: self.depth,
            }),
            provenance: (!self.provenance.is_empty()).then(|| {
                self.provenance
                    .iter()
                    .map(|t| crate::provenance::Provenance::parse(t).as_term().to_owned())
                    .collect()
            }),
            group_by: self
                .group_by
                .as_deref()
                .map(|g| {
                    GroupBy::parse(g)
                        .with_context(|| format!("--group-by {g:?}: say parent or state-owner"))
                })
                .transpose()?,
            open_groups: BTreeSet::new(),
        })
    }
}

/// Opens the database, indexes it and checks the filter's names against it: how every
/// command that takes filter flags starts.
pub fn open_indexed(
    db: Option<&std::path::Path>,
    filter: &Filter,
) -> anyhow::Result<(crate::store::Store, crate::index::ShipmentIndex)> {
    let store = super::open_store(db)?;
    let index = crate::index::ShipmentIndex::build(store.load_dataset()?);
    check_names(filter, &index)?;
    Ok((store, index))
}

/// Checks names in a filter against the index, so a typo is an error, not an empty picture.
fn check_names(filter: &Filter, index: &crate::index::ShipmentIndex) -> anyhow::Result<()> {
    if let Some(parts) = &filter.part_types {
        for p in parts {
            if !index.part_types().contains(p) {
                bail!(
                    "--part {p:?}: no such part type; the database has: {}",
                    index.part_types().join(", ")
                );
            }
        }
    }
    for a in &filter.authorities {
        if !index.authorities().contains(a) {
            bail!(
                "--authority {a:?}: no listing by that authority; the database has: {}",
                index.authorities().join(", ")
            );
        }
    }
    for term in filter.provenance.iter().flatten() {
        if let Provenance::Source(prefix) = Provenance::parse(term) {
            let sources = index.shipment_sources();
            let known = |s: &str| Provenance::Source(prefix.clone()).matches(s);
            if !sources.iter().any(|(s, _)| known(s))
                && !index.source_names.iter().any(|s| known(s))
            {
                let listed: Vec<String> = sources
                    .iter()
                    .take(8)
                    .map(|(s, n)| format!("{:?} ({n})", crate::provenance::short_source(s, 48)))
                    .collect();
                bail!(
                    "--provenance {prefix:?}: no record's source starts with that; say sourced, \
                     synthetic, or a source. The shipments' sources (most first): {}{}",
                    listed.join(", "),
                    if sources.len() > listed.len() {
                        ", …"
                    } else {
                        ""
                    }
                );
            }
        }
    }
    if let Some(focus) = &filter.focus
        && index.find(&focus.key).is_none()
    {
        bail!(
            "--focus {:?}: no entity with that key, name or alias",
            focus.key
        );
    }
    Ok(())
}
