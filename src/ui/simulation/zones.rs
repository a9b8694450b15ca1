//! The frame's racks-and-zones part (issue 20): the brokers' racks, the live cross-zone traffic
//! and the risky settings of the scenario running, rebuilt a few times a second (the risks only
//! when the scenario changes).

use std::rc::Rc;

use crate::engine::racks::CrossZone;
use crate::scenario_file::ScenarioWarning;
use crate::view_model::zones::{brokers_by_rack, risks};

use super::core::Core;

/// Zones refresh at most this often (wall ms).
const ZONES_TICK_MS: f64 = 250.0;

/// What the page shows of racks and zones.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ZonesView {
    /// Racks and their brokers (empty without racks).
    pub racks: Rc<Vec<(String, Vec<u32>)>>,
    /// Cross-zone traffic so far (clusters with racks).
    pub cross: Option<CrossZone>,
    /// Risky settings of the scenario, with their reasons.
    pub risks: Rc<Vec<ScenarioWarning>>,
}

impl Core {
    /// Rebuilds the zones part when due (`ts`: wall ms).
    pub(super) fn build_zones(&mut self, ts: f64) {
        if !self.dirty && ts - self.zones_at < ZONES_TICK_MS {
            return;
        }
        self.zones_at = ts;
        let e = self.session.engine();
        let mut v = (*self.frame.zones).clone();
        let racks = brokers_by_rack(&e.broker_racks());
        if racks != *v.racks {
            v.racks = Rc::new(racks);
        }
        v.cross = e.cross_zone();
        if !Rc::ptr_eq(&self.frame.scenario, &self.zones_scenario) {
            self.zones_scenario = self.frame.scenario.clone();
            let r = risks(&self.frame.scenario);
            if r != *v.risks {
                v.risks = Rc::new(r);
            }
        }
        if v != *self.frame.zones {
            self.frame.zones = Rc::new(v);
        }
    }
}
