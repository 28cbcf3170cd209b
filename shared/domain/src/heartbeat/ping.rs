//! The ping protocol, compatible with Healthchecks: what a ping URL says, and how a ping's
//! body is kept.
//!
//! `/ping/<uuid>[/start|/fail|/log|/<exit-status>]` and
//! `/ping/<ping-key>/<slug>[/start|/fail|/log|/<exit-status>]`, with an optional `rid` (run id)
//! query parameter pairing the start and the finish of one run.

use super::names::{PingKey, PingToken, Slug};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// What a ping signals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PingKind {
    /// The job succeeded (or a long-running process is alive).
    Success,
    /// The job started.
    Start,
    /// The job failed.
    Fail,
    /// Output to keep, without a verdict.
    Log,
    /// The job exited with this status: 0 is success, anything else failure.
    Exit(u8),
}

impl PingKind {
    /// Whether the ping ends a run, and how: `Some(Ok(exit))` for a success, `Some(Err(exit))`
    /// for a failure, `None` for a start or a log.
    pub fn verdict(self) -> Option<Result<Option<u8>, Option<u8>>> {
        match self {
            PingKind::Success => Some(Ok(None)),
            PingKind::Exit(0) => Some(Ok(Some(0))),
            PingKind::Fail => Some(Err(None)),
            PingKind::Exit(code) => Some(Err(Some(code))),
            PingKind::Start | PingKind::Log => None,
        }
    }

    /// The storage name (`exit` for exit statuses, whose code is kept beside it).
    pub fn as_str(self) -> &'static str {
        match self {
            PingKind::Success => "success",
            PingKind::Start => "start",
            PingKind::Fail => "fail",
            PingKind::Log => "log",
            PingKind::Exit(_) => "exit",
        }
    }

    /// Parses the storage name and exit status.
    pub fn parse(name: &str, exit_status: Option<u8>) -> Option<Self> {
        Some(match (name, exit_status) {
            ("success", _) => PingKind::Success,
            ("start", _) => PingKind::Start,
            ("fail", _) => PingKind::Fail,
            ("log", _) => PingKind::Log,
            ("exit", Some(code)) => PingKind::Exit(code),
            _ => return None,
        })
    }

    /// The exit status, for exit-status pings.
    pub fn exit_status(self) -> Option<u8> {
        if let PingKind::Exit(code) = self { Some(code) } else { None }
    }
}

/// Which task a ping is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PingTarget {
    /// `/ping/<uuid>`.
    Token(PingToken),
    /// `/ping/<ping-key>/<slug>`.
    Slug {
        /// The tenant's ping key.
        key: PingKey,
        /// The task's slug.
        slug: Slug,
    },
}

/// A parsed ping path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PingPath {
    /// The task.
    pub target: PingTarget,
    /// The signal.
    pub kind: PingKind,
}

/// Why a ping URL was refused. The messages are Healthchecks' own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PingUrlError {
    /// The path is not a ping path.
    #[error("invalid url format")]
    Path,
    /// `rid` is not a UUID.
    #[error("invalid uuid format")]
    RunId,
}

fn action(segment: &str) -> Option<PingKind> {
    Some(match segment {
        "start" => PingKind::Start,
        "fail" => PingKind::Fail,
        "log" => PingKind::Log,
        digits if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            // 0-255 only; leading zeros are allowed, as Healthchecks' integer converter allows them.
            let trimmed = digits.trim_start_matches('0');
            if trimmed.len() > 3 {
                return None;
            }
            PingKind::Exit(u8::try_from(trimmed.parse::<u32>().unwrap_or(0)).ok()?)
        }
        _ => return None,
    })
}

/// A UUID in its canonical hyphenated form (any case).
fn canonical_uuid(text: &str) -> Option<Uuid> {
    if text.len() != 36 {
        return None;
    }
    Uuid::try_parse(text).ok()
}

impl PingPath {
    /// Parses the part of a ping URL after `/ping/`. One trailing slash is allowed.
    pub fn parse(rest: &str) -> Result<Self, PingUrlError> {
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let segments: Vec<&str> = rest.split('/').collect();
        let first = segments.first().copied().unwrap_or_default();
        if let Some(uuid) = canonical_uuid(first) {
            let kind = match segments.len() {
                1 => PingKind::Success,
                2 => action(segments[1]).ok_or(PingUrlError::Path)?,
                _ => return Err(PingUrlError::Path),
            };
            return Ok(Self { target: PingTarget::Token(PingToken::from_uuid(uuid)), kind });
        }
        let (key, slug, kind) = match segments.as_slice() {
            [key, slug] => (key, slug, PingKind::Success),
            [key, slug, act] => (key, slug, action(act).ok_or(PingUrlError::Path)?),
            _ => return Err(PingUrlError::Path),
        };
        let key = key.parse().map_err(|_| PingUrlError::Path)?;
        let slug = slug.parse().map_err(|_| PingUrlError::Path)?;
        Ok(Self { target: PingTarget::Slug { key, slug }, kind })
    }
}

/// Reads the `rid` parameter from a raw query string, if present.
pub fn run_id_from_query(query: Option<&str>) -> Result<Option<Uuid>, PingUrlError> {
    let Some(query) = query else { return Ok(None) };
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name == "rid" {
            return canonical_uuid(value).map(Some).ok_or(PingUrlError::RunId);
        }
    }
    Ok(None)
}

/// A ping's body as kept: at most the cap, with a note when more was sent.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PingBody {
    /// The kept bytes, ending with the truncation note if the body was cut.
    pub bytes: Vec<u8>,
    /// How many bytes the client sent.
    pub received: u64,
    /// Whether the body was cut at the cap.
    pub truncated: bool,
}

impl fmt::Debug for PingBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PingBody({} of {} bytes)", self.bytes.len(), self.received)
    }
}

impl PingBody {
    /// The body kept from `prefix` (the first bytes received, at least `cap` of them when
    /// more came) out of `received` bytes sent.
    pub fn capped(mut prefix: Vec<u8>, received: u64, cap: usize) -> Self {
        if received as usize <= cap && prefix.len() <= cap {
            return Self { bytes: prefix, received, truncated: false };
        }
        prefix.truncate(cap);
        let note = format!("\n[vigil: truncated, {received} bytes received, the first {cap} kept]\n");
        prefix.extend_from_slice(note.as_bytes());
        Self { bytes: prefix, received, truncated: true }
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The end of the body as text, at most `most` bytes of it, starting at a whole line when
    /// the cut falls inside one that is not the last; `None` when there is nothing but blanks.
    /// A job says how it ended at the end of its output, so that is the part worth keeping.
    pub fn tail(&self, most: usize) -> Option<String> {
        let text = self.text();
        let text = text.trim_end();
        if text.trim_start().is_empty() {
            return None;
        }
        let mut start = text.len().saturating_sub(most);
        while !text.is_char_boundary(start) {
            start += 1;
        }
        if start > 0 && text.as_bytes()[start - 1] != b'\n' {
            // A line cut in two reads as garbage; skip to the next whole one if there is one.
            if let Some(newline) = text[start..].find('\n') {
                start += newline + 1;
            }
        }
        Some(text[start..].trim_start_matches(['\r', '\n']).to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278";

    #[test]
    fn ping_paths() {
        let token = |kind| Ok(PingPath { target: PingTarget::Token(PingToken::from_uuid(UUID.parse().unwrap())), kind });
        let slug =
            |kind| Ok(PingPath { target: PingTarget::Slug { key: "key_1-A".parse().unwrap(), slug: "db-backup".parse().unwrap() }, kind });
        let cases: Vec<(String, Result<PingPath, PingUrlError>)> = vec![
            (UUID.into(), token(PingKind::Success)),
            (format!("{UUID}/"), token(PingKind::Success)),
            (
                UUID.to_uppercase(),
                Ok(PingPath { target: PingTarget::Token(PingToken::from_uuid(UUID.parse().unwrap())), kind: PingKind::Success }),
            ),
            (format!("{UUID}/start"), token(PingKind::Start)),
            (format!("{UUID}/fail"), token(PingKind::Fail)),
            (format!("{UUID}/log"), token(PingKind::Log)),
            (format!("{UUID}/0"), token(PingKind::Exit(0))),
            (format!("{UUID}/255"), token(PingKind::Exit(255))),
            (format!("{UUID}/007"), token(PingKind::Exit(7))),
            (format!("{UUID}/256"), Err(PingUrlError::Path)),
            (format!("{UUID}/-1"), Err(PingUrlError::Path)),
            (format!("{UUID}/99999999999999999999"), Err(PingUrlError::Path)),
            (format!("{UUID}/stop"), Err(PingUrlError::Path)),
            (format!("{UUID}/start/x"), Err(PingUrlError::Path)),
            ("key_1-A/db-backup".into(), slug(PingKind::Success)),
            ("key_1-A/db-backup/start".into(), slug(PingKind::Start)),
            ("key_1-A/db-backup/3".into(), slug(PingKind::Exit(3))),
            ("key_1-A/DB-Backup".into(), Err(PingUrlError::Path)),
            ("key_1-A/db-backup/what".into(), Err(PingUrlError::Path)),
            ("not-a-uuid".into(), Err(PingUrlError::Path)),
            ("".into(), Err(PingUrlError::Path)),
            ("a//b".into(), Err(PingUrlError::Path)),
            ("k/s/start/x".into(), Err(PingUrlError::Path)),
            ("bad key/slug".into(), Err(PingUrlError::Path)),
        ];
        for (path, expected) in cases {
            assert_eq!(PingPath::parse(&path), expected, "{path}");
        }
    }

    #[test]
    fn run_ids() {
        let rid: Uuid = "123e4567-e89b-12d3-a456-426614174000".parse().unwrap();
        assert_eq!(run_id_from_query(None), Ok(None));
        assert_eq!(run_id_from_query(Some("x=1")), Ok(None));
        assert_eq!(run_id_from_query(Some(&format!("a=b&rid={rid}"))), Ok(Some(rid)));
        assert_eq!(run_id_from_query(Some("rid=123")), Err(PingUrlError::RunId));
        assert_eq!(run_id_from_query(Some("rid=")), Err(PingUrlError::RunId));
        assert_eq!(run_id_from_query(Some("rid=123e4567e89b12d3a456426614174000")), Err(PingUrlError::RunId));
    }

    #[test]
    fn verdicts() {
        assert_eq!(PingKind::Success.verdict(), Some(Ok(None)));
        assert_eq!(PingKind::Exit(0).verdict(), Some(Ok(Some(0))));
        assert_eq!(PingKind::Exit(2).verdict(), Some(Err(Some(2))));
        assert_eq!(PingKind::Fail.verdict(), Some(Err(None)));
        assert_eq!(PingKind::Start.verdict(), None);
        assert_eq!(PingKind::Log.verdict(), None);
        for kind in [PingKind::Success, PingKind::Start, PingKind::Fail, PingKind::Log, PingKind::Exit(9)] {
            assert_eq!(PingKind::parse(kind.as_str(), kind.exit_status()), Some(kind));
        }
    }

    #[test]
    fn a_tail_keeps_the_last_whole_lines() {
        let body = |text: &str| PingBody { bytes: text.as_bytes().to_vec(), received: text.len() as u64, truncated: false };
        let cases: [(&str, usize, Option<&str>); 10] = [
            ("", 10, None),
            (" \n\t\n", 10, None),
            ("ok: 3 files\n", 100, Some("ok: 3 files")),
            ("copying\nok: 3 files\n", 100, Some("copying\nok: 3 files")),
            // The cut falls inside "copying": the whole line after it is kept.
            ("copying\nok: 3 files\n", 14, Some("ok: 3 files")),
            // The cut falls inside the last line: its end is all there is.
            ("copying\nok: 3 files", 5, Some("files")),
            // The cut falls exactly at a line's start.
            ("ab\ncd", 2, Some("cd")),
            ("ab\ncd\nef", 5, Some("cd\nef")),
            // Never inside a character: "é" is two bytes.
            ("xéé", 3, Some("é")),
            ("\r\nline\r\n", 100, Some("line")),
        ];
        for (text, most, expected) in cases {
            assert_eq!(body(text).tail(most).as_deref(), expected, "{text:?} within {most}");
        }
    }

    #[test]
    fn bodies_are_capped_with_a_note() {
        let small = PingBody::capped(b"hello".to_vec(), 5, 10);
        assert_eq!((small.bytes.as_slice(), small.truncated), (&b"hello"[..], false));
        let big = PingBody::capped(vec![b'x'; 12], 5000, 10);
        assert!(big.truncated);
        assert!(big.bytes.starts_with(b"xxxxxxxxxx\n[vigil: truncated, 5000 bytes received, the first 10 kept]"), "{}", big.text());
    }
}
