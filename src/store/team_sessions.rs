//! Sessions kept in a team database (File → Save to team database), so a team opens each
//! other's annotated views without mailing files around. A session is stored as the same
//! JSON a session file holds (`crate::session`), with a title, and who saved it and when
//! (filled in by the server). Only team databases keep sessions: on a SQLite file, sessions
//! are files beside it.

use super::db::{Conn, params};
use super::{Store, StoreError};

/// One saved session, as listed.
#[derive(Clone, Debug, PartialEq)]
pub struct TeamSession {
    pub id: i64,
    pub title: String,
    /// The database role that saved it.
    pub author: String,
    /// When, as `YYYY-MM-DD HH:MM` UTC.
    pub saved_at: String,
}

impl Store {
    /// Whether this database keeps sessions (a team database does).
    pub fn keeps_sessions(&self) -> bool {
        matches!(self.conn, Conn::Postgres(_))
    }

    fn sessions_here(&self) -> Result<(), StoreError> {
        if self.keeps_sessions() {
            Ok(())
        } else {
            Err(StoreError::Unsupported(format!(
                "{}: sessions are kept in team databases only; save this one as a file",
                self.path.display()
            )))
        }
    }

    /// Saves a session's JSON under `title`; returns its id.
    pub fn save_team_session(&self, title: &str, body: &str) -> Result<i64, StoreError> {
        self.sessions_here()?;
        self.require(
            "save sessions to this database",
            &[("team_session", "INSERT")],
        )?;
        let title = title.trim();
        let title = if title.is_empty() { "Untitled" } else { title };
        self.conn
            .execute(
                "INSERT INTO team_session (title, body) VALUES (?1, ?2)",
                params![title, body],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The saved sessions, newest first.
    pub fn team_sessions(&self) -> Result<Vec<TeamSession>, StoreError> {
        self.sessions_here()?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, title, made_by, to_char(made_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
                 FROM team_session ORDER BY made_at DESC, id DESC",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map(params![], |r| {
            Ok(TeamSession {
                id: r.get(0)?,
                title: r.get(1)?,
                author: r.get(2)?,
                saved_at: r.get(3)?,
            })
        })
        .map_err(|e| self.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| self.err(e))
    }

    /// The JSON of saved session `id`.
    pub fn team_session(&self, id: i64) -> Result<String, StoreError> {
        self.sessions_here()?;
        self.conn
            .query_row(
                "SELECT body FROM team_session WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }
}
