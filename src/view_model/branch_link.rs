//! The share link's fragment with branches (issue 17): `#s=CODE` is the run (every link made
//! before branches keeps loading as it did), and `&a=CODE&at=FROM-END` adds branch A — the old
//! future a change at a rewound time left behind — with where the branch left it and how far it
//! had run (simulated µs). The page replays branch A to draw it as a ghost. Parsing never panics;
//! a broken branch part is reported, the run itself still loads.

use crate::engine::time::{SimTime, MICROS};

/// The parts of a share fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fragment<'a> {
    /// The run's share code (`v1.…`).
    pub run: &'a str,
    /// Branch A: share code, where the branch left it and how far it ran (simulated ns).
    pub branch: Option<Result<(&'a str, SimTime, SimTime), BranchError>>,
}

/// Why the branch part of a link could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BranchError {
    /// `at=` is missing or not `FROM-END` in whole microseconds with FROM ≤ END.
    BadTimes,
}

/// Longest branch A replayed for its ghost (simulated): longer ones are cut here.
pub const MAX_GHOST: SimTime = 3_600 * crate::engine::time::SECONDS;

/// Splits a URL fragment (`#s=…` with or without `&a=…&at=…`); `None` without `#s=`.
pub fn parse_fragment(hash: &str) -> Option<Fragment<'_>> {
    let rest = hash.strip_prefix('#').unwrap_or(hash);
    let mut run = None;
    let mut a = None;
    let mut at = None;
    for part in rest.split('&') {
        if let Some(v) = part.strip_prefix("s=") {
            run = Some(v);
        } else if let Some(v) = part.strip_prefix("a=") {
            a = Some(v);
        } else if let Some(v) = part.strip_prefix("at=") {
            at = Some(v);
        }
    }
    let run = run?;
    let branch = a.map(|code| {
        let times = at.and_then(|t| {
            let (f, e) = t.split_once('-')?;
            let f: u64 = f.parse().ok()?;
            let e: u64 = e.parse().ok()?;
            (f <= e).then_some((f, e))
        });
        match times {
            Some((f, e)) => Ok((
                code,
                f.saturating_mul(MICROS),
                e.saturating_mul(MICROS).min(MAX_GHOST),
            )),
            None => Err(BranchError::BadTimes),
        }
    });
    Some(Fragment { run, branch })
}

/// The fragment (without `#`) for a run and, optionally, its branch A.
pub fn fragment(run: &str, branch: Option<(&str, SimTime, SimTime)>) -> String {
    match branch {
        None => format!("s={run}"),
        Some((code, from, end)) => {
            format!("s={run}&a={code}&at={}-{}", from / MICROS, end / MICROS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::SECONDS;

    #[test]
    fn an_old_link_is_the_run_alone() {
        let f = parse_fragment("#s=v1.abc").unwrap();
        assert_eq!(f.run, "v1.abc");
        assert_eq!(f.branch, None);
        assert_eq!(parse_fragment("#x=1"), None);
        assert_eq!(parse_fragment(""), None);
    }

    #[test]
    fn a_branch_round_trips_and_bad_times_are_reported() {
        let s = fragment("v1.run", Some(("v1.old", 2 * SECONDS, 20 * SECONDS)));
        let hash = format!("#{s}");
        let f = parse_fragment(&hash).unwrap();
        assert_eq!(f.run, "v1.run");
        assert_eq!(f.branch, Some(Ok(("v1.old", 2 * SECONDS, 20 * SECONDS))));
        for bad in [
            "#s=x&a=y",
            "#s=x&a=y&at=5",
            "#s=x&a=y&at=9-3",
            "#s=x&a=y&at=a-b",
        ] {
            let f = parse_fragment(bad).unwrap();
            assert_eq!(f.branch, Some(Err(BranchError::BadTimes)), "{bad}");
        }
        let huge = parse_fragment("#s=x&a=y&at=0-99999999999999999").unwrap();
        assert_eq!(huge.branch, Some(Ok(("y", 0, MAX_GHOST))));
    }
}
