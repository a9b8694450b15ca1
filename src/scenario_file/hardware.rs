//! `cluster.hardware`: a built-in profile name, or an object with a base profile and overrides
//! in human units.

use serde_json::{Map, Value};

use super::json::{err, Obj};
use super::{caps, Detail, FixedReason, JsonType, Lookup, NotFound, ScenarioError};
use crate::engine::config::registry::nearest;
use crate::engine::config::HardwareProfile;

/// An override: JSON field, unit factor to the profile's integer unit, allowed range.
struct Field {
    name: &'static str,
    factor: f64,
    min: f64,
    max: f64,
    get: fn(&HardwareProfile) -> u64,
    set: fn(&mut HardwareProfile, u64),
}

const FIELDS: &[Field] = &[
    Field {
        name: "nic_gbps",
        factor: 1e9,
        min: 0.001,
        max: 1_000.0,
        get: |h| h.nic_bits_per_s,
        set: |h, v| h.nic_bits_per_s = v,
    },
    Field {
        name: "disk_write_mb_per_s",
        factor: 1e6,
        min: 1.0,
        max: 100_000.0,
        get: |h| h.disk_write_bytes_per_s,
        set: |h, v| h.disk_write_bytes_per_s = v,
    },
    Field {
        name: "disk_read_mb_per_s",
        factor: 1e6,
        min: 1.0,
        max: 100_000.0,
        get: |h| h.disk_read_bytes_per_s,
        set: |h, v| h.disk_read_bytes_per_s = v,
    },
    Field {
        name: "cpu_us_per_request",
        factor: 1e3,
        min: 0.0,
        max: 1_000_000.0,
        get: |h| h.cpu_ns_per_request,
        set: |h, v| h.cpu_ns_per_request = v,
    },
    Field {
        name: "cpu_ns_per_record",
        factor: 1.0,
        min: 0.0,
        max: 1_000_000.0,
        get: |h| h.cpu_ns_per_record,
        set: |h, v| h.cpu_ns_per_record = v,
    },
    Field {
        name: "net_latency_us",
        factor: 1e3,
        min: 1.0,
        max: 10_000_000.0,
        get: |h| h.net_latency_min_ns,
        set: |h, v| h.net_latency_min_ns = v,
    },
    Field {
        name: "client_ns_per_record",
        factor: 1.0,
        min: 0.0,
        max: 1_000_000.0,
        get: |h| h.client_ns_per_record,
        set: |h, v| h.client_ns_per_record = v,
    },
    Field {
        name: "gc_pause_ms",
        factor: 1e6,
        min: 0.0,
        max: 10_000.0,
        get: |h| h.gc_pause_ns,
        set: |h, v| h.gc_pause_ns = v,
    },
    Field {
        name: "gc_interval_ms",
        factor: 1e6,
        min: 0.0,
        max: 3_600_000.0,
        get: |h| h.gc_interval_ns,
        set: |h, v| h.gc_interval_ns = v,
    },
    Field {
        name: "ram_gb",
        factor: 1e9,
        min: 0.1,
        max: 100_000.0,
        get: |h| h.ram_bytes,
        set: |h, v| h.ram_bytes = v,
    },
    Field {
        name: "net_jitter_us",
        factor: 1e3,
        min: 0.0,
        max: 10_000_000.0,
        get: |h| h.net_latency_jitter_ns,
        set: |h, v| h.net_latency_jitter_ns = v,
    },
];

const KEYS: &[&str] = &[
    "profile",
    "name",
    "nic_gbps",
    "disk_write_mb_per_s",
    "disk_read_mb_per_s",
    "cpu_us_per_request",
    "cpu_ns_per_record",
    "net_latency_us",
    "net_jitter_us",
    "ram_gb",
    "client_ns_per_record",
    "gc_pause_ms",
    "gc_interval_ms",
];

fn builtin(v: &Value, path: &str, name: &str) -> Result<HardwareProfile, ScenarioError> {
    HardwareProfile::by_name(name).ok_or_else(|| {
        let reason = NotFound {
            what: Lookup::Hardware,
            suggestion: nearest(name, HardwareProfile::BUILT_IN).map(str::to_string),
            known: HardwareProfile::BUILT_IN
                .iter()
                .map(|s| s.to_string())
                .collect(),
        };
        err(path, Some(v), reason)
    })
}

/// Reads `cluster.hardware` (absent → `cloud`).
pub(super) fn parse(v: Option<&Value>, path: &str) -> Result<HardwareProfile, ScenarioError> {
    let Some(v) = v else {
        return Ok(HardwareProfile::cloud());
    };
    if let Value::String(s) = v {
        return builtin(v, path, s);
    }
    if !v.is_object() {
        return Err(err(
            path,
            Some(v),
            Detail::ProfileOrObject {
                got: JsonType::of(v),
            },
        ));
    }
    let o = Obj::new(v, path, "a hardware profile", KEYS)?;
    let mut h = match o.get("profile") {
        Some(p @ Value::String(s)) => builtin(p, &o.at("profile"), s)?,
        Some(p) => return Err(err(&o.at("profile"), Some(p), FixedReason::ProfileExpected)),
        None => HardwareProfile::cloud(),
    };
    if let Some(name) = o.ident("name", caps::MAX_ID)? {
        h.name = name.to_string();
    }
    for f in FIELDS {
        if o.get(f.name).is_some() {
            let x = o.real_or(f.name, 0.0, f.min, f.max)?;
            (f.set)(&mut h, (x * f.factor).round() as u64);
        }
    }
    Ok(h)
}

/// Writes a profile back: its name when it is exactly a built-in one, else the base profile
/// plus the fields that differ.
pub(super) fn emit(h: &HardwareProfile) -> Value {
    let named = HardwareProfile::by_name(&h.name);
    if named.as_ref() == Some(h) {
        return Value::String(h.name.clone());
    }
    let base = named.clone().unwrap_or_else(HardwareProfile::cloud);
    let mut m = Map::new();
    m.insert("profile".into(), Value::String(base.name.clone()));
    if named.is_none() {
        m.insert("name".into(), Value::String(h.name.clone()));
    }
    for f in FIELDS {
        let (mine, theirs) = ((f.get)(h), (f.get)(&base));
        if mine != theirs {
            let x = mine as f64 / f.factor;
            if let Some(n) = serde_json::Number::from_f64(x) {
                m.insert(f.name.into(), Value::Number(n));
            }
        }
    }
    Value::Object(m)
}
