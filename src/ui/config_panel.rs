//! Live configuration: producer, broker and consumer configs changed with
//! `Command::SetConfig` (the engine validates them; a refusal shows in the event log).

use yew::prelude::*;

use crate::engine::scenario::{Command, Scenario};
use crate::i18n::{t, Lang};

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

fn value(r: &NodeRef) -> Option<String> {
    if let Some(i) = r.cast::<web_sys::HtmlInputElement>() {
        return Some(if i.type_() == "checkbox" {
            i.checked().to_string()
        } else {
            i.value()
        });
    }
    r.cast::<web_sys::HtmlSelectElement>().map(|s| s.value())
}

/// The form.
#[function_component(ConfigPanel)]
pub fn config_panel(p: &ConfigPanelProps) -> Html {
    let l = p.lang;
    let refs: Vec<NodeRef> = (0..7).map(|_| NodeRef::default()).collect();
    let Some(producer) = p.scenario.producers.first() else {
        return html! {};
    };
    let pc = &producer.config;
    let bc = &p.scenario.cluster.config;
    let group = p.scenario.consumer_groups.first();
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
                        { for ["0", "1", "all"].iter().map(|a| html! { <option value={*a} selected={pc.acks.as_str() == *a}>{ *a }</option> }) }
                    </select>
                </label>
                <label>{ "linger.ms" }<input ref={refs[1].clone()} type="number" min="0" value={pc.linger_ms.to_string()} aria-label="linger.ms" /></label>
                <label>{ "batch.size" }<input ref={refs[2].clone()} type="number" min="1" value={pc.batch_size.to_string()} aria-label="batch.size" /></label>
                <label>{ "enable.idempotence" }<input ref={refs[3].clone()} type="checkbox" checked={pc.enable_idempotence} aria-label="enable.idempotence" /></label>
                <label>{ "min.insync.replicas" }<input ref={refs[4].clone()} type="number" min="1" value={bc.min_insync_replicas.to_string()} aria-label="min.insync.replicas" /></label>
                <label>{ "unclean.leader.election.enable" }<input ref={refs[5].clone()} type="checkbox" checked={bc.unclean_leader_election_enable} aria-label="unclean.leader.election.enable" /></label>
                if let Some(g) = group {
                    <label>{ format!("{} max.poll.records", g.group_id) }<input ref={refs[6].clone()} type="number" min="1" value={g.config.max_poll_records.to_string()} aria-label="max.poll.records" /></label>
                }
            </div>
            <button {onclick}>{ t(l, "cfg.apply") }</button>
            <p class="hint">{ t(l, "cfg.hint") }</p>
        </details>
    }
}
