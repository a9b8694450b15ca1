//! Live configuration: a producer's, the brokers' or a group's configs, changed in place. Only
//! the fields that differ from what is in effect are applied (each as a `set_config`
//! intervention, validated, logged and recorded in the scenario); a producer change never
//! touches the consumers.

use std::rc::Rc;

use yew::prelude::*;

use super::super::form::{read, use_form_fields};
use crate::engine::scenario::Scenario;
use crate::engine::snapshot::LiveConfigs;
use crate::engine::Command;
use crate::i18n::t;
use crate::ui::cluster::lit;
use crate::ui::simulation::{SimHandle, SimRequest};
use crate::ui::state::use_page;
use crate::view_model::client_code::{group_code, producer_code, ClientLang};

/// Properties.
#[derive(Properties, PartialEq)]
pub struct ConfigProps {
    /// The configs in effect.
    pub configs: Rc<LiveConfigs>,
    /// Lesson highlight targets.
    pub highlight: AttrValue,
    /// The scenario running (the clients' workloads, for "show the code").
    pub scenario: Rc<Scenario>,
    /// Compare mode: the form edits run B.
    #[prop_or_default]
    pub run_b: bool,
}

/// The program a target stands for (`None` for the brokers).
fn client_program(c: &LiveConfigs, s: &Scenario, target: &str, lang: ClientLang) -> Option<String> {
    if let Some(id) = target.strip_prefix("producer:") {
        let spec = s.producers.iter().find(|p| p.id == id)?;
        let (_, cfg) = c.producers.iter().find(|(x, _)| x == id)?;
        Some(producer_code(spec, cfg, lang))
    } else if let Some(id) = target.strip_prefix("group:") {
        let spec = s.consumer_groups.iter().find(|g| g.group_id == id)?;
        let (_, cfg) = c.groups.iter().find(|(x, _)| x == id)?;
        Some(group_code(spec, cfg, lang))
    } else {
        None
    }
}

/// The fields of a target: (config key, current value, kind).
fn fields(c: &LiveConfigs, target: &str) -> Vec<(&'static str, String, &'static str)> {
    if let Some(id) = target.strip_prefix("producer:") {
        let Some((_, p)) = c.producers.iter().find(|(x, _)| x == id) else {
            return Vec::new();
        };
        vec![
            ("acks", p.acks.as_str().to_string(), "acks"),
            ("linger.ms", p.linger_ms.to_string(), "number"),
            ("batch.size", p.batch_size.to_string(), "number"),
            (
                "enable.idempotence",
                p.enable_idempotence.to_string(),
                "bool",
            ),
        ]
    } else if let Some(id) = target.strip_prefix("group:") {
        let Some((_, g)) = c.groups.iter().find(|(x, _)| x == id) else {
            return Vec::new();
        };
        vec![("max.poll.records", g.max_poll_records.to_string(), "number")]
    } else {
        vec![
            (
                "min.insync.replicas",
                c.broker.min_insync_replicas.to_string(),
                "number",
            ),
            (
                "unclean.leader.election.enable",
                c.broker.unclean_leader_election_enable.to_string(),
                "bool",
            ),
        ]
    }
}

/// The form.
#[function_component(ConfigPanel)]
pub fn config_panel(p: &ConfigProps) -> Html {
    let page = use_page();
    let sim = use_context::<SimHandle>().expect("SimHandle");
    let l = page.lang;
    let default_target = p
        .configs
        .producers
        .first()
        .map(|(id, _)| format!("producer:{id}"))
        .unwrap_or_else(|| "broker".into());
    let target = use_state(|| default_target.clone());
    let current = if fields(&p.configs, &target).is_empty() {
        default_target
    } else {
        (*target).clone()
    };
    let fs = fields(&p.configs, &current);
    let code_lang = use_state(|| ClientLang::Python);
    let program = client_program(&p.configs, &p.scenario, &current, *code_lang);
    let refs = use_form_fields(
        4,
        (current.clone(), fs.clone()),
        fs.iter().map(|f| f.1.clone()).collect(),
    );
    let on_target = {
        let target = target.clone();
        Callback::from(move |e: Event| {
            target.set(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            )
        })
    };
    let onclick = {
        let refs = refs.clone();
        let fs = fs.clone();
        let current = current.clone();
        Callback::from(move |_: MouseEvent| {
            for (r, (key, old, _)) in refs.iter().zip(&fs) {
                let Some(v) = read(r) else { continue };
                let v = v.trim().to_string();
                if v != *old {
                    sim.send(SimRequest::Intervene(Command::SetConfig {
                        target: current.clone(),
                        key: key.to_string(),
                        value: v,
                    }));
                }
            }
        })
    };
    let class = classes!(
        "config-panel",
        "live-config",
        "panel",
        lit(&p.highlight, "config").then_some("lesson-highlight")
    );
    html! {
        <details {class} open={lit(&p.highlight, "config") || p.run_b} data-run={if p.run_b { "b" } else { "a" }}>
            <summary>{ t(l, "cfg.title") }{ if p.run_b { " — B" } else { "" } }</summary>
            if p.run_b {
                <p class="hint run-b-note">{ t(l, "compare.editing_b") }</p>
            }
            <label class="field">{ t(l, "cfg.target") }
                <select aria-label="Config target" onchange={on_target}>
                    { for p.configs.producers.iter().map(|(id, _)| {
                        let v = format!("producer:{id}");
                        html! { <option value={v.clone()} selected={v == current}>{ format!("producer {id}") }</option> }
                    }) }
                    <option value="broker" selected={current == "broker"}>{ t(l, "cfg.brokers") }</option>
                    { for p.configs.groups.iter().map(|(id, _)| {
                        let v = format!("group:{id}");
                        html! { <option value={v.clone()} selected={v == current}>{ format!("group {id}") }</option> }
                    }) }
                </select>
            </label>
            <div class="cfg-grid">
                { for fs.iter().zip(refs.iter()).map(|((key, _, kind), r)| html! {
                    <label>{ *key }
                        if *kind == "acks" {
                            <select ref={r.clone()} aria-label={*key}>
                                { for ["0", "1", "all"].iter().map(|a| html! { <option value={*a}>{ *a }</option> }) }
                            </select>
                        } else if *kind == "bool" {
                            <input ref={r.clone()} type="checkbox" aria-label={*key} />
                        } else {
                            <input ref={r.clone()} type="text" inputmode="numeric" aria-label={*key} />
                        }
                    </label>
                }) }
            </div>
            <button class="apply" {onclick}>{ t(l, "cfg.apply") }</button>
            <p class="hint">{ t(l, "cfg.hint") }</p>
            if let Some(code) = program {
                <details class="client-code">
                    <summary>{ t(l, "cfg.code") }</summary>
                    <div class="code-langs" role="group" aria-label={t(l, "cfg.code")}>
                        { for [(ClientLang::Python, "kafka-python"), (ClientLang::Java, "Java")].into_iter().map(|(lang, name)| {
                            let code_lang = code_lang.clone();
                            let pressed = *code_lang == lang;
                            html! {
                                <button aria-pressed={pressed.to_string()} onclick={Callback::from(move |_: MouseEvent| code_lang.set(lang))}>{ name }</button>
                            }
                        }) }
                    </div>
                    <pre class="code" aria-label="Client code"><code>{ code }</code></pre>
                    <p class="hint">{ t(l, "cfg.code.hint") }</p>
                </details>
            }
        </details>
    }
}
