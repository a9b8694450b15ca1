//! A topic's partitions as a heat map on a canvas: one cell per partition, coloured by ISR state
//! (with a mark, not only a colour: a slash when under-replicated, a cross when offline) or by
//! lag on a colour-blind-safe sequential scale. Clicking zooms into the topic.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::engine::snapshot::PartitionCell;
use crate::ui::state::HeatMetric;

/// A colour.
type Rgb = (u8, u8, u8);

/// Cell size and gap, px.
pub const CELL: f64 = 13.0;
const GAP: f64 = 2.0;

/// A sequential scale from light to dark (cividis-like, readable with colour-blindness).
const SCALE: [Rgb; 6] = [
    (240, 240, 240),
    (253, 231, 37),
    (122, 209, 81),
    (34, 168, 132),
    (42, 120, 142),
    (59, 28, 140),
];

/// The colour of a lag value against the largest lag shown (log scale).
pub fn lag_colour(lag: u64, max: u64) -> Rgb {
    if lag == 0 || max == 0 {
        return SCALE[0];
    }
    let f = ((lag as f64 + 1.0).ln() / (max as f64 + 1.0).ln()).clamp(0.0, 1.0);
    SCALE[1 + ((f * 4.999) as usize).min(4)]
}

/// Properties of a heat map.
#[derive(Properties, PartialEq)]
pub struct HeatMapProps {
    /// The topic's partitions.
    pub cells: Rc<Vec<PartitionCell>>,
    /// Colouring.
    pub metric: HeatMetric,
    /// The largest lag over every topic (one scale for all).
    pub max_lag: u64,
    /// Width available, px.
    pub width: f64,
    /// What the canvas shows, for screen readers.
    pub label: AttrValue,
    /// Clicked.
    pub on_click: Callback<()>,
}

/// Cells per row for `width`.
pub fn per_row(width: f64) -> usize {
    ((width + GAP) / (CELL + GAP)).floor().max(1.0) as usize
}

fn draw(canvas: &web_sys::HtmlCanvasElement, p: &HeatMapProps) {
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let n = per_row(p.width);
    ctx.clear_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
    // Batch by style: all cells of one colour, then the marks.
    let mut by_colour: Vec<(Rgb, Vec<(f64, f64)>)> = Vec::new();
    let mut slashes = Vec::new();
    let mut crosses = Vec::new();
    for (i, c) in p.cells.iter().enumerate() {
        let (x, y) = ((i % n) as f64 * (CELL + GAP), (i / n) as f64 * (CELL + GAP));
        let colour = match p.metric {
            HeatMetric::Isr if c.leader.is_none() => (17, 17, 17),
            HeatMetric::Isr if c.isr < c.replicas => (230, 159, 0),
            HeatMetric::Isr => (214, 222, 230),
            HeatMetric::CommittedLag => lag_colour(c.committed_lag, p.max_lag),
            HeatMetric::RecordsLag => lag_colour(c.records_lag, p.max_lag),
        };
        if c.leader.is_none() {
            crosses.push((x, y));
        } else if c.isr < c.replicas {
            slashes.push((x, y));
        }
        match by_colour.iter_mut().find(|(k, _)| *k == colour) {
            Some((_, v)) => v.push((x, y)),
            None => by_colour.push((colour, vec![(x, y)])),
        }
    }
    for ((r, g, b), cells) in by_colour {
        ctx.set_fill_style_str(&format!("rgb({r},{g},{b})"));
        for (x, y) in cells {
            ctx.fill_rect(x, y, CELL, CELL);
        }
    }
    ctx.set_line_width(2.0);
    ctx.set_stroke_style_str("#111");
    ctx.begin_path();
    for (x, y) in slashes {
        ctx.move_to(x + 2.0, y + CELL - 2.0);
        ctx.line_to(x + CELL - 2.0, y + 2.0);
    }
    ctx.stroke();
    ctx.set_stroke_style_str("#fff");
    ctx.begin_path();
    for (x, y) in crosses {
        ctx.move_to(x + 3.0, y + 3.0);
        ctx.line_to(x + CELL - 3.0, y + CELL - 3.0);
        ctx.move_to(x + CELL - 3.0, y + 3.0);
        ctx.line_to(x + 3.0, y + CELL - 3.0);
    }
    ctx.stroke();
}

/// The heat map of one topic.
#[function_component(HeatMap)]
pub fn heat_map(p: &HeatMapProps) -> Html {
    let canvas = use_node_ref();
    let n = per_row(p.width);
    let rows = p.cells.len().div_ceil(n).max(1);
    let w = (n.min(p.cells.len().max(1)) as f64 * (CELL + GAP)).ceil();
    let h = (rows as f64 * (CELL + GAP)).ceil();
    {
        let canvas = canvas.clone();
        let key = (p.cells.clone(), p.metric, p.max_lag, n);
        let props = HeatMapProps {
            cells: p.cells.clone(),
            metric: p.metric,
            max_lag: p.max_lag,
            width: p.width,
            label: p.label.clone(),
            on_click: p.on_click.clone(),
        };
        use_effect_with(key, move |_| {
            if let Some(c) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                draw(&c, &props);
            }
        });
    }
    html! {
        <canvas ref={canvas} class="heat" width={format!("{w:.0}")} height={format!("{h:.0}")}
            role="img" aria-label={p.label.clone()} onclick={p.on_click.reform(|_| ())}></canvas>
    }
}
