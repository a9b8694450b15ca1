//! Live configuration: producer, broker and consumer configs changed with
//! `Command::SetConfig` (the engine validates them; a refusal shows in the event log).

use yew::prelude::*;

use crate::engine::scenario::Scenario;
use crate::engine::Command;
use crate::i18n::{t, Lang};

use super::form::{read as value, use_form_fields};

/// Properties of the config panel.
#[derive(Properties, PartialEq, Clone)]
pub struct ConfigPanelProps {
    /// The scenario being run (for ids and current values).
    pub scenario: Scenario,
    /// Where the commands go.
    pub on_apply: Callback<Vec<Command>>,
    /// Language.
    pub lang: Lang,
}

/// The form.
#[function_component(ConfigPanel)]
pub fn config_panel(p: &ConfigPanelProps) -> Html {
    let l = p.lang;
    let producer = p.scenario.producers.first();
    let group = p.scenario.consumer_groups.first();
    let bc = &p.scenario.cluster.config;
    let initial: Vec<String> = match producer {
        Some(pr) => vec![
            pr.config.acks.as_str().to_string(),
            pr.config.linger_ms.to_string(),
            pr.config.batch_size.to_string(),
            pr.config.enable_idempotence.to_string(),
            bc.min_insync_replicas.to_string(),
            bc.unclean_leader_election_enable.to_string(),
            group
                .map(|g| g.config.max_poll_records.to_string())
                .unwrap_or_default(),
        ],
        None => Vec::new(),
    };
    let refs = use_form_fields(7, p.scenario.clone(), initial);
    let Some(producer) = producer else {
        return html! {};
    };
    let onclick = {
        let refs = refs.clone();
        let on_apply = p.on_apply.clone();
        let pid = producer.id.clone();
        let gid = group.map(|g| g.group_id.clone());
        Callback::from(move |_| {
            let mut cmds = Vec::new();
            let keys = [
                ("producer", "acks"),
                ("producer", "linger.ms"),
                ("producer", "batch.size"),
                ("producer", "enable.idempotence"),
                ("broker", "min.insync.replicas"),
                ("broker", "unclean.leader.election.enable"),
                ("group", "max.poll.records"),
            ];
            for (r, (scope, key)) in refs.iter().zip(keys) {
                let Some(v) = value(r) else { continue };
                let target = match scope {
                    "producer" => format!("producer:{pid}"),
                    "group" => match &gid {
                        Some(g) => format!("group:{g}"),
                        None => continue,
                    },
                    _ => "broker".to_string(),
                };
                cmds.push(Command::SetConfig {
                    target,
                    key: key.into(),
                    value: v,
                });
            }
            on_apply.emit(cmds);
        })
    };
    html! {
        <details class="config-panel">
            <summary>{ t(l, "cfg.title") }</summary>
            <div class="cfg-grid">
                <label>{ format!("{} acks", producer.id) }
                    <select ref={refs[0].clone()} aria-label="acks">
                        { for ["0", "1", "all"].iter().map(|a| html! { <option value={*a}>{ *a }</option> }) }
                    </select>
                </label>
                <label>{ "linger.ms" }<input ref={refs[1].clone()} type="number" min="0" aria-label="linger.ms" /></label>
                <label>{ "batch.size" }<input ref={refs[2].clone()} type="number" min="1" aria-label="batch.size" /></label>
                <label>{ "enable.idempotence" }<input ref={refs[3].clone()} type="checkbox" aria-label="enable.idempotence" /></label>
                <label>{ "min.insync.replicas" }<input ref={refs[4].clone()} type="number" min="1" aria-label="min.insync.replicas" /></label>
                <label>{ "unclean.leader.election.enable" }<input ref={refs[5].clone()} type="checkbox" aria-label="unclean.leader.election.enable" /></label>
                if let Some(g) = group {
                    <label>{ format!("{} max.poll.records", g.group_id) }<input ref={refs[6].clone()} type="number" min="1" aria-label="max.poll.records" /></label>
                }
            </div>
            <button {onclick}>{ t(l, "cfg.apply") }</button>
            <p class="hint">{ t(l, "cfg.hint") }</p>
        </details>
    }
}
