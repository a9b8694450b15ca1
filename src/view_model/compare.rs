//! The differences of two runs' reports (issue 17 item 4, A/B compare): the report's figures
//! flattened to `path -> value` leaves (partitions named `topic-partition`, groups by
//! `group.id`), the ones that differ with `b - a` for numbers, and an aligned text table. Used by
//! `kafka-sim compare` and by the page's compare mode (one copy of the logic).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::engine::report::Report;

/// One figure that differs between the two runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    /// The figure in run A.
    pub a: Value,
    /// The figure in run B.
    pub b: Value,
    /// `b - a` for numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<f64>,
}

/// Report fields that measure the machine, not the simulation: never compared.
const MEASURED: [&str; 2] = ["wall_ms", "events_per_s"];

/// The figures of a report as `path -> value` leaves; partitions are named `topic-partition`
/// and groups by `group.id`, so the two runs line up even if their lists differ in length.
fn leaves(report: &Report) -> Result<BTreeMap<String, Value>, String> {
    let v = serde_json::to_value(report).map_err(|e| format!("cannot serialize a report: {e}"))?;
    let mut out = BTreeMap::new();
    flatten("", &v, &mut out);
    for m in MEASURED {
        out.remove(m);
    }
    out.remove("scenario");
    Ok(out)
}

fn flatten(path: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                flatten(&join(k), x, out);
            }
        }
        Value::Array(items) if path == "partitions" || path == "groups" => {
            for x in items {
                let name = match (x.get("topic"), x.get("partition"), x.get("group_id")) {
                    (Some(Value::String(t)), Some(p), _) => format!("{t}-{p}"),
                    (_, _, Some(Value::String(g))) => g.clone(),
                    _ => continue,
                };
                let mut fields = x.clone();
                if let Value::Object(m) = &mut fields {
                    m.remove("topic");
                    m.remove("partition");
                    m.remove("group_id");
                }
                flatten(&join(&name), &fields, out);
            }
        }
        other => {
            out.insert(path.to_string(), other.clone());
        }
    }
}

/// The figures that differ between two reports (a figure only one run has is `null` in the
/// other).
pub fn differences(a: &Report, b: &Report) -> Result<BTreeMap<String, Difference>, String> {
    let (la, lb) = (leaves(a)?, leaves(b)?);
    let mut keys: Vec<&String> = la.keys().chain(lb.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut diff = BTreeMap::new();
    for k in keys {
        let va = la.get(k).cloned().unwrap_or(Value::Null);
        let vb = lb.get(k).cloned().unwrap_or(Value::Null);
        if va == vb {
            continue;
        }
        let change = match (va.as_f64(), vb.as_f64()) {
            (Some(x), Some(y)) => Some(y - x),
            _ => None,
        };
        diff.insert(
            k.clone(),
            Difference {
                a: va,
                b: vb,
                change,
            },
        );
    }
    Ok(diff)
}

/// Widest table cell; longer values (the invariants' examples) are cut with `…` (the JSON has
/// them whole).
pub const CELL_MAX: usize = 48;

/// One value as a table cell (cut at [`CELL_MAX`] characters).
pub fn cell(v: &Value) -> String {
    let s = cell_text(v);
    if s.chars().count() > CELL_MAX {
        let cut: String = s.chars().take(CELL_MAX - 1).collect();
        format!("{cut}…")
    } else {
        s
    }
}

fn cell_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => format!("{f:.3}"),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// The change `b - a` as text (`+7`, `-0.250`), empty when not a number.
pub fn change_text(change: Option<f64>) -> String {
    change
        .map(|c| {
            if c.fract() == 0.0 {
                format!("{c:+.0}")
            } else {
                format!("{c:+.3}")
            }
        })
        .unwrap_or_default()
}

/// The differences as rows `[figure, A, B, B - A]`, in path order.
pub fn rows(diff: &BTreeMap<String, Difference>) -> Vec<[String; 4]> {
    diff.iter()
        .map(|(k, d)| [k.clone(), cell(&d.a), cell(&d.b), change_text(d.change)])
        .collect()
}

/// Whether a figure is one of the run's headline figures (not one partition's, group's or
/// broker's, and not the trace hash, which differs whenever anything does).
fn headline(path: &str) -> bool {
    !(path.starts_with("partitions.")
        || path.starts_with("groups.")
        || path.starts_with("brokers")
        || path == "trace_hash"
        || path == "events")
}

/// The rows the page shows: the headline figures first (produced, consumed, latency,
/// throughput, invariants, cross-zone traffic), then the rest, at most `limit`; and how many
/// were left out.
pub fn page_rows(diff: &BTreeMap<String, Difference>, limit: usize) -> (Vec<[String; 4]>, usize) {
    let all = rows(diff);
    let (mut first, rest): (Vec<_>, Vec<_>) = all.into_iter().partition(|r| headline(&r[0]));
    first.extend(rest);
    let left = first.len().saturating_sub(limit);
    first.truncate(limit);
    (first, left)
}

/// The share fragment's part for run B of a comparison (`&b=CODE`, appended after the run's).
pub fn b_fragment(code: &str) -> String {
    format!("&b={code}")
}

/// Run B's share code in a URL fragment (`…&b=CODE…`), if there is one.
pub fn b_code(hash: &str) -> Option<&str> {
    let rest = hash.strip_prefix('#').unwrap_or(hash);
    rest.split('&')
        .find_map(|part| part.strip_prefix("b="))
        .filter(|c| !c.is_empty())
}

/// The differences as an aligned table.
pub fn table(diff: &BTreeMap<String, Difference>) -> String {
    if diff.is_empty() {
        return "no differences: the two runs are the same\n".into();
    }
    let rows = rows(diff);
    let head = [
        "figure".to_string(),
        "A".to_string(),
        "B".to_string(),
        "B - A".to_string(),
    ];
    let mut widths = [0usize; 4];
    for r in rows.iter().chain(std::iter::once(&head)) {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut s = String::new();
    for r in std::iter::once(&head).chain(rows.iter()) {
        s.push_str(&format!(
            "{:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}\n",
            r[0],
            r[1],
            r[2],
            r[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let s = crate::engine::scenario::Scenario::cluster(1, 1, 200).with_topic("t", 2, 1);
        crate::engine::Engine::new(&s).report(0.0)
    }

    #[test]
    fn equal_reports_have_no_differences_whatever_the_wall_clock() {
        let a = report();
        let mut b = a.clone();
        b.wall_ms = 123.0;
        b.events_per_s = 9.0;
        b.scenario = "other name".into();
        assert!(differences(&a, &b).unwrap().is_empty());
    }

    #[test]
    fn a_changed_figure_is_named_by_its_path_with_the_change() {
        let a = report();
        let mut b = a.clone();
        b.produced.acked = a.produced.acked + 7;
        b.partitions[1].leader = None;
        b.partitions.pop();
        let d = differences(&a, &b).unwrap();
        assert_eq!(d["produced.acked"].change, Some(7.0));
        assert_eq!(d["partitions.t-1.leader"].b, Value::Null);
        assert!(d.contains_key("partitions.t-1.high_watermark"));
        assert!(!d.contains_key("partitions.t-0.leader"), "{d:?}");
        assert!(table(&d).contains("produced.acked"));
    }

    #[test]
    fn the_page_lists_headline_figures_first_and_says_how_many_are_left_out() {
        let a = report();
        let mut b = a.clone();
        b.produced.acked = a.produced.acked + 3;
        b.partitions[0].high_watermark += 5;
        b.partitions[1].high_watermark += 5;
        b.trace_hash = "other".into();
        let d = differences(&a, &b).unwrap();
        let (rows, left) = page_rows(&d, 2);
        assert_eq!(rows[0][0], "produced.acked", "{rows:?}");
        assert_eq!(rows[0][3], "+3");
        assert_eq!(rows.len(), 2);
        assert_eq!(left, d.len() - 2);
        let (all, none) = page_rows(&d, 100);
        assert_eq!((all.len(), none), (d.len(), 0));
        assert_eq!(all.last().unwrap()[0], "trace_hash", "{all:?}");
    }

    #[test]
    fn run_b_rides_in_the_share_fragment() {
        let hash = format!("#s=v1.aaa{}", b_fragment("v1.bbb"));
        assert_eq!(b_code(&hash), Some("v1.bbb"));
        let f = crate::view_model::branch_link::parse_fragment(&hash).unwrap();
        assert_eq!(f.run, "v1.aaa");
        assert_eq!(b_code("#s=v1.aaa"), None);
        assert_eq!(b_code("#s=v1.aaa&b="), None);
    }

    #[test]
    fn long_values_are_cut_in_the_table_not_in_the_diff() {
        let a = report();
        let mut b = a.clone();
        b.invariants.first_examples = vec!["x".repeat(200)];
        let d = differences(&a, &b).unwrap();
        assert_eq!(
            d["invariants.first_examples"].b,
            serde_json::json!(["x".repeat(200)])
        );
        let t = table(&d);
        assert!(t.lines().all(|l| l.chars().count() < 120), "{t}");
        assert!(t.contains('…'), "{t}");
    }
}
