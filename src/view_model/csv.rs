//! The charts' data as CSV, safe to open in a spreadsheet: every cell quoted (RFC 4180, quotes
//! doubled), and a cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`,
//! `@`, a tab or a carriage return, as OWASP's "CSV injection" advice lists) prefixed with `'`.
//! Group and producer ids come from scenario files and share links, so they are untrusted.

use crate::engine::metrics::Sample;

/// One cell: quoted, with formula prefixes neutralised. Numbers pass through unchanged
/// (a negative number is data, not a formula).
pub fn cell(text: &str) -> String {
    let numeric = text.parse::<f64>().is_ok();
    let risky = !numeric
        && text
            .chars()
            .next()
            .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    let mut out = String::with_capacity(text.len() + 3);
    out.push('"');
    if risky {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A CSV line from its cells.
pub fn line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut out = cells
        .iter()
        .map(|c| cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

/// The time series as CSV: one row per sample; lag columns per group (both definitions) and
/// request columns per producer (`producer_ids` by producer index).
pub fn samples_csv(samples: &[Sample], producer_ids: &[String]) -> String {
    let groups: Vec<String> = samples
        .last()
        .map(|s| s.lag.iter().map(|(g, _)| g.clone()).collect())
        .unwrap_or_default();
    let mut head: Vec<String> = [
        "t_s",
        "produce_rps",
        "ack_rps",
        "consume_rps",
        "produce_mbps",
        "ack_p50_ms",
        "ack_p99_ms",
        "ack_p999_ms",
        "e2e_p50_ms",
        "e2e_p99_ms",
        "e2e_p999_ms",
        "under_replicated",
        "offline",
        "isr_min",
        "isr_avg",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for g in &groups {
        head.push(format!("committed_lag {g}"));
        head.push(format!("records_lag {g}"));
    }
    for p in producer_ids {
        for m in [
            "request-rate",
            "batch-size-avg",
            "records-per-request-avg",
            "ack_p99_ms",
        ] {
            head.push(format!("{m} {p}"));
        }
    }
    let mut out = line(&head);
    for s in samples {
        let mut row = vec![
            format!("{:.3}", s.t),
            format!("{:.1}", s.produce_rps),
            format!("{:.1}", s.ack_rps),
            format!("{:.1}", s.consume_rps),
            format!("{:.3}", s.produce_mbps),
            format!("{:.3}", s.ack_p50),
            format!("{:.3}", s.ack_p99),
            format!("{:.3}", s.ack_p999),
            format!("{:.3}", s.e2e_p50),
            format!("{:.3}", s.e2e_p99),
            format!("{:.3}", s.e2e_p999),
            s.urp.to_string(),
            s.offline.to_string(),
            s.isr_min.to_string(),
            format!("{:.2}", s.isr_avg),
        ];
        let find = |v: &[(String, u64)], g: &str| {
            v.iter().find(|(x, _)| x == g).map(|(_, l)| *l).unwrap_or(0)
        };
        for g in &groups {
            row.push(find(&s.lag, g).to_string());
            row.push(find(&s.records_lag, g).to_string());
        }
        for i in 0..producer_ids.len() {
            let p = s.producers.get(i).cloned().unwrap_or_default();
            row.push(format!("{:.2}", p.request_rate));
            row.push(format!("{:.1}", p.batch_size_avg));
            row.push(format!("{:.2}", p.records_per_request_avg));
            row.push(format!("{:.3}", p.ack_p99));
        }
        out.push_str(&line(&row));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(cell("g1"), "\"g1\"");
        assert_eq!(cell("a\"b"), "\"a\"\"b\"");
        assert_eq!(cell("=cmd|' /C calc'!A0"), "\"'=cmd|' /C calc'!A0\"");
        for p in ["+1+2", "-x", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell(p).starts_with("\"'"), "{p}");
        }
        assert_eq!(cell("-1.5"), "\"-1.5\"");
    }

    #[test]
    fn a_hostile_group_id_stays_inside_one_quoted_cell() {
        let s = Sample {
            t: 1.0,
            lag: vec![("g,x\n=cmd|' /C calc'!A0".into(), 7)],
            records_lag: vec![("g,x\n=cmd|' /C calc'!A0".into(), 3)],
            ..Sample::default()
        };
        let csv = samples_csv(&[s], &["=p".to_string()]);
        let head = csv.split("\r\n").next().unwrap();
        // The id's newline is inside quotes, and no cell starts with a bare `=`.
        assert!(head.contains("\"committed_lag g,x\n=cmd|' /C calc'!A0\""));
        assert!(head.contains("\"request-rate =p\""));
        assert!(!csv.contains(",=") && !csv.contains(",\"="));
        // The row has as many cells as the header when parsed the RFC 4180 way.
        let cells = |line: &str| {
            let (mut n, mut quoted) = (1, false);
            for c in line.chars() {
                match c {
                    '"' => quoted = !quoted,
                    ',' if !quoted => n += 1,
                    _ => {}
                }
            }
            n
        };
        let rows: Vec<&str> = csv.trim_end().split("\r\n").collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(cells(rows[0]), cells(rows[1]));
    }
}
