//! The cluster's shape and the applications' workload: broker count, partitions and
//! replication factor per topic, producer rate and record size, group size, assignor and
//! processing time, and broker settings Kafka only reads at start-up. None of these can change
//! in a running cluster the way the simulator models it, so applying them restarts the run with
//! the edited scenario (the form says so). Each value goes through the scenario validator
//! ([`with_edits`]); an invalid one is refused in the form with the
//! validator's reason (field, value, allowed range) and the run is left alone.

use yew::prelude::*;

use std::rc::Rc;

use crate::engine::scenario::Scenario;
use crate::i18n::{t, Lang};
use crate::scenario_file::with_edits;
use crate::ui::simulation::{SimHandle, SimRequest};
use crate::ui::state::use_page;

use super::super::form::{read, use_form_fields};

/// Properties of the shape panel.
#[derive(Properties, PartialEq, Clone)]
pub struct ShapePanelProps {
    /// The scenario being run (current values, with the interventions recorded so far).
    pub scenario: Rc<Scenario>,
    /// Compare mode: the form edits run B (both runs restart, A unchanged).
    #[prop_or_default]
    pub run_b: bool,
}

/// One editable field: its scenario path, its label, its current value, and the choices when
/// it is a select.
struct Field {
    path: String,
    label: String,
    value: String,
    choices: Option<&'static [&'static str]>,
}

/// `partition.assignment.strategy` choices: Kafka 4.x's default list first.
const ASSIGNORS: &[&str] = &[
    "range,cooperative-sticky",
    "range",
    "roundrobin",
    "sticky",
    "cooperative-sticky",
];

fn fields(s: &Scenario, l: Lang) -> Vec<Field> {
    let label = |key: &str, name: &str| crate::i18n::tf(l, key, &[("name", name.to_string())]);
    let num = |path: String, label: String, v: String| Field {
        path,
        label,
        value: v,
        choices: None,
    };
    let mut out = vec![
        num(
            "cluster.brokers".into(),
            t(l, "shape.brokers").to_string(),
            s.cluster.brokers.to_string(),
        ),
        num(
            "cluster.config.replica.lag.time.max.ms".into(),
            "replica.lag.time.max.ms".into(),
            s.cluster.config.replica_lag_time_max_ms.to_string(),
        ),
    ];
    for (i, topic) in s.topics.iter().enumerate() {
        out.push(num(
            format!("topics.{i}.partitions"),
            label("shape.partitions", &topic.name),
            topic.partitions.to_string(),
        ));
        out.push(num(
            format!("topics.{i}.replication_factor"),
            label("shape.rf", &topic.name),
            topic.replication_factor.to_string(),
        ));
    }
    for (i, p) in s.producers.iter().enumerate() {
        if let crate::engine::scenario::Workload::Rate {
            records_per_s: rate,
        } = p.workload
        {
            out.push(num(
                format!("producers.{i}.rate"),
                label("shape.rate", &p.id),
                format!("{rate}"),
            ));
        }
        out.push(num(
            format!("producers.{i}.record_size"),
            label("shape.record_bytes", &p.id),
            p.record_size.to_string(),
        ));
    }
    for (i, g) in s.consumer_groups.iter().enumerate() {
        out.push(num(
            format!("consumer_groups.{i}.members"),
            label("shape.members", &g.group_id),
            g.members.to_string(),
        ));
        out.push(num(
            format!("consumer_groups.{i}.processing_us_per_record"),
            label("shape.processing", &g.group_id),
            g.processing_us_per_record.to_string(),
        ));
        out.push(Field {
            path: format!("consumer_groups.{i}.config.partition.assignment.strategy"),
            label: format!("{} partition.assignment.strategy", g.group_id),
            value: g
                .config
                .partition_assignment_strategy
                .iter()
                .map(|a| a.name())
                .collect::<Vec<_>>()
                .join(","),
            choices: Some(ASSIGNORS),
        });
    }
    out
}

/// The form.
#[function_component(ShapePanel)]
pub fn shape_panel(p: &ShapePanelProps) -> Html {
    let l = use_page().lang;
    let sim = use_context::<SimHandle>().expect("SimHandle");
    let error = use_state(|| None::<crate::scenario_file::ScenarioError>);
    let fields = fields(&p.scenario, l);
    let refs = use_form_fields(
        fields.len(),
        p.scenario.clone(),
        fields.iter().map(|f| f.value.clone()).collect(),
    );
    let onclick = {
        let refs = refs.clone();
        let current: Vec<(String, String)> = fields
            .iter()
            .map(|f| (f.path.clone(), f.value.clone()))
            .collect();
        let scenario = p.scenario.clone();
        let error = error.clone();
        let run_b = p.run_b;
        Callback::from(move |_| {
            let edits: Vec<(String, String)> = refs
                .iter()
                .zip(&current)
                .filter_map(|(r, (path, old))| {
                    let v = read(r)?.trim().to_string();
                    (v != *old).then(|| (path.clone(), v))
                })
                .collect();
            if edits.is_empty() {
                error.set(None);
                return;
            }
            match with_edits(&scenario, &edits) {
                Ok(s) => {
                    error.set(None);
                    sim.send(if run_b {
                        SimRequest::LoadB(Box::new(s))
                    } else {
                        SimRequest::Load(Box::new(s))
                    });
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    html! {
        <details class="config-panel shape-panel panel" data-run={if p.run_b { "b" } else { "a" }}>
            <summary>{ t(l, "shape.title") }{ if p.run_b { " — B" } else { "" } }</summary>
            if p.run_b {
                <p class="hint run-b-note">{ t(l, "compare.shape_b") }</p>
            }
            <p class="hint">{ t(l, "shape.hint") }</p>
            <div class="cfg-grid">
                { for fields.iter().zip(refs.iter()).map(|(f, r)| html! {
                    <label>{ f.label.clone() }
                        if let Some(choices) = f.choices {
                            <select ref={r.clone()} aria-label={f.label.clone()}>
                                { for choices.iter().map(|c| html! {
                                    <option value={*c}>{ *c }</option>
                                }) }
                            </select>
                        } else {
                            <input ref={r.clone()} type="text" inputmode="decimal"
                                aria-label={f.label.clone()} />
                        }
                    </label>
                }) }
            </div>
            <button class="restart-run" {onclick}>{ t(l, "shape.apply") }</button>
            if let Some(e) = &*error {
                <p class="form-error" role="alert">{ format!("{}{}{}", t(l, "shape.refused"), t(l, "ui.colon"), e.localized(l)) }</p>
            }
        </details>
    }
}
