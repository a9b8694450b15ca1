//! Tests that run in headless Chromium (`wasm-pack test --headless --chrome`): the engine gives
//! the same results as natively, the core engine tests pass as wasm too, and the page's
//! components render from engine snapshots.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/rng_vectors.rs"]
mod rng_vectors;

// The core engine tests (determinism, elections, ISR, acks=all/acks=1 under crashes,
// NOT_ENOUGH_REPLICAS, offline partitions, KIP-101 truncation) run here too, as wasm.
#[path = "engine_cluster.rs"]
mod engine_cluster;
#[path = "engine_kraft.rs"]
mod engine_kraft;
#[path = "engine_min_isr.rs"]
mod engine_min_isr;
#[path = "engine_offsets.rs"]
mod engine_offsets;
#[path = "engine_replication.rs"]
mod engine_replication;
#[path = "engine_truncation.rs"]
mod engine_truncation;

use kafka_sim::engine::golden::{golden_run, GOLDEN};

#[wasm_bindgen_test]
fn engine_trace_hash_equals_the_native_one() {
    assert_eq!(golden_run(), GOLDEN);
}

/// The heap grows in large steps (`kafka_sim::wasm_heap`): allocating in 4 KB pieces until the
/// wasm memory has grown twice, each growth is at least 8 MB (the step is 16 MB or half the
/// heap), where the plain allocator grows it by a page or two at a time (each `memory.grow`
/// costs V8 more the larger the memory).
#[wasm_bindgen_test]
fn the_heap_grows_in_a_few_large_steps() {
    let pages = || core::arch::wasm32::memory_size(0);
    let mut sizes = vec![pages()];
    let mut kept: Vec<Vec<u8>> = Vec::new();
    while sizes.len() < 3 && kept.len() < 196_608 {
        kept.push(vec![1u8; 4096]);
        if *sizes.last().unwrap() != pages() {
            sizes.push(pages());
        }
    }
    assert_eq!(sizes.len(), 3, "the memory grew twice within 768 MB");
    for w in sizes.windows(2) {
        assert!(
            w[1] - w[0] >= 128,
            "a growth of {} pages of 64 KiB, under 8 MB: {sizes:?}",
            w[1] - w[0]
        );
    }
    drop(kept);
}

#[wasm_bindgen_test]
fn rng_streams_and_jitter_match_the_native_vectors() {
    // The same constants are asserted natively by tests/rng_vectors.rs.
    rng_vectors::check();
}

#[wasm_bindgen_test]
fn ln_and_powf_bits_match_the_native_vectors() {
    rng_vectors::check_float_bits();
}

/// A sample of lessons judged in the browser, as the page plays them: every claim holds in wasm
/// as it does natively (`tests/lessons.rs` judges all of them natively).
#[wasm_bindgen_test]
fn lesson_claims_hold_in_the_browser_too() {
    let lessons = kafka_sim::lessons::lessons();
    for id in ["acks", "rebalancing", "static-membership"] {
        let (i, lesson) = lessons
            .iter()
            .enumerate()
            .find(|(_, l)| l.id == id)
            .expect("lesson exists");
        let report = kafka_sim::lessons::check_lesson(lesson, i + 1);
        let failed: Vec<String> = report
            .steps
            .iter()
            .flat_map(|s| &s.verdicts)
            .filter(|v| !v.held)
            .map(|v| v.to_string())
            .collect();
        assert!(failed.is_empty(), "lesson {id} in wasm: {failed:?}");
        assert!(report.steps.iter().map(|s| s.verdicts.len()).sum::<usize>() >= 3);
    }
}

/// Mounts the page; the handle unmounts it (its animation loop would otherwise keep running
/// beside the engine tests that follow).
async fn mount() -> (web_sys::Element, yew::AppHandle<kafka_sim::ui::App>) {
    let doc = gloo::utils::document();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    let app = yew::Renderer::<kafka_sim::ui::App>::with_root(div.clone()).render();
    // The first frame builds the engine and the view: wait for the brokers (up to 10 s on a
    // loaded machine) rather than a fixed pause.
    for _ in 0..100 {
        yew::platform::time::sleep(std::time::Duration::from_millis(100)).await;
        if div
            .query_selector("svg.cluster-svg g.broker")
            .ok()
            .flatten()
            .is_some()
        {
            break;
        }
    }
    (div, app)
}

#[wasm_bindgen_test]
async fn page_renders_title_cluster_and_chart() {
    let (div, app) = mount().await;
    let html = div.inner_html();
    assert!(html.contains("KafkaSim"));
    assert_eq!(
        div.query_selector_all("svg.cluster-svg g.broker")
            .unwrap()
            .length(),
        3
    );
    assert!(div.query_selector("canvas.chart-canvas").unwrap().is_some());
    app.destroy();
}

#[wasm_bindgen_test]
async fn crashing_a_broker_from_its_menu_renders_it_as_crashed() {
    let (div, app) = mount().await;
    let broker = div
        .query_selector("svg.cluster-svg g.broker[data-broker=\"2\"]")
        .unwrap()
        .expect("broker 2 drawn");
    let click = |target: web_sys::Element| {
        let ev = web_sys::MouseEvent::new("click").unwrap();
        web_sys::EventTarget::from(target)
            .dispatch_event(&ev)
            .unwrap();
    };
    click(broker);
    yew::platform::time::sleep(std::time::Duration::from_millis(100)).await;
    let items = div.query_selector_all("[role=menuitem]").unwrap();
    let crash = (0..items.length())
        .filter_map(|i| items.item(i))
        .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
        .find(|e| e.text_content().as_deref() == Some("crash broker 2"))
        .expect("the menu names its target");
    click(crash);
    yew::platform::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(div
        .query_selector("svg.cluster-svg g.broker.down[data-broker=\"2\"]")
        .unwrap()
        .is_some());
    assert!(div.inner_html().contains("broker 2 crashed"));
    app.destroy();
}
