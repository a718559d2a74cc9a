//! The database schema and its migrations.
//!
//! A Lading database is marked by `PRAGMA application_id` and versioned by
//! `PRAGMA user_version`. Each migration runs in one transaction, so a database is always at
//! one whole version. The list of objects Lading creates is known, so a database that holds
//! anything else (a trigger or view someone added) can be refused before it is used.

/// "LDNG": marks a SQLite file as a Lading database.
pub const APPLICATION_ID: i32 = 0x4C44_4E47;

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i32 = 3;

/// Migrations, index `i` takes the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3];

/// The shipment indexes. The filter reads shipments by one scan in rowid order and panels
/// fetch records by rowid, so the only index is the deduplication key: a small integer
/// index that stays cheap to update row by row.
pub const SHIPMENT_INDEXES: &str = "CREATE INDEX shipment_ref_key ON shipment(ref_key);";

const V1: &str = r#"
CREATE TABLE entity (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL CHECK (length(name) > 0),
    kind        TEXT NOT NULL CHECK (kind IN ('state_owner', 'subsidiary', 'plant', 'company')),
    country     TEXT NOT NULL DEFAULT '' CHECK (country = '' OR length(country) = 2),
    state_owned INTEGER NOT NULL DEFAULT 0 CHECK (state_owned IN (0, 1)),
    source      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE alias (
    entity_id INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    PRIMARY KEY (entity_id, name)
);

CREATE TABLE ownership (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER NOT NULL REFERENCES entity(id),
    child_id   INTEGER NOT NULL REFERENCES entity(id),
    share_pct  REAL CHECK (share_pct IS NULL OR (share_pct >= 0 AND share_pct <= 100)),
    start_date TEXT,
    end_date   TEXT,
    source     TEXT NOT NULL DEFAULT '',
    CHECK (parent_id <> child_id),
    UNIQUE (parent_id, child_id)
);
CREATE INDEX ownership_child ON ownership(child_id);

CREATE TABLE shipment (
    id           INTEGER PRIMARY KEY,
    date         TEXT NOT NULL,
    shipper_id   INTEGER NOT NULL REFERENCES entity(id),
    consignee_id INTEGER NOT NULL REFERENCES entity(id),
    part_type    TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    hs_code      TEXT NOT NULL DEFAULT '',
    quantity     REAL,
    unit         TEXT NOT NULL DEFAULT '',
    value_usd    REAL CHECK (value_usd IS NULL OR value_usd >= 0),
    source_ref   TEXT NOT NULL,
    source       TEXT NOT NULL,
    -- 64-bit FNV-1a of source, 0x1f, source_ref: the deduplication key. A match is confirmed
    -- on the strings themselves, so a hash collision never drops a record.
    ref_key      INTEGER NOT NULL,
    CHECK (shipper_id <> consignee_id)
);

CREATE TABLE sanction (
    id          INTEGER PRIMARY KEY,
    entity_id   INTEGER NOT NULL REFERENCES entity(id),
    authority   TEXT NOT NULL CHECK (length(authority) > 0),
    program     TEXT NOT NULL DEFAULT '',
    listed_on   TEXT NOT NULL,
    delisted_on TEXT,
    reason      TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT '',
    UNIQUE (entity_id, authority, program, listed_on)
);
CREATE INDEX sanction_entity ON sanction(entity_id);
"#;

/// Version 2: what a FollowTheMoney import needs to match entities again. `entity_ftm` maps
/// FtM entity ids (and OpenSanctions referents) to entities; `identifier` holds registry
/// numbers by scheme (`innCode`, `ogrnCode`, `leiCode`, …), normalised (no spaces, upper
/// case). The same identifier on two entities is allowed: source data has such errors.
const V2: &str = r#"
CREATE TABLE entity_ftm (
    ftm_id    TEXT PRIMARY KEY CHECK (length(ftm_id) > 0),
    entity_id INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX entity_ftm_entity ON entity_ftm(entity_id);

CREATE TABLE identifier (
    scheme    TEXT NOT NULL CHECK (length(scheme) > 0),
    value     TEXT NOT NULL CHECK (length(value) > 0),
    entity_id INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
    PRIMARY KEY (scheme, value, entity_id)
) WITHOUT ROWID;
CREATE INDEX identifier_entity ON identifier(entity_id);
"#;

/// Version 3: identity. An entity merged into another keeps its row (so its key, names and
/// the rows that name it survive, and an unmerge is exact) and points at the entity it became
/// through `merged_into`; readers follow that pointer (see `load.rs`). `judgement` records
/// every merge, unmerge and "not the same" with who, when and why; `review` holds the pairs an
/// import was unsure of. Aliases and identifiers say where they came from and why (a spelling
/// an import matched). `extra` keeps, as a JSON object, the columns of a row that no field
/// took, so nothing in a file is dropped.
const V3: &str = r#"
ALTER TABLE entity ADD COLUMN merged_into INTEGER REFERENCES entity(id);
ALTER TABLE entity ADD COLUMN extra TEXT NOT NULL DEFAULT '';
CREATE INDEX entity_merged ON entity(merged_into) WHERE merged_into IS NOT NULL;
ALTER TABLE alias ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE alias ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE identifier ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE shipment ADD COLUMN extra TEXT NOT NULL DEFAULT '';
ALTER TABLE ownership ADD COLUMN extra TEXT NOT NULL DEFAULT '';
ALTER TABLE sanction ADD COLUMN extra TEXT NOT NULL DEFAULT '';

-- Identifier schemes by Lading's labels (the FtM import stored property names before).
UPDATE identifier SET scheme = 'INN' WHERE scheme = 'innCode';
UPDATE identifier SET scheme = 'OGRN' WHERE scheme = 'ogrnCode';
UPDATE identifier SET scheme = 'LEI' WHERE scheme = 'leiCode';
UPDATE identifier SET scheme = 'OKPO' WHERE scheme = 'okpoCode';
UPDATE identifier SET scheme = 'IMO' WHERE scheme = 'imoNumber';
UPDATE identifier SET scheme = 'REG' WHERE scheme = 'registrationNumber';
UPDATE identifier SET scheme = 'TAX' WHERE scheme IN ('taxNumber', 'vatCode');

CREATE TABLE judgement (
    id      INTEGER PRIMARY KEY,
    verdict TEXT NOT NULL CHECK (verdict IN ('merge', 'unmerge', 'not_same')),
    -- merge: a is kept, b merged into it; unmerge: b split from a; not_same: either order.
    a_key   TEXT NOT NULL,
    b_key   TEXT NOT NULL,
    score   REAL,
    reasons TEXT NOT NULL DEFAULT '',
    why     TEXT NOT NULL DEFAULT '',
    who     TEXT NOT NULL DEFAULT '',
    at      TEXT NOT NULL
);
CREATE INDEX judgement_b ON judgement(b_key);

CREATE TABLE review (
    a_id    INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
    b_id    INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
    score   REAL NOT NULL,
    reasons TEXT NOT NULL DEFAULT '',
    source  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (a_id, b_id),
    CHECK (a_id < b_id)
) WITHOUT ROWID;
"#;

/// Columns added after version 1 to existing tables: they count in the content fingerprint only
/// when they hold something, so migrating a database does not change its fingerprint.
pub const LATER_COLUMNS: &[(&str, &str)] = &[
    ("entity", "merged_into"),
    ("entity", "extra"),
    ("alias", "source"),
    ("alias", "reason"),
    ("identifier", "source"),
    ("shipment", "extra"),
    ("ownership", "extra"),
    ("sanction", "extra"),
];

/// Every table and index Lading creates, by the latest schema. Anything else in
/// `sqlite_master` (other tables, views, triggers) makes the database foreign.
pub const KNOWN_OBJECTS: &[(&str, &str)] = &[
    ("table", "entity"),
    ("table", "alias"),
    ("table", "ownership"),
    ("table", "shipment"),
    ("table", "sanction"),
    ("index", "ownership_child"),
    ("index", "shipment_ref_key"),
    ("index", "sanction_entity"),
    ("table", "entity_ftm"),
    ("index", "entity_ftm_entity"),
    ("table", "identifier"),
    ("index", "identifier_entity"),
    ("index", "entity_merged"),
    ("table", "judgement"),
    ("index", "judgement_b"),
    ("table", "review"),
];
