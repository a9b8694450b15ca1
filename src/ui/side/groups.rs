//! Consumer groups and their lag, both definitions labelled and explained: the consumers'
//! `records-lag` (high watermark − position) and the committed lag that
//! `kafka-consumer-groups.sh --describe` shows (high watermark − committed offset).

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::snapshot::ClusterSnapshot;
use crate::i18n::{t, tf};
use crate::ui::cluster::lit;
use crate::ui::state::use_page;

/// Properties.
#[derive(Properties, PartialEq)]
pub struct GroupsProps {
    /// The cluster now.
    pub snap: Option<Rc<ClusterSnapshot>>,
    /// Lesson highlight targets.
    pub highlight: AttrValue,
}

/// The groups panel (none without groups).
#[function_component(GroupsPanel)]
pub fn groups_panel(p: &GroupsProps) -> Html {
    let l = use_page().lang;
    let Some(snap) = &p.snap else {
        return html! {};
    };
    if snap.groups.is_empty() {
        return html! {};
    }
    let lit_any = snap
        .groups
        .iter()
        .any(|g| lit(&p.highlight, &format!("group:{}", g.group_id)));
    html! {
        <section class={classes!("groups", "panel", lit_any.then_some("lesson-highlight"))} aria-label={t(l, "ui.groups")}>
            <h2>{ t(l, "ui.groups") }</h2>
            <table>
                <thead><tr>
                    <th scope="col">{ "group.id" }</th>
                    <th scope="col">{ t(l, "ui.groups.members") }</th>
                    <th scope="col" class="lag-records">{ "records-lag" }</th>
                    <th scope="col" class="lag-committed">{ t(l, "ui.groups.committed_lag") }</th>
                </tr></thead>
                <tbody>
                    { for snap.groups.iter().map(|g| {
                        let alive = g.members.iter().filter(|&&c| snap.consumers.get(c as usize).map(|x| x.alive).unwrap_or(false)).count();
                        html! {
                            <tr>
                                <th scope="row">{ g.group_id.clone() }</th>
                                <td>{ format!("{alive}/{}", g.members.len()) }</td>
                                <td>{ g.records_lag }</td>
                                <td>{ g.committed_lag }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            <p class="def"><strong>{ "records-lag" }</strong>{ t(l, "ui.groups.records_def") }</p>
            <p class="def"><strong>{ t(l, "ui.groups.committed_lag") }</strong>{ tf(l, "ui.groups.committed_def", &[]) }</p>
        </section>
    }
}
