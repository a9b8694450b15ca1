//! Charts drawn with plotters on a canvas, redrawn at most every 200 ms of wall time and
//! down-sampled to the canvas width.

use std::rc::Rc;

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use yew::prelude::*;

use crate::engine::time::{to_ms_f64, MILLIS};
use crate::engine::Engine;

/// Time series the charts show, sampled from the engine every 100 ms of simulated time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartSeries {
    /// `(seconds, records/s)` committed (high-watermark growth, all partitions).
    pub committed_rps: Vec<(f64, f64)>,
    /// `(seconds, count)` under-replicated partitions.
    pub urp: Vec<(f64, f64)>,
    last_t: u64,
    last_hw: u64,
}

impl ChartSeries {
    /// Samples the engine if 100 ms of simulated time passed since the last sample.
    pub fn sample(&mut self, engine: &Engine) {
        let now = engine.now();
        if now < self.last_t + 100 * MILLIS {
            return;
        }
        let snap = engine.partition_snapshots();
        let hw: u64 = snap.iter().map(|p| p.high_watermark).sum();
        let dt = (now - self.last_t) as f64 / 1e9;
        let t = to_ms_f64(now) / 1000.0;
        if self.last_t > 0 && dt > 0.0 {
            self.committed_rps
                .push((t, hw.saturating_sub(self.last_hw) as f64 / dt));
        }
        self.urp.push((
            t,
            snap.iter()
                .filter(|p| p.isr.len() < p.replicas.len())
                .count() as f64,
        ));
        self.last_t = now;
        self.last_hw = hw;
        for s in [&mut self.committed_rps, &mut self.urp] {
            if s.len() > 4000 {
                let halved: Vec<_> = s.chunks(2).map(|c| c[0]).collect();
                *s = halved;
            }
        }
    }
}

/// Properties of a chart.
#[derive(Properties, PartialEq, Clone)]
pub struct ChartProps {
    /// Data.
    pub series: Rc<ChartSeries>,
}

fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    s: &ChartSeries,
) -> Result<(), Box<dyn std::error::Error>> {
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no canvas")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let width = canvas.width().max(100) as usize;
    let step = (s.committed_rps.len() / width).max(1);
    let pts: Vec<(f64, f64)> = s.committed_rps.iter().step_by(step).copied().collect();
    let x_max = pts.last().map(|p| p.0).unwrap_or(1.0).max(1.0);
    let x_min = pts.first().map(|p| p.0).unwrap_or(0.0).min(x_max - 0.1);
    let y_max = pts.iter().map(|p| p.1).fold(10.0, f64::max) * 1.15;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "committed records/s (high watermark growth)",
            ("sans-serif", 14),
        )
        .margin(8)
        .x_label_area_size(24)
        .y_label_area_size(56)
        .build_cartesian_2d(x_min..x_max, 0.0..y_max)?;
    chart
        .configure_mesh()
        .x_desc("simulated s")
        .max_light_lines(2)
        .draw()?;
    chart.draw_series(LineSeries::new(pts, &BLUE))?;
    root.present()?;
    Ok(())
}

/// Throughput chart.
#[function_component(ThroughputChart)]
pub fn throughput_chart(p: &ChartProps) -> Html {
    let canvas = use_node_ref();
    let last_draw = use_mut_ref(|| 0.0f64);
    {
        let canvas = canvas.clone();
        let series = p.series.clone();
        use_effect(move || {
            let now = web_sys::window()
                .and_then(|w| w.performance())
                .map(|p| p.now())
                .unwrap_or(0.0);
            if now - *last_draw.borrow() >= 200.0 {
                *last_draw.borrow_mut() = now;
                if let Some(c) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                    if let Err(e) = draw(&c, &series) {
                        web_sys::console::warn_1(&format!("chart: {e}").into());
                    }
                }
            }
            || ()
        });
    }
    html! {
        <div class="chart">
            <canvas ref={canvas} width="560" height="240" aria-label="Throughput chart" class="chart-canvas"></canvas>
        </div>
    }
}
