//! Charts drawn with plotters on canvas from the engine's metrics samples: throughput, latency
//! percentiles, consumer lag per group, and ISR health. Fault markers are vertical lines. The
//! page hands new data at most every 200 ms; series are down-sampled to the canvas width.

use std::rc::Rc;

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use yew::prelude::*;

use crate::engine::metrics::Sample;

/// Which chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Produced / acknowledged / consumed records per second.
    Throughput,
    /// Produce-ack p50/p99/p99.9 and end-to-end p99, ms.
    Latency,
    /// Lag per consumer group.
    Lag,
    /// Under-replicated and offline partitions.
    Isr,
}

/// What a chart draws.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    /// Samples (already a snapshot of the engine's series).
    pub samples: Rc<Vec<Sample>>,
    /// Fault and command markers: simulated seconds.
    pub markers: Rc<Vec<f64>>,
}

/// Properties of a chart.
#[derive(Properties, PartialEq, Clone)]
pub struct ChartProps {
    /// Which one.
    pub kind: ChartKind,
    /// The data.
    pub data: ChartData,
    /// Caption (already translated).
    pub caption: AttrValue,
    /// Language of the legends.
    pub lang: crate::i18n::Lang,
}

const COLORS: [RGBColor; 6] = [
    RGBColor(37, 99, 235),
    RGBColor(5, 150, 105),
    RGBColor(217, 119, 6),
    RGBColor(185, 28, 28),
    RGBColor(124, 58, 237),
    RGBColor(75, 85, 99),
];

type Series = (String, Vec<(f64, f64)>);

fn series(
    kind: ChartKind,
    samples: &[Sample],
    width: usize,
    lang: crate::i18n::Lang,
) -> Vec<Series> {
    let tr = |k: &str| crate::i18n::t(lang, k).to_string();
    let step = (samples.len() / width.max(1)).max(1);
    let pick = |f: &dyn Fn(&Sample) -> f64| -> Vec<(f64, f64)> {
        samples.iter().step_by(step).map(|s| (s.t, f(s))).collect()
    };
    match kind {
        ChartKind::Throughput => vec![
            (tr("legend.produced"), pick(&|s| s.produce_rps)),
            (tr("legend.acked"), pick(&|s| s.ack_rps)),
            (tr("legend.consumed"), pick(&|s| s.consume_rps)),
        ],
        ChartKind::Latency => vec![
            ("ack p50".into(), pick(&|s| s.ack_p50)),
            ("ack p99".into(), pick(&|s| s.ack_p99)),
            ("ack p99.9".into(), pick(&|s| s.ack_p999)),
            ("e2e p99".into(), pick(&|s| s.e2e_p99)),
        ],
        ChartKind::Lag => {
            let groups: Vec<String> = samples
                .last()
                .map(|s| s.lag.iter().map(|(g, _)| g.clone()).collect())
                .unwrap_or_default();
            groups
                .into_iter()
                .map(|g| {
                    let pts = samples
                        .iter()
                        .step_by(step)
                        .map(|s| {
                            (
                                s.t,
                                s.lag
                                    .iter()
                                    .find(|(x, _)| *x == g)
                                    .map(|(_, l)| *l as f64)
                                    .unwrap_or(0.0),
                            )
                        })
                        .collect();
                    (format!("{} {g}", tr("legend.lag")), pts)
                })
                .collect()
        }
        ChartKind::Isr => vec![
            (tr("legend.urp"), pick(&|s| s.urp as f64)),
            (tr("legend.offline"), pick(&|s| s.offline as f64)),
            (tr("legend.isr_min"), pick(&|s| s.isr_min as f64)),
        ],
    }
}

fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    p: &ChartProps,
) -> Result<(), Box<dyn std::error::Error>> {
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no canvas")?;
    // Six ticks over a short span need decimals, or they repeat ("0s 0s 1s 1s").
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let data = series(p.kind, &p.data.samples, canvas.width() as usize, p.lang);
    let x_max = p.data.samples.last().map(|s| s.t).unwrap_or(1.0).max(1.0);
    let x_min = p
        .data
        .samples
        .first()
        .map(|s| s.t)
        .unwrap_or(0.0)
        .min(x_max - 0.5)
        .max(0.0);
    let y_max = data
        .iter()
        .flat_map(|(_, v)| v.iter().map(|p| p.1))
        .fold(1.0, f64::max)
        * 1.15;
    let mut chart = ChartBuilder::on(&root)
        .caption(p.caption.as_str(), ("sans-serif", 15))
        .margin(6)
        .x_label_area_size(22)
        .y_label_area_size(58)
        .build_cartesian_2d(x_min..x_max, 0.0..y_max)?;
    chart
        .configure_mesh()
        .max_light_lines(1)
        .x_labels(6)
        .y_labels(5)
        .label_style(("sans-serif", 12))
        .x_label_formatter(&|x| time_label(*x, x_max - x_min))
        .y_label_formatter(&|y| {
            if *y >= 10_000.0 {
                format!("{:.0}k", y / 1000.0)
            } else if *y >= 10.0 {
                format!("{y:.0}")
            } else {
                format!("{y:.1}")
            }
        })
        .draw()?;
    for &m in p.data.markers.iter().filter(|&&m| m >= x_min && m <= x_max) {
        chart.draw_series(LineSeries::new(
            vec![(m, 0.0), (m, y_max)],
            RGBColor(220, 38, 38).mix(0.5).stroke_width(1),
        ))?;
    }
    for (i, (name, pts)) in data.into_iter().enumerate() {
        let c = COLORS[i % COLORS.len()];
        chart
            .draw_series(LineSeries::new(pts, c.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], c.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK.mix(0.2))
        .label_font(("sans-serif", 12))
        .draw()?;
    root.present()?;
    Ok(())
}

/// One chart; redraws when its data changes (the page changes it at most 5 times a second).
#[function_component(Chart)]
pub fn chart(p: &ChartProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        let p2 = p.clone();
        use_effect_with(p.clone(), move |_| {
            if let Some(c) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                if let Err(e) = draw(&c, &p2) {
                    web_sys::console::warn_1(&format!("chart: {e}").into());
                }
            }
            || ()
        });
    }
    html! {
        <div class="chart">
            <canvas ref={canvas} width="520" height="200" aria-label={p.caption.clone()} class="chart-canvas"></canvas>
        </div>
    }
}

/// A time-axis tick: whole seconds when the window spans more than 6 s, else with as many
/// decimals as the tick spacing (about a sixth of the span) needs.
fn time_label(x: f64, span: f64) -> String {
    if span > 6.0 {
        format!("{x:.0}s")
    } else if span > 0.6 {
        format!("{x:.1}s")
    } else {
        format!("{x:.2}s")
    }
}
