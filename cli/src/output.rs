//! What commands print: tables for people (colours only on a terminal, and never with
//! `NO_COLOR`), JSON for scripts (`--output json`).

use jiff::Timestamp;
use serde::Serialize;
use std::io::IsTerminal;

/// How to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Output {
    /// JSON instead of tables.
    pub json: bool,
    /// ANSI colours.
    pub colour: bool,
}

/// Whether to colour: `always`, `never`, or on a terminal without `NO_COLOR`.
pub fn colour_wanted(choice: &str) -> bool {
    match choice {
        "always" => true,
        "never" => false,
        _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

impl Output {
    /// Prints `value` as pretty JSON.
    pub fn json(&self, value: &impl Serialize) {
        println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
    }

    /// `text` in the ANSI style `code` (like `"32"` for green), when colouring.
    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.colour { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
    }

    /// A status word in its colour: green when well, yellow on the way, red when down.
    pub fn status(&self, status: &str) -> String {
        let code = match status {
            "up" | "delivered" | "resolved" | "operational" | "confirmed" => "32",
            "down" | "failed" | "open" | "major_outage" | "partial_outage" => "31;1",
            "suspicious"
            | "recovering"
            | "late"
            | "running"
            | "pending"
            | "acknowledged"
            | "investigating"
            | "identified"
            | "monitoring"
            | "degraded_performance"
            | "under_maintenance" => "33",
            _ => "2",
        };
        self.paint(code, status)
    }

    /// Dim text (ids, secondary facts).
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    /// Bold text (headings).
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Prints `rows` under `headers`, columns aligned.
    pub fn table(&self, headers: &[&str], rows: &[Vec<String>]) {
        print!("{}", self.render_table(headers, rows));
    }

    /// The text of a table.
    pub fn render_table(&self, headers: &[&str], rows: &[Vec<String>]) -> String {
        let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
        for row in rows {
            for (i, cell) in row.iter().enumerate() {
                if i < widths.len() {
                    widths[i] = widths[i].max(visible_width(cell));
                }
            }
        }
        let mut out = String::new();
        let line = |cells: Vec<String>, out: &mut String| {
            let last = cells.len().saturating_sub(1);
            for (i, cell) in cells.into_iter().enumerate() {
                out.push_str(&cell);
                if i < last {
                    out.push_str(&" ".repeat(widths[i] - visible_width(&cell) + 2));
                }
            }
            out.push('\n');
        };
        line(headers.iter().map(|h| self.bold(h)).collect(), &mut out);
        for row in rows {
            line(row.clone(), &mut out);
        }
        out
    }
}

/// The width of `text` on a terminal, colour codes aside.
fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut in_code = false;
    for c in text.chars() {
        match (in_code, c) {
            (false, '\x1b') => in_code = true,
            (true, 'm') => in_code = false,
            (false, _) => width += 1,
            _ => {}
        }
    }
    width
}

/// `at` relative to `now`, as a person says it: `3m ago`, `in 20s`.
pub fn ago(at: Option<Timestamp>, now: Timestamp) -> String {
    let Some(at) = at else { return "-".into() };
    let seconds = now.duration_since(at).as_secs();
    let (amount, future) = (seconds.unsigned_abs(), seconds < 0);
    let text = match amount {
        0..60 => format!("{amount}s"),
        60..3600 => format!("{}m", amount / 60),
        3600..86_400 => format!("{}h", amount / 3600),
        _ => format!("{}d", amount / 86_400),
    };
    if future { format!("in {text}") } else { format!("{text} ago") }
}

/// The last eight characters of an id, which commands accept back. Ids are UUIDv7, whose first
/// characters are the time they were made: things made in the same minute share them, while the
/// last characters are random.
pub fn short_id(id: &impl ToString) -> String {
    let id = id.to_string();
    let skip = id.chars().count().saturating_sub(8);
    id.chars().skip(skip).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_whatever_the_colours() {
        let plain = Output { json: false, colour: false };
        let coloured = Output { json: false, colour: true };
        let rows = vec![vec!["api".into(), plain.status("up")], vec!["a longer name".into(), plain.status("down")]];
        assert_eq!(plain.render_table(&["NAME", "STATUS"], &rows), "NAME           STATUS\napi            up\na longer name  down\n");
        let rows = vec![vec!["api".into(), coloured.status("up")], vec!["a longer name".into(), coloured.status("down")]];
        let text = coloured.render_table(&["NAME", "STATUS"], &rows);
        assert!(text.contains("\x1b[32mup\x1b[0m"));
        let stripped: String = text.replace("\x1b[32m", "").replace("\x1b[31;1m", "").replace("\x1b[0m", "").replace("\x1b[1m", "");
        assert_eq!(stripped, "NAME           STATUS\napi            up\na longer name  down\n");
    }

    #[test]
    fn times_as_a_person_says_them() {
        let now: Timestamp = "2026-03-01T12:00:00Z".parse().unwrap();
        let at = |s: &str| Some(s.parse::<Timestamp>().unwrap());
        assert_eq!(ago(at("2026-03-01T11:59:30Z"), now), "30s ago");
        assert_eq!(ago(at("2026-03-01T09:00:00Z"), now), "3h ago");
        assert_eq!(ago(at("2026-03-01T12:05:00Z"), now), "in 5m");
        assert_eq!(ago(None, now), "-");
    }
}
