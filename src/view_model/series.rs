//! Chart series that tell the story: a series per producer and per group where there are
//! several, smoothed over one simulated second, on a scale a brief spike cannot hijack (values
//! above it are clipped and marked), with labelled markers where the user or the scenario
//! changed something. Charts with nothing to show are left out.

use crate::engine::metrics::{ProducerSample, Sample};
use crate::i18n::{t, tf, Lang};

/// Which chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// Records acknowledged per producer and consumed per group, per second.
    Throughput,
    /// Produce-ack latency percentiles (per producer) and end-to-end p99.
    Latency,
    /// Per group: records-lag and committed lag.
    Lag,
    /// Under-replicated and offline partitions, smallest ISR.
    Isr,
    /// A producer request metric, per producer.
    Requests(RequestMetric),
}

/// Kafka producer metrics about requests (`SenderMetrics`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestMetric {
    /// `request-rate`.
    RequestRate,
    /// `batch-size-avg` (bytes).
    BatchSizeAvg,
    /// `records-per-request-avg`.
    RecordsPerRequestAvg,
}

impl RequestMetric {
    /// Kafka's metric name.
    pub fn name(self) -> &'static str {
        match self {
            RequestMetric::RequestRate => "request-rate",
            RequestMetric::BatchSizeAvg => "batch-size-avg",
            RequestMetric::RecordsPerRequestAvg => "records-per-request-avg",
        }
    }

    fn get(self, p: &ProducerSample) -> f64 {
        match self {
            RequestMetric::RequestRate => p.request_rate,
            RequestMetric::BatchSizeAvg => p.batch_size_avg,
            RequestMetric::RecordsPerRequestAvg => p.records_per_request_avg,
        }
    }
}

impl ChartKind {
    /// A stable id (`data-chart`, lesson highlights `chart:ID`).
    pub fn id(self) -> &'static str {
        match self {
            ChartKind::Throughput => "throughput",
            ChartKind::Latency => "latency",
            ChartKind::Lag => "lag",
            ChartKind::Isr => "isr",
            ChartKind::Requests(_) => "requests",
        }
    }

    /// The caption in `lang`.
    pub fn caption(self, lang: Lang) -> String {
        match self {
            ChartKind::Requests(m) => tf(lang, "chart.requests", &[("m", m.name().to_string())]),
            k => t(lang, &format!("chart.{}", k.id())).to_string(),
        }
    }
}

/// What the charts are about: the run's clients.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartContext {
    /// Producers' `client.id`s by index.
    pub producers: Vec<String>,
    /// Groups' `group.id`s by index.
    pub groups: Vec<String>,
    /// Some topic has more than one replica.
    pub replicated: bool,
}

impl ChartContext {
    /// The clients of a scenario.
    pub fn of(s: &crate::engine::scenario::Scenario) -> ChartContext {
        ChartContext {
            producers: s.producers.iter().map(|p| p.id.clone()).collect(),
            groups: s
                .consumer_groups
                .iter()
                .map(|g| g.group_id.clone())
                .collect(),
            replicated: s.topics.iter().any(|t| t.replication_factor > 1) && s.cluster.brokers > 1,
        }
    }
}

/// The charts worth drawing for a run, in page order.
pub fn charts_for(ctx: &ChartContext) -> Vec<ChartKind> {
    let mut out = Vec::new();
    let producing = !ctx.producers.is_empty();
    if producing || !ctx.groups.is_empty() {
        out.push(ChartKind::Throughput);
    }
    if producing {
        out.push(ChartKind::Latency);
    }
    if !ctx.groups.is_empty() {
        out.push(ChartKind::Lag);
    }
    if producing {
        out.push(ChartKind::Requests(RequestMetric::RequestRate));
    }
    if ctx.replicated {
        out.push(ChartKind::Isr);
    }
    out
}

/// One line of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend and direct label.
    pub name: String,
    /// (simulated s, value), smoothed; gaps where the value is undefined.
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed (the second measure of the same client).
    pub dashed: bool,
    /// Colour index into the page's colour-blind-safe palette (the same client keeps its colour
    /// on every chart).
    pub colour: usize,
}

/// A marker: something changed at `t` (simulated s).
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// When.
    pub t: f64,
    /// Short label drawn on the chart.
    pub label: String,
}

/// A chart ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartModel {
    /// Which chart.
    pub kind: ChartKind,
    /// Its lines.
    pub series: Vec<Series>,
    /// Time axis range (s).
    pub x: (f64, f64),
    /// Top of the value axis.
    pub y_max: f64,
    /// The largest value when it is above `y_max` (points above are clipped and marked).
    pub clipped_peak: Option<f64>,
    /// Markers in range.
    pub markers: Vec<Marker>,
}

/// Palette size; producers take colours from the start, groups from after the producers.
pub const COLOURS: usize = 7;

/// Averages each point with the points of the `window` seconds before it (gaps skipped).
pub fn smooth(points: &[(f64, Option<f64>)], window: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len());
    let (mut start, mut sum, mut n) = (0usize, 0.0, 0usize);
    for (i, &(t, v)) in points.iter().enumerate() {
        if let Some(v) = v {
            sum += v;
            n += 1;
        }
        while start < i && points[start].0 <= t - window {
            if let Some(v) = points[start].1 {
                sum -= v;
                n -= 1;
            }
            start += 1;
        }
        if v.is_some() && n > 0 {
            out.push((t, sum / n as f64));
        }
    }
    out
}

/// The top of a scale for `values` that a brief peak cannot take over: when the largest value is
/// well above the 90th percentile (a peak shorter than a tenth of the chart), the scale stops a
/// little above the percentile and the peak is returned to be marked as clipped.
pub fn robust_top(values: &mut [f64]) -> (f64, Option<f64>) {
    let floor = 1.0;
    if values.is_empty() {
        return (floor, None);
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let max = values[values.len() - 1];
    let q = values[((values.len() - 1) as f64 * 0.9) as usize];
    if max > q * 1.6 && max > floor && values.len() >= 20 {
        ((q * 1.3).max(floor), Some(max))
    } else {
        ((max * 1.1).max(floor), None)
    }
}

/// Keeps about `width` points (every k-th).
fn thin(points: Vec<(f64, f64)>, width: usize) -> Vec<(f64, f64)> {
    let k = (points.len() / width.max(1)).max(1);
    if k == 1 {
        return points;
    }
    let last = points.last().copied();
    let mut out: Vec<(f64, f64)> = points.into_iter().step_by(k).collect();
    if let (Some(l), Some(o)) = (last, out.last()) {
        if l.0 != o.0 {
            out.push(l);
        }
    }
    out
}

/// A series before smoothing: name, points (with gaps), dashed, colour.
type RawSeries = (String, Vec<(f64, Option<f64>)>, bool, usize);

/// The series of `kind` from `samples`.
fn raw_series(
    kind: ChartKind,
    samples: &[Sample],
    ctx: &ChartContext,
    lang: Lang,
) -> Vec<RawSeries> {
    let tr = |k: &str| t(lang, k).to_string();
    let pick = |f: &dyn Fn(&Sample) -> Option<f64>| -> Vec<(f64, Option<f64>)> {
        samples.iter().map(|s| (s.t, f(s))).collect()
    };
    let np = ctx.producers.len();
    let group_colour = |g: usize| (np + g) % COLOURS;
    let producer = |s: &Sample, i: usize| s.producers.get(i).cloned().unwrap_or_default();
    let mut out = Vec::new();
    match kind {
        ChartKind::Throughput => {
            if np == 1 {
                out.push((
                    tr("legend.produced"),
                    pick(&|s| Some(s.produce_rps)),
                    true,
                    0,
                ));
                out.push((tr("legend.acked"), pick(&|s| Some(s.ack_rps)), false, 0));
            } else {
                for (i, id) in ctx.producers.iter().enumerate() {
                    let name = tf(lang, "legend.acked_by", &[("c", id.clone())]);
                    out.push((
                        name,
                        pick(&|s| Some(producer(s, i).ack_rps)),
                        false,
                        i % COLOURS,
                    ));
                }
            }
            // With several producers, the groups' lines are dashed: style, not only colour,
            // tells producers from groups.
            let groups_dashed = np > 1;
            for (g, id) in ctx.groups.iter().enumerate() {
                let name = tf(lang, "legend.consumed_by", &[("g", id.clone())]);
                let f = move |s: &Sample| Some(s.group_consume_rps.get(g).copied().unwrap_or(0.0));
                out.push((name, pick(&f), groups_dashed, group_colour(g)));
            }
        }
        ChartKind::Latency => {
            if np == 1 {
                let has = |s: &Sample| s.ack_rps > 0.0;
                out.push((
                    "ack p50".into(),
                    pick(&|s| has(s).then_some(s.ack_p50)),
                    false,
                    0,
                ));
                out.push((
                    "ack p99".into(),
                    pick(&|s| has(s).then_some(s.ack_p99)),
                    false,
                    1,
                ));
                out.push((
                    "ack p99.9".into(),
                    pick(&|s| has(s).then_some(s.ack_p999)),
                    false,
                    2,
                ));
            } else {
                for (i, id) in ctx.producers.iter().enumerate() {
                    let p99 = move |s: &Sample| {
                        let p = producer(s, i);
                        (p.ack_rps > 0.0).then_some(p.ack_p99)
                    };
                    let p50 = move |s: &Sample| {
                        let p = producer(s, i);
                        (p.ack_rps > 0.0).then_some(p.ack_p50)
                    };
                    out.push((format!("p99 {id}"), pick(&p99), false, i % COLOURS));
                    out.push((format!("p50 {id}"), pick(&p50), true, i % COLOURS));
                }
            }
            if !ctx.groups.is_empty() {
                let e2e = |s: &Sample| (s.consume_rps > 0.0).then_some(s.e2e_p99);
                out.push((tr("legend.e2e_p99"), pick(&e2e), true, COLOURS - 1));
            }
        }
        ChartKind::Lag => {
            for (g, id) in ctx.groups.iter().enumerate() {
                let find =
                    |v: &[(String, u64)]| v.iter().find(|(x, _)| x == id).map(|(_, l)| *l as f64);
                let rl = move |s: &Sample| find(&s.records_lag);
                let cl = move |s: &Sample| find(&s.lag);
                out.push((
                    tf(lang, "legend.records_lag", &[("g", id.clone())]),
                    pick(&rl),
                    false,
                    group_colour(g),
                ));
                out.push((
                    tf(lang, "legend.committed_lag", &[("g", id.clone())]),
                    pick(&cl),
                    true,
                    group_colour(g),
                ));
            }
        }
        ChartKind::Isr => {
            out.push((tr("legend.urp"), pick(&|s| Some(s.urp as f64)), false, 5));
            out.push((
                tr("legend.offline"),
                pick(&|s| Some(s.offline as f64)),
                true,
                6,
            ));
            out.push((
                tr("legend.isr_min"),
                pick(&|s| Some(s.isr_min as f64)),
                false,
                4,
            ));
        }
        ChartKind::Requests(m) => {
            for (i, id) in ctx.producers.iter().enumerate() {
                let f = move |s: &Sample| {
                    let p = producer(s, i);
                    (p.request_rate > 0.0 || m == RequestMetric::RequestRate).then_some(m.get(&p))
                };
                out.push((id.clone(), pick(&f), false, i % COLOURS));
            }
        }
    }
    out
}

/// Seconds of simulated time each point is averaged over.
pub const SMOOTHING_S: f64 = 1.0;

/// A chart of `kind` from `samples`, about `width` points per series, with `markers`.
pub fn chart(
    kind: ChartKind,
    samples: &[Sample],
    ctx: &ChartContext,
    markers: &[Marker],
    width: usize,
    lang: Lang,
) -> ChartModel {
    let x1 = samples.last().map(|s| s.t).unwrap_or(1.0).max(1.0);
    let x0 = samples
        .first()
        .map(|s| s.t)
        .unwrap_or(0.0)
        .min(x1 - 0.5)
        .max(0.0);
    // ISR counts are small integers: no smoothing, no clipping.
    let exact = kind == ChartKind::Isr;
    let series: Vec<Series> = raw_series(kind, samples, ctx, lang)
        .into_iter()
        .map(|(name, pts, dashed, colour)| {
            let points = if exact {
                pts.into_iter().filter_map(|(t, v)| Some((t, v?))).collect()
            } else {
                smooth(&pts, SMOOTHING_S)
            };
            Series {
                name,
                points: thin(points, width),
                dashed,
                colour,
            }
        })
        .collect();
    let mut values: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .collect();
    let (y_max, clipped_peak) = if exact {
        let m = values.iter().copied().fold(0.0, f64::max);
        ((m + 1.0).max(3.0), None)
    } else {
        robust_top(&mut values)
    };
    ChartModel {
        kind,
        series,
        x: (x0, x1),
        y_max,
        clipped_peak,
        markers: markers
            .iter()
            .filter(|m| m.t >= x0 && m.t <= x1)
            .cloned()
            .collect(),
    }
}

/// A chart's text alternative: per series, the latest, smallest and largest value shown.
pub fn table(model: &ChartModel) -> Vec<(String, f64, f64, f64)> {
    model
        .series
        .iter()
        .filter_map(|s| {
            let last = s.points.last()?.1;
            let min = s.points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
            let max = s
                .points
                .iter()
                .map(|p| p.1)
                .fold(f64::NEG_INFINITY, f64::max);
            Some((s.name.clone(), last, min, max))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(n: usize, f: impl Fn(usize) -> f64) -> Vec<(f64, Option<f64>)> {
        (0..n).map(|i| (i as f64 * 0.1, Some(f(i)))).collect()
    }

    #[test]
    fn smoothing_averages_one_second_and_skips_gaps() {
        let pts = ramp(30, |i| if i % 2 == 0 { 0.0 } else { 20.0 });
        let s = smooth(&pts, 1.0);
        assert!(s[20..].iter().all(|p| (p.1 - 10.0).abs() < 1.01), "{s:?}");
        let gaps = vec![(0.0, Some(4.0)), (0.1, None), (0.2, Some(8.0))];
        assert_eq!(smooth(&gaps, 1.0), vec![(0.0, 4.0), (0.2, 6.0)]);
    }

    #[test]
    fn a_brief_spike_is_clipped_not_scaled_to() {
        // Steady 10,000/s with a start-up spike of 80,000.
        let mut v: Vec<f64> = (0..300)
            .map(|i| if i == 3 { 80_000.0 } else { 10_000.0 })
            .collect();
        let (top, peak) = robust_top(&mut v);
        assert!(top < 20_000.0, "{top}");
        assert_eq!(peak, Some(80_000.0));
        // A change that lasts is not a peak: linger.ms 0 → 50 halfway.
        let mut v: Vec<f64> = (0..120).map(|i| if i < 50 { 2.0 } else { 50.0 }).collect();
        let (top, peak) = robust_top(&mut v);
        assert!((top - 55.0).abs() < 1e-9 && peak.is_none());
        // A steady climb is not a spike.
        let mut v: Vec<f64> = (0..300).map(|i| i as f64 * 100.0).collect();
        let (top, peak) = robust_top(&mut v);
        assert!(top >= 29_900.0 && peak.is_none());
    }

    #[test]
    fn charts_with_nothing_to_show_are_left_out() {
        let none = ChartContext::default();
        assert!(charts_for(&none).is_empty());
        let producers_only = ChartContext {
            producers: vec!["p".into()],
            groups: vec![],
            replicated: false,
        };
        let kinds = charts_for(&producers_only);
        assert!(!kinds.contains(&ChartKind::Lag) && !kinds.contains(&ChartKind::Isr));
        assert!(kinds.contains(&ChartKind::Requests(RequestMetric::RequestRate)));
    }

    #[test]
    fn several_producers_and_groups_get_a_series_each_and_both_lags_are_labelled() {
        let ctx = ChartContext {
            producers: vec!["a".into(), "b".into()],
            groups: vec!["g".into()],
            replicated: true,
        };
        let samples: Vec<Sample> = (0..50)
            .map(|i| Sample {
                t: i as f64 * 0.1,
                producers: vec![
                    ProducerSample {
                        ack_rps: 1.0,
                        ack_p99: 5.0,
                        ..Default::default()
                    };
                    2
                ],
                lag: vec![("g".into(), 100)],
                records_lag: vec![("g".into(), 3)],
                ..Sample::default()
            })
            .collect();
        let lat = chart(ChartKind::Latency, &samples, &ctx, &[], 400, Lang::En);
        let names: Vec<&str> = lat.series.iter().map(|s| s.name.as_str()).collect();
        assert!(names.contains(&"p99 a") && names.contains(&"p99 b"));
        let lag = chart(ChartKind::Lag, &samples, &ctx, &[], 400, Lang::En);
        assert_eq!(lag.series.len(), 2);
        assert!(lag.series[0].name.contains("records-lag") && !lag.series[0].dashed);
        assert!(lag.series[1].name.contains("committed") && lag.series[1].dashed);
        assert_eq!(lag.series[0].colour, lag.series[1].colour);
        let zh = chart(ChartKind::Lag, &samples, &ctx, &[], 400, Lang::Zh);
        assert_ne!(zh.series[1].name, lag.series[1].name);
    }
}
