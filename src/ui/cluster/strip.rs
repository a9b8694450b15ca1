//! One replica's log strip, to scale (see [`crate::view_model::strips`]): the partition and the
//! replica's role in words, the log as a bar whose dark part is below the high watermark, the
//! high watermark as a line, and on the leader's strip the followers' positions (▼ above) and
//! each group's committed offset (△ below) and position (▲ below). With transactions: the last
//! stable offset as a dashed line while an open transaction holds it below the high watermark,
//! and the newest commit (green) and abort (red) markers as ticks on the bar.

use yew::prelude::*;

use crate::i18n::{t, tf, Lang};
use crate::view_model::strips::PartitionStrips;

/// Formats an offset with thousands separators.
pub fn offset(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Where and how big.
#[derive(Clone, Copy, PartialEq)]
pub struct StripBox {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Text size.
    pub font: f64,
}

/// A triangle pointing down (at y, tip at the bottom) or up.
fn triangle(x: f64, y: f64, s: f64, down: bool) -> String {
    if down {
        format!(
            "{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            x - s,
            y - s,
            x + s,
            y - s,
            x,
            y
        )
    } else {
        format!(
            "{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            x - s,
            y + s,
            x + s,
            y + s,
            x,
            y
        )
    }
}

/// The strip of replica `replica` (index into `s.replicas`) of partition `name`.
pub fn strip(
    lang: Lang,
    name: &str,
    s: &PartitionStrips,
    replica: usize,
    b: StripBox,
    groups: &[String],
) -> Html {
    let Some(r) = s.replicas.get(replica) else {
        return html! {};
    };
    let f = b.font;
    let w = s.window;
    let label_w = f * 0.6 * (name.len() as f64 + 1.0);
    let bar_x = b.x;
    let bar_w = b.w;
    let bar_y = b.y + f * 1.35;
    let bar_h = (f * 0.55).round();
    let x = |o: u64| bar_x + bar_w * w.frac(o);
    let role = if r.leader {
        t(lang, "view.strip.leader")
    } else {
        t(lang, "view.strip.follower")
    };
    let isr = if r.in_isr {
        ""
    } else {
        t(lang, "view.strip.out_of_isr")
    };
    let mut right = if r.leader && s.lso_held() {
        tf(
            lang,
            "view.strip.hw_lso_leo",
            &[
                ("hw", offset(s.high_watermark)),
                ("lso", offset(s.last_stable_offset)),
                ("leo", offset(r.log_end_offset)),
            ],
        )
    } else if r.leader {
        tf(
            lang,
            "view.strip.hw_leo",
            &[
                ("hw", offset(s.high_watermark)),
                ("leo", offset(r.log_end_offset)),
            ],
        )
    } else {
        tf(lang, "view.strip.leo", &[("leo", offset(r.log_end_offset))])
    };
    // Shorter words when the strip is narrow (estimated text widths).
    let width_of = |text: &str| {
        text.chars()
            .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
            .sum::<f64>()
            * f
    };
    let mut role_text = if r.leader {
        format!("★ {role}")
    } else {
        role.to_string()
    };
    let fits = |role_text: &str, right: &str| {
        label_w + width_of(role_text) + width_of(isr) + width_of(right) + f <= b.w
    };
    if !fits(&role_text, &right) {
        role_text = if r.leader {
            "★".into()
        } else {
            String::new()
        };
    }
    if !fits(&role_text, &right) && r.leader && s.lso_held() {
        // While a transaction holds it, the LSO is the figure to keep.
        right = tf(
            lang,
            "view.strip.lso_only",
            &[("lso", offset(s.last_stable_offset))],
        );
    }
    if !fits(&role_text, &right) {
        right = offset(r.log_end_offset);
    }
    let mut tip = tf(
        lang,
        "view.strip.title",
        &[
            ("tp", name.to_string()),
            ("b", r.broker.to_string()),
            ("role", role.to_string()),
            ("leo", offset(r.log_end_offset)),
            ("hw", offset(r.high_watermark)),
            ("lo", offset(w.lo)),
            ("hi", offset(w.hi)),
        ],
    );
    if !r.in_isr {
        tip.push_str(isr);
    }
    if r.leader {
        for (fb, pos) in &s.followers {
            tip.push_str(&tf(
                lang,
                "view.strip.follower_at",
                &[("b", fb.to_string()), ("o", offset(*pos))],
            ));
        }
        for g in &s.groups {
            let gid = groups.get(g.group).cloned().unwrap_or_default();
            let o = |v: Option<u64>| v.map(offset).unwrap_or_else(|| "—".into());
            tip.push_str(&tf(
                lang,
                "view.strip.group_at",
                &[
                    ("g", gid.clone()),
                    ("c", o(g.committed)),
                    ("p", o(g.position)),
                ],
            ));
            if g.waits_at_lso {
                tip.push_str(&tf(lang, "view.strip.waits_lso", &[("g", gid)]));
            }
        }
        if s.lso_held() {
            tip.push_str(&tf(
                lang,
                "view.strip.lso",
                &[("o", offset(s.last_stable_offset))],
            ));
        }
        if !s.markers.is_empty() {
            let m: Vec<String> = s
                .markers
                .iter()
                .map(|&(o, commit)| {
                    let key = if commit {
                        "view.strip.marker_commit"
                    } else {
                        "view.strip.marker_abort"
                    };
                    tf(lang, key, &[("o", offset(o))])
                })
                .collect();
            tip.push_str(&tf(lang, "view.strip.markers", &[("m", m.join(", "))]));
        }
    }
    let hw_x = x(s.high_watermark.min(r.log_end_offset).max(w.lo));
    let leo_x = x(r.log_end_offset);
    let class = classes!(
        "strip",
        r.leader.then_some("leader"),
        (!r.in_isr).then_some("out-of-isr")
    );
    html! {
        <g {class}>
            <title>{ tip }</title>
            <text x={format!("{:.1}", b.x)} y={format!("{:.1}", b.y + f)} class="mono">{ name }</text>
            <text x={format!("{:.1}", b.x + label_w)} y={format!("{:.1}", b.y + f)} class={classes!("role", r.leader.then_some("lead"))}>
                { role_text }
                if !r.in_isr { <tspan class="warn">{ isr }</tspan> }
            </text>
            <text x={format!("{:.1}", b.x + b.w)} y={format!("{:.1}", b.y + f)} class="num" text-anchor="end">{ right }</text>
            <rect x={format!("{bar_x:.1}")} y={format!("{bar_y:.1}")} width={format!("{bar_w:.1}")} height={bar_h.to_string()} class="track" />
            <rect x={format!("{bar_x:.1}")} y={format!("{bar_y:.1}")} width={format!("{:.1}", (leo_x - bar_x).max(0.0))} height={bar_h.to_string()} class="logfill" />
            <rect x={format!("{bar_x:.1}")} y={format!("{bar_y:.1}")} width={format!("{:.1}", (hw_x - bar_x).max(0.0))} height={bar_h.to_string()} class="committed" />
            <line x1={format!("{hw_x:.1}")} x2={format!("{hw_x:.1}")} y1={format!("{:.1}", bar_y - 3.0)} y2={format!("{:.1}", bar_y + bar_h + 3.0)} class="hw" />
            if r.leader {
                { for s.markers.iter().filter(|m| m.0 < r.log_end_offset).map(|&(o, commit)| html! {
                    <rect x={format!("{:.1}", x(o))} y={format!("{bar_y:.1}")} width={format!("{:.1}", (bar_w * (w.frac(o + 1) - w.frac(o))).max(1.5))} height={bar_h.to_string()}
                        class={if commit { "txn-marker commit" } else { "txn-marker abort" }} />
                }) }
                if s.lso_held() {
                    <line x1={format!("{:.1}", x(s.last_stable_offset))} x2={format!("{:.1}", x(s.last_stable_offset))}
                        y1={format!("{:.1}", bar_y - 3.0)} y2={format!("{:.1}", bar_y + bar_h + 3.0)} class="lso" />
                }
                { for s.followers.iter().map(|(_, pos)| html! {
                    <polygon points={triangle(x(*pos), bar_y - 1.0, f * 0.3, true)} class="follower-pos" />
                }) }
                { for s.groups.iter().map(|g| html! { <>
                    if let Some(c) = g.committed {
                        <polygon points={triangle(x(c), bar_y + bar_h + 1.0, f * 0.3, false)} class={format!("group-committed c{}", g.group % 7)} />
                    }
                    if let Some(p) = g.position {
                        <polygon points={triangle(x(p), bar_y + bar_h + 1.0, f * 0.3, false)} class={format!("group-position c{}", g.group % 7)} />
                    }
                </> }) }
            }
        </g>
    }
}
