//! Actions on the elements themselves: a broker, a link, a producer, a consumer, a group or the
//! controller opens a small menu (click, right-click, Enter, Space or the context-menu key) whose
//! items are named with their target ("crash broker 2"). Focus moves into the menu and returns
//! to the element when it closes.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::snapshot::{ClusterSnapshot, Endpoint, OverviewSnapshot};
use crate::engine::Command;
use crate::i18n::{tf, Lang};
use crate::ui::state::Zoom;
use crate::view_model::event_log::command_text;
use crate::view_model::names::Names;

/// What a menu acts on.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A broker.
    Broker(u32),
    /// A producer (index).
    Producer(u32),
    /// A consumer (index).
    Consumer(u32),
    /// A consumer group (index).
    Group(usize),
    /// The controller.
    Controller,
    /// A link between two brokers.
    Link(u32, u32),
}

impl Target {
    /// The DOM id of the element the menu opened from (focus returns there).
    pub fn dom_id(&self) -> String {
        match self {
            Target::Broker(b) => format!("node-broker-{b}"),
            Target::Producer(i) => format!("node-producer-{i}"),
            Target::Consumer(i) => format!("node-consumer-{i}"),
            Target::Group(g) => format!("node-group-{g}"),
            Target::Controller => "node-controller".into(),
            Target::Link(a, b) => format!("link-{a}-{b}"),
        }
    }
}

/// What an item does.
#[derive(Clone, Debug, PartialEq)]
pub enum Act {
    /// Intervene.
    Command(Command),
    /// Zoom.
    Zoom(Zoom),
}

/// A menu item: its accessible name and what it does.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Text (names the target).
    pub label: String,
    /// Action.
    pub act: Act,
}

/// An open menu (docked in a corner of the cluster view, so it never covers the element it acts
/// on and needs no computed position).
#[derive(Clone, Debug, PartialEq)]
pub struct OpenMenu {
    /// On what.
    pub target: Target,
}

fn cmd(lang: Lang, c: Command) -> Item {
    Item {
        label: command_text(&c, lang),
        act: Act::Command(c),
    }
}

/// Slow-down factors the menu offers (disk and network, as `slow_broker` takes them).
const SLOW: f64 = 20.0;

/// The state a broker menu depends on.
pub struct BrokerState {
    /// Running.
    pub alive: bool,
    /// All links cut.
    pub isolated: bool,
    /// Disk or NIC slowed.
    pub slow: bool,
}

/// Whether consumer `c` is running.
fn running(d: &ClusterSnapshot, c: u32) -> bool {
    d.consumers
        .get(c as usize)
        .map(|x| x.alive)
        .unwrap_or(false)
}

/// The items for `target`.
pub fn items(
    lang: Lang,
    target: &Target,
    detail: Option<&ClusterSnapshot>,
    overview: Option<&OverviewSnapshot>,
) -> Vec<Item> {
    let broker_state = |b: u32| -> Option<BrokerState> {
        let s = detail
            .and_then(|d| d.brokers.iter().find(|x| x.id == b))
            .or_else(|| overview.and_then(|o| o.brokers.iter().find(|x| x.id == b)))?;
        Some(BrokerState {
            alive: s.alive,
            isolated: s.isolated,
            slow: s.disk_factor > 1.0 || s.nic_factor > 1.0,
        })
    };
    let mut out = Vec::new();
    match target {
        Target::Broker(b) => {
            let b = *b;
            let st = broker_state(b).unwrap_or(BrokerState {
                alive: true,
                isolated: false,
                slow: false,
            });
            if st.alive {
                out.push(cmd(lang, Command::CrashBroker { broker: b }));
            } else {
                out.push(cmd(lang, Command::RestartBroker { broker: b }));
            }
            if st.isolated {
                out.push(cmd(lang, Command::HealNetwork));
            } else {
                out.push(cmd(lang, Command::IsolateBroker { broker: b }));
            }
            if st.slow {
                out.push(cmd(
                    lang,
                    Command::SlowBroker {
                        broker: b,
                        disk_factor: 1.0,
                        nic_factor: 1.0,
                    },
                ));
            } else {
                out.push(cmd(
                    lang,
                    Command::SlowBroker {
                        broker: b,
                        disk_factor: SLOW,
                        nic_factor: 1.0,
                    },
                ));
            }
            out.push(Item {
                label: tf(lang, "menu.zoom_broker", &[("b", b.to_string())]),
                act: Act::Zoom(Zoom::Broker(b)),
            });
        }
        Target::Link(a, b) => {
            let cut = detail.map(|d| {
                d.cut_links.iter().any(|l| {
                    matches!((l.a, l.b), (Endpoint::Broker(x), Endpoint::Broker(y)) if (x, y) == (*a, *b) || (x, y) == (*b, *a))
                })
            });
            if cut == Some(true) {
                out.push(cmd(lang, Command::HealNetwork));
            } else {
                out.push(cmd(
                    lang,
                    Command::CutLink {
                        from: *a,
                        to: *b,
                        one_way: false,
                    },
                ));
                out.push(cmd(
                    lang,
                    Command::CutLink {
                        from: *a,
                        to: *b,
                        one_way: true,
                    },
                ));
                out.push(cmd(
                    lang,
                    Command::CutLink {
                        from: *b,
                        to: *a,
                        one_way: true,
                    },
                ));
            }
        }
        Target::Consumer(c) => {
            if let Some(d) = detail {
                if let Some((group, member)) = Names::member_number(d, *c) {
                    if running(d, *c) {
                        out.push(cmd(
                            lang,
                            Command::CrashConsumer {
                                group: group.clone(),
                                member,
                            },
                        ));
                    } else {
                        out.push(cmd(
                            lang,
                            Command::RestartConsumer {
                                group: group.clone(),
                                member,
                            },
                        ));
                    }
                    out.push(cmd(lang, Command::AddConsumer { group }));
                }
            }
        }
        Target::Group(g) => {
            let group = detail
                .and_then(|d| d.groups.get(*g).map(|x| x.group_id.clone()))
                .or_else(|| overview.and_then(|o| o.groups.get(*g).map(|x| x.group_id.clone())));
            if let Some(group) = group {
                if let Some(d) = detail {
                    let gs = &d.groups[*g];
                    if let Some(k) = gs.members.iter().position(|&c| running(d, c)) {
                        out.push(cmd(
                            lang,
                            Command::CrashConsumer {
                                group: group.clone(),
                                member: k as u32,
                            },
                        ));
                    }
                }
                out.push(cmd(lang, Command::AddConsumer { group }));
            }
        }
        Target::Controller => {
            out.push(cmd(lang, Command::HealNetwork));
        }
        Target::Producer(i) => {
            // Quick live changes the lessons compare: acks and linger.ms.
            if let Some(p) = detail.and_then(|d| d.producers.get(*i as usize)) {
                let set = |key: &str, value: &str| {
                    cmd(
                        lang,
                        Command::SetConfig {
                            target: format!("producer:{}", p.id),
                            key: key.into(),
                            value: value.into(),
                        },
                    )
                };
                for acks in ["all", "1", "0"] {
                    if p.acks != acks {
                        out.push(set("acks", acks));
                    }
                }
                out.push(set("linger.ms", if p.linger_ms == 0 { "50" } else { "0" }));
            }
        }
    }
    out
}

/// Properties of the menu popover.
#[derive(Properties, PartialEq)]
pub struct MenuProps {
    /// The open menu.
    pub menu: OpenMenu,
    /// Its items.
    pub items: Rc<Vec<Item>>,
    /// A title naming the target.
    pub title: AttrValue,
    /// An item was chosen.
    pub on_choose: Callback<Act>,
    /// Closed without choosing.
    pub on_close: Callback<()>,
    /// The close item's text.
    pub close_label: AttrValue,
}

/// The popover.
#[function_component(ActionMenu)]
pub fn action_menu(p: &MenuProps) -> Html {
    let first = use_node_ref();
    {
        let first = first.clone();
        use_effect_with(p.menu.clone(), move |_| {
            if let Some(b) = first.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let onkeydown = {
        let on_close = p.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if key == "Escape" || key == "Tab" {
                e.prevent_default();
                on_close.emit(());
                return;
            }
            if key == "ArrowDown" || key == "ArrowUp" {
                e.prevent_default();
                let Some(cur) = e
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                else {
                    return;
                };
                let next = if key == "ArrowDown" {
                    cur.next_element_sibling()
                } else {
                    cur.previous_element_sibling()
                };
                if let Some(n) = next
                    .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(n).ok())
                {
                    let _ = n.focus();
                }
            }
        })
    };
    html! {
        <div class="menu-pop" role="menu" aria-label={p.title.clone()} {onkeydown}>
            <div class="menu-title">{ p.title.clone() }</div>
            <div class="menu-items">
                { for p.items.iter().enumerate().map(|(i, it)| {
                    let on_choose = p.on_choose.clone();
                    let act = it.act.clone();
                    let r = if i == 0 { first.clone() } else { NodeRef::default() };
                    html! {
                        <button ref={r} role="menuitem" onclick={Callback::from(move |_| on_choose.emit(act.clone()))}>{ it.label.clone() }</button>
                    }
                }) }
                <button role="menuitem" class="close" onclick={p.on_close.reform(|_| ())}>{ p.close_label.clone() }</button>
            </div>
        </div>
    }
}
