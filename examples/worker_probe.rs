//! The engine behind a small API for a Web Worker: `tests/bench/worker_eval.mjs` runs it in a
//! worker that posts snapshots to a page, to measure the worker design against the page's
//! main-thread design (what speed the engine reaches, what receiving snapshots costs the main
//! thread). Not part of the page.

#[cfg(target_arch = "wasm32")]
mod probe {
    use kafka_sim::engine::snapshot::ClusterSnapshot;
    use kafka_sim::engine::time::MILLIS;
    use kafka_sim::view_model::session::Session;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    fn now() -> f64 {
        js_sys::Reflect::get(&js_sys::global(), &"performance".into())
            .ok()
            .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
            .map(|p| p.now())
            .unwrap_or(0.0)
    }

    /// A running scenario.
    #[wasm_bindgen]
    pub struct Probe {
        session: Session,
    }

    #[wasm_bindgen]
    impl Probe {
        /// Parses and starts a scenario.
        #[wasm_bindgen(constructor)]
        pub fn new(json: &str) -> Result<Probe, JsValue> {
            let s = kafka_sim::scenario_file::parse_scenario(json)
                .map_err(|e| JsValue::from_str(&e.to_string()))?;
            Ok(Probe {
                session: Session::new(s),
            })
        }

        /// Runs towards `target_ms` (simulated) for at most `budget_ms` of wall time; returns
        /// the simulated ms reached.
        pub fn advance(&mut self, target_ms: f64, budget_ms: f64) -> f64 {
            let target = if target_ms.is_finite() {
                (target_ms * MILLIS as f64) as u64
            } else {
                u64::MAX
            };
            self.session.advance(target, budget_ms, 250, &mut now);
            self.session.absorb();
            self.now_ms()
        }

        /// Simulated ms now.
        pub fn now_ms(&self) -> f64 {
            self.session.engine().now() as f64 / MILLIS as f64
        }

        /// The snapshot the page draws, as JSON.
        pub fn snapshot_json(&self) -> String {
            serde_json::to_string(&self.session.engine().snapshot()).unwrap_or_default()
        }
    }

    /// What the page would do with a posted snapshot: read it back into its Rust form.
    /// Returns the partitions read (so the work is not optimised away).
    #[wasm_bindgen]
    pub fn read_snapshot(json: &str) -> f64 {
        serde_json::from_str::<ClusterSnapshot>(json)
            .map(|s| s.partitions.len() as f64)
            .unwrap_or(-1.0)
    }
}
