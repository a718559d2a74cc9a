//! Two processes, one database file: the write lock an import takes, and noticing what
//! other processes wrote.
//!
//! SQLite lets one connection write at a time. An import takes the write lock *before* it
//! reads a row (`BEGIN IMMEDIATE`), so a second import never fails half-way with "database is
//! locked" on a row that is fine: it waits at the start, telling whoever listens
//! ([`Store::set_wait_notice`]; the command line prints it) that another process is
//! writing, and how long it has waited, then imports; after [`MAX_WRITE_WAIT`] it gives up
//! with [`StoreError::Busy`], which says so. Once it holds the lock it waits up to
//! [`COMMIT_WAIT`] for readers to let it commit (only databases not in WAL mode need that).
//!
//! A window notices other processes' commits with [`Store::changed_elsewhere`], which reads
//! SQLite's `PRAGMA data_version` (it changes when *another* connection commits).
//!
//! On a team database (PostgreSQL) the write lock is a transaction-scoped advisory lock
//! ([`super::team::WRITE_LOCK`]), waited for the same way with the same notices; a writer
//! holds it until it commits or rolls back, and a client that dies lets it go with its
//! connection. Every writing commit there bumps a counter in `lading_meta`, which
//! [`Store::changed_elsewhere`] reads in place of `data_version`.

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

use rusqlite::ErrorCode;

use super::db::{Conn, Tx, params};
use super::{Store, StoreError};

/// The longest an import waits for another process to finish writing.
pub const MAX_WRITE_WAIT: Duration = Duration::from_secs(30 * 60);

/// How long a writer that holds the lock waits for readers when it commits.
pub const COMMIT_WAIT: Duration = Duration::from_secs(60);

/// How long ordinary statements wait for a lock (set when a connection opens).
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Between two "still waiting" notices.
const NOTICE_EVERY: Duration = Duration::from_secs(5);

/// What an import waiting for the write lock reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waiting {
    /// Another process holds the write lock; the import waits.
    Started,
    /// Still waiting, for this long (about every five seconds).
    Still(Duration),
    /// The lock is ours, after this long.
    Done(Duration),
}

/// Whoever listens to an import's waiting.
pub type WaitNotice = Box<dyn FnMut(Waiting) + Send>;

/// The per-connection state this module keeps in a [`Store`].
#[derive(Default)]
pub(super) struct Sharing {
    notice: RefCell<Option<WaitNotice>>,
    /// `PRAGMA data_version` when last looked at.
    seen_version: Cell<Option<i64>>,
}

/// Whether an error is SQLite's "busy" or "locked": another connection holds a lock.
pub fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

impl Store {
    /// Called while an import waits for another process's write to end.
    pub fn set_wait_notice(&self, notice: impl FnMut(Waiting) + Send + 'static) {
        *self.sharing.notice.borrow_mut() = Some(Box::new(notice));
    }

    fn notify(&self, waiting: Waiting) {
        if let Some(notice) = self.sharing.notice.borrow_mut().as_mut() {
            notice(waiting);
        }
    }

    /// Begins a write transaction holding the write lock (`BEGIN IMMEDIATE`), waiting for
    /// another process's write to end first (see the module documentation).
    pub(crate) fn begin_write(&self) -> Result<Tx<'_>, StoreError> {
        match &self.conn {
            Conn::Sqlite(c) => self.begin_write_sqlite(c),
            Conn::Postgres(c) => {
                let tx = self.conn.begin(true).map_err(|e| self.err(e))?;
                c.mark_writing();
                self.wait_for(|| {
                    tx.query_row(
                        "SELECT pg_try_advisory_xact_lock(?1)",
                        params![super::team::WRITE_LOCK],
                        |r| r.get::<bool>(0),
                    )
                    .map_err(|e| self.err(e))
                    .map(|got| got.then_some(()))
                })?;
                Ok(tx)
            }
        }
    }

    /// Tries `attempt` until it gives `Some`, sending the waiting notices; gives up after
    /// [`MAX_WRITE_WAIT`].
    fn wait_for<T>(
        &self,
        mut attempt: impl FnMut() -> Result<Option<T>, StoreError>,
    ) -> Result<T, StoreError> {
        let started = Instant::now();
        let mut waiting = false;
        let mut next_notice = NOTICE_EVERY;
        loop {
            if let Some(done) = attempt()? {
                if waiting {
                    self.notify(Waiting::Done(started.elapsed()));
                }
                return Ok(done);
            }
            let waited = started.elapsed();
            if waited >= MAX_WRITE_WAIT {
                return Err(StoreError::Busy {
                    path: self.path.clone(),
                    waited_secs: waited.as_secs(),
                });
            }
            if !waiting {
                waiting = true;
                self.notify(Waiting::Started);
            } else if waited >= next_notice {
                next_notice = waited + NOTICE_EVERY;
                self.notify(Waiting::Still(waited));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn begin_write_sqlite(&self, conn: &rusqlite::Connection) -> Result<Tx<'_>, StoreError> {
        // The first try does not wait, so the notice comes at once; later tries wait in
        // SQLite's busy handler, which sleeps and retries for up to a second.
        let _ = conn.busy_timeout(Duration::ZERO);
        let result = self.wait_for(|| match self.conn.begin(true) {
            Ok(tx) => Ok(Some(tx)),
            Err(e) if e.is_busy() => {
                let _ = conn.busy_timeout(Duration::from_secs(1));
                Ok(None)
            }
            Err(e) => Err(self.err(e)),
        });
        let timeout = if result.is_ok() {
            COMMIT_WAIT
        } else {
            BUSY_TIMEOUT
        };
        let _ = conn.busy_timeout(timeout);
        result
    }

    /// SQLite's `PRAGMA data_version`: it changes when another connection commits.
    /// On a team database, the counter every writing commit bumps.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        match &self.conn {
            Conn::Sqlite(c) => c
                .pragma_query_value(None, "data_version", |r| r.get(0))
                .map_err(|e| self.err(e)),
            Conn::Postgres(c) => c.data_version().map_err(|e| self.err(e)),
        }
    }

    /// Whether another connection (another process, or an import on another thread) has
    /// committed to the database since the last call; the first call only looks. Cheap: a
    /// window calls it every second.
    pub fn changed_elsewhere(&self) -> Result<bool, StoreError> {
        if let Conn::Postgres(c) = &self.conn {
            return c.changed_elsewhere().map_err(|e| self.err(e));
        }
        let now = self.data_version()?;
        let before = self.sharing.seen_version.replace(Some(now));
        Ok(before.is_some_and(|b| b != now))
    }
}
