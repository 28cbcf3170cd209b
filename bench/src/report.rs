//! The figures as a Markdown table (one column per phase), ready to paste into
//! docs/benchmarks.md, and the small formatters the scenarios share.

use std::fmt::Write as _;
use std::time::Duration;

/// A table: a label column, then one column per phase.
#[derive(Debug, Default)]
pub struct Table {
    columns: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
}

impl Table {
    /// A table whose first header cell is `corner` and whose phases are `columns`.
    pub fn new(corner: &str, columns: impl IntoIterator<Item = String>) -> Self {
        Table { columns: std::iter::once(corner.to_owned()).chain(columns).collect(), rows: Vec::new() }
    }

    /// Adds a row; `cells` holds one value per phase.
    pub fn row(&mut self, label: &str, cells: impl IntoIterator<Item = String>) {
        self.rows.push((label.to_owned(), cells.into_iter().collect()));
    }

    /// The table as aligned Markdown.
    pub fn render(&self) -> String {
        let width = self.columns.len();
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for (label, cells) in &self.rows {
            widths[0] = widths[0].max(label.chars().count());
            for (i, cell) in cells.iter().enumerate().take(width - 1) {
                widths[i + 1] = widths[i + 1].max(cell.chars().count());
            }
        }
        let line = |cells: &[&str]| -> String {
            let mut out = String::from("|");
            for (i, w) in widths.iter().enumerate() {
                let cell = cells.get(i).copied().unwrap_or("");
                let pad = w.saturating_sub(cell.chars().count());
                if i == 0 {
                    let _ = write!(out, " {cell}{} |", " ".repeat(pad));
                } else {
                    let _ = write!(out, " {}{cell} |", " ".repeat(pad));
                }
            }
            out.push('\n');
            out
        };
        let header: Vec<&str> = self.columns.iter().map(String::as_str).collect();
        let mut out = line(&header);
        out.push('|');
        for (i, w) in widths.iter().enumerate() {
            out.push_str(&if i == 0 { format!(":{}|", "-".repeat(w + 1)) } else { format!("{}:|", "-".repeat(w + 1)) });
        }
        out.push('\n');
        for (label, cells) in &self.rows {
            let mut all = vec![label.as_str()];
            all.extend(cells.iter().map(String::as_str));
            out.push_str(&line(&all));
        }
        out
    }
}

/// A duration in the most readable unit: µs, ms or s.
pub fn duration(d: Duration) -> String {
    let micros = d.as_micros();
    if micros < 1_000 {
        format!("{micros} µs")
    } else if micros < 1_000_000 {
        format!("{:.1} ms", micros as f64 / 1_000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// An optional duration, `–` when absent.
pub fn maybe_duration(d: Option<Duration>) -> String {
    d.map_or_else(|| "–".to_owned(), duration)
}

/// An integer with thousands separators.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `value` with `decimals` places.
pub fn num(value: f64, decimals: usize) -> String {
    format!("{value:.decimals$}")
}

/// CPU seconds per 1000 checks, `–` without checks.
pub fn cpu_per_1000(cpu: Duration, checks: u64) -> String {
    if checks == 0 { "–".to_owned() } else { format!("{:.3}", cpu.as_secs_f64() * 1000.0 / checks as f64) }
}

/// `b / a` as `×1.23`, `–` when undefined.
pub fn ratio(a: f64, b: f64) -> String {
    if a > 0.0 && b.is_finite() { format!("×{:.2}", b / a) } else { "–".to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(12), "12");
        assert_eq!(duration(Duration::from_micros(250)), "250 µs");
        assert_eq!(duration(Duration::from_micros(12_345)), "12.3 ms");
        assert_eq!(duration(Duration::from_millis(1_500)), "1.50 s");
        assert_eq!(cpu_per_1000(Duration::from_secs(2), 4_000), "0.500");
        assert_eq!(ratio(2.0, 3.0), "×1.50");
    }

    #[test]
    fn renders_aligned_markdown() {
        let mut table = Table::new("figure", ["http".to_owned(), "https".to_owned()]);
        table.row("checks", ["10".to_owned(), "2,000".to_owned()]);
        let text = table.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.chars().count() == lines[0].chars().count()), "{text}");
        assert!(lines[2].starts_with("| checks |"));
    }
}
