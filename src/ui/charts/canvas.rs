//! One chart drawn with plotters on a canvas from a [`ChartModel`]: lines in the colour-blind-safe
//! palette, dashed for a client's second measure, values above the scale clipped with a ▲ and
//! the peak written in the corner, and labelled markers where something changed.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use crate::view_model::series::ChartModel;

/// Okabe–Ito colours (without yellow, too light on white): blue, orange, bluish green, reddish
/// purple, sky blue, vermillion, black.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(0, 0, 0),
];

/// Axis labels: `12k`, `350`, `2.5`.
pub fn short_number(y: f64) -> String {
    let a = y.abs();
    if a >= 1e6 {
        format!("{:.1}M", y / 1e6)
    } else if a >= 10_000.0 {
        format!("{:.0}k", y / 1000.0)
    } else if a >= 10.0 {
        format!("{y:.0}")
    } else {
        format!("{y:.1}")
    }
}

/// A time-axis tick with as many decimals as the span needs.
fn time_label(x: f64, span: f64) -> String {
    if span > 6.0 {
        format!("{x:.0}s")
    } else if span > 0.6 {
        format!("{x:.1}s")
    } else {
        format!("{x:.2}s")
    }
}

/// Draws `m` on `canvas` with text of `font` px, `ghost` (branch A's future) in grey behind,
/// and `b` (run B of a comparison) dashed, thinner, in each client's colour, over A's lines.
pub fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    m: &ChartModel,
    ghost: Option<&ChartModel>,
    b: Option<&ChartModel>,
    font: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no canvas")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let (mut x0, mut x1) = m.x;
    let mut y_max = m.y_max;
    for g in ghost.iter().chain(b.iter()) {
        x0 = x0.min(g.x.0);
        x1 = x1.max(g.x.1);
        y_max = y_max.max(g.y_max);
    }
    let font_px = font as i32;
    let mut chart = ChartBuilder::on(&root)
        .margin_top((font * 1.6) as i32)
        .margin_right(8)
        .margin_left(4)
        .margin_bottom(4)
        .x_label_area_size((font * 1.7) as i32)
        .y_label_area_size((font * 3.6) as i32)
        .build_cartesian_2d(x0..x1, 0.0..y_max)?;
    let text = ("sans-serif", font_px)
        .into_font()
        .color(&RGBColor(31, 41, 55));
    chart
        .configure_mesh()
        .max_light_lines(1)
        .x_labels(5)
        .y_labels(4)
        .label_style(text.clone())
        .axis_style(RGBColor(107, 114, 128))
        .x_label_formatter(&|x| time_label(*x, x1 - x0))
        .y_label_formatter(&|y| short_number(*y))
        .draw()?;
    // Markers: a line, and its label on one of two rows above the plot when there is room.
    let mut rows: [f64; 2] = [f64::NEG_INFINITY; 2];
    for mk in &m.markers {
        chart.draw_series(LineSeries::new(
            vec![(mk.t, 0.0), (mk.t, y_max)],
            RGBColor(75, 85, 99).stroke_width(1),
        ))?;
        let (px, _) = chart.backend_coord(&(mk.t, y_max));
        let w = mk.label.chars().count() as f64 * font * 0.6;
        if let Some(row) = (0..2).find(|&r| px as f64 > rows[r] + 4.0) {
            rows[row] = px as f64 + w;
            let y = if row == 0 { 2 } else { (font * 0.8) as i32 };
            root.draw(&Text::new(
                mk.label.clone(),
                (px + 2, y),
                ("sans-serif", (font * 0.95) as i32)
                    .into_font()
                    .color(&RGBColor(55, 65, 81)),
            ))?;
        }
    }
    for s in ghost.iter().flat_map(|g| &g.series) {
        let pts: Vec<(f64, f64)> = s.points.iter().map(|&(t, v)| (t, v.min(y_max))).collect();
        chart.draw_series(LineSeries::new(
            pts,
            RGBColor(148, 163, 184).stroke_width(2),
        ))?;
    }
    for s in &m.series {
        let c = PALETTE[s.colour % PALETTE.len()];
        let pts: Vec<(f64, f64)> = s.points.iter().map(|&(t, v)| (t, v.min(y_max))).collect();
        if s.dashed {
            chart.draw_series(DashedLineSeries::new(pts.clone(), 6, 4, c.stroke_width(2)))?;
        } else {
            chart.draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))?;
        }
        // ▲ where a run of clipped values starts (A's lines).
        let mut above = false;
        for &(t, v) in &s.points {
            let now = v > y_max;
            if now && !above {
                let (px, py) = chart.backend_coord(&(t, y_max));
                root.draw(&Polygon::new(
                    vec![(px - 5, py + 7), (px + 5, py + 7), (px, py - 1)],
                    c.filled(),
                ))?;
            }
            above = now;
        }
    }
    for s in b.iter().flat_map(|b| &b.series) {
        let c = PALETTE[s.colour % PALETTE.len()];
        let pts: Vec<(f64, f64)> = s.points.iter().map(|&(t, v)| (t, v.min(y_max))).collect();
        chart.draw_series(DashedLineSeries::new(pts, 3, 3, c.stroke_width(2)))?;
    }
    if let Some(peak) = m.clipped_peak {
        let (w, _) = root.dim_in_pixel();
        let label = format!("▲ {}", short_number(peak));
        let lw = label.chars().count() as f64 * font * 0.6;
        root.draw(&Text::new(
            label,
            ((w as f64 - lw - 6.0) as i32, (font * 1.7) as i32),
            text.clone(),
        ))?;
    }
    root.present()?;
    Ok(())
}
