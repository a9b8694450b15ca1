//! `cluster.racks` and `cluster.cross_zone_usd_per_gb`: the racks (availability zones) brokers
//! are in (their `broker.rack`) and the price of traffic between them.

use serde_json::Value;

use super::json::{err, index, wrong, Ctx, Obj};
use super::{ExpectedJson, ScenarioError, ScenarioReason};

/// Most racks a cluster may name.
pub const MAX_RACKS: usize = 16;
/// Longest rack name.
pub const MAX_RACK_NAME: usize = 64;
/// Highest `cross_zone_usd_per_gb`.
pub const MAX_USD_PER_GB: f64 = 100.0;

/// The rack names (empty when absent); each non-empty, distinct and at most
/// [`MAX_RACK_NAME`] characters.
pub(super) fn parse(o: &Obj) -> Result<Vec<String>, ScenarioError> {
    let path = o.at("racks");
    let items = super::parse::array(o, "racks", MAX_RACKS)?;
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        let at = index(&path, i);
        let name = rack_name(&at, v)?;
        if let Some(first) = out.iter().position(|n| n == name) {
            return Err(err(
                &at,
                Some(v),
                ScenarioReason::Duplicate {
                    what: super::Duplicated::Rack,
                    also: index(&path, first),
                },
            ));
        }
        out.push(name.clone());
    }
    Ok(out)
}

/// `broker_racks`: each broker's `broker.rack` by hand (one name per broker, in broker order;
/// brokers may share a rack). With `racks` given, every name must be one of them; without, the
/// racks are the distinct names in order of first appearance. Returns the racks and the
/// per-broker names (empty when absent).
pub(super) fn broker_racks(
    o: &Obj,
    brokers: u32,
    racks: Vec<String>,
) -> Result<(Vec<String>, Vec<String>), ScenarioError> {
    let path = o.at("broker_racks");
    let Some(v) = o.get("broker_racks") else {
        return Ok((racks, Vec::new()));
    };
    let items = super::parse::array(
        o,
        "broker_racks",
        crate::engine::limits::MAX_BROKERS as usize,
    )?;
    if items.len() != brokers as usize {
        return Err(err(
            &path,
            Some(v),
            ScenarioReason::Detail(Box::new(super::Detail::BrokerRacksLength {
                brokers: brokers as u64,
                len: items.len() as u64,
            })),
        ));
    }
    let given = !racks.is_empty();
    let mut racks = racks;
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        let at = index(&path, i);
        let name = rack_name(&at, v)?;
        if !racks.contains(name) {
            if given {
                let known = racks.clone();
                let reason = super::NotFound {
                    what: super::Lookup::Rack,
                    suggestion: crate::engine::config::registry::nearest(
                        name,
                        known.iter().map(String::as_str),
                    )
                    .map(str::to_string),
                    known,
                };
                return Err(err(&at, Some(v), ScenarioReason::NotFound(reason)));
            }
            if racks.len() == MAX_RACKS {
                return Err(err(
                    &at,
                    Some(v),
                    ScenarioReason::TooManyEntries {
                        len: racks.len() + 1,
                        max: MAX_RACKS,
                    },
                ));
            }
            racks.push(name.clone());
        }
        out.push(name.clone());
    }
    Ok((racks, out))
}

/// A rack name at `at`: a string, not blank, at most [`MAX_RACK_NAME`] characters.
fn rack_name<'a>(at: &str, v: &'a Value) -> Result<&'a String, ScenarioError> {
    let Value::String(name) = v else {
        return Err(err(at, Some(v), wrong(ExpectedJson::String, v)));
    };
    if name.trim().is_empty() {
        return Err(err(at, Some(v), ScenarioReason::MustNotBeEmpty));
    }
    if name.chars().count() > MAX_RACK_NAME {
        return Err(err(
            at,
            Some(v),
            ScenarioReason::TooLong { max: MAX_RACK_NAME },
        ));
    }
    Ok(name)
}

/// `cross_zone_usd_per_gb`, default 0.02.
pub(super) fn price(o: &Obj) -> Result<f64, ScenarioError> {
    o.real_or(
        "cross_zone_usd_per_gb",
        crate::engine::scenario::default_cross_zone_usd_per_gb(),
        0.0,
        MAX_USD_PER_GB,
    )
}

/// A consumer `client.rack` the cluster does not have is a warning: it fetches from the leader.
pub(super) fn client_rack_warnings(s: &crate::engine::scenario::Scenario, ctx: &mut Ctx) {
    for (i, g) in s.consumer_groups.iter().enumerate() {
        let rack = &g.config.client_rack;
        if rack.is_empty() || s.cluster.racks.contains(rack) {
            continue;
        }
        let path = format!("consumer_groups[{i}].config.client.rack");
        if s.cluster.racks.is_empty() {
            ctx.warn(
                path,
                format!(
                    "`{rack}`: the cluster has no racks (set cluster.racks), so the consumers \
                     fetch from leaders"
                ),
            );
        } else {
            ctx.warn(
                path,
                format!(
                    "`{rack}` is not one of the cluster's racks ({}): the consumers fetch from \
                     leaders",
                    s.cluster.racks.join(", ")
                ),
            );
        }
    }
}
