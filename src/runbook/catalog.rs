//! The set of runbooks in use: shipped ones, with team files replacing or adding by id, and
//! matching a selected error to the runbooks that explain it.

use super::model::{preset_matches, reason_matches, ReasonMatch, Runbook};
use crate::model::status::{Status, StatusClass};

/// What is selected: a route's error code, a check's failure reason, or both.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub status: Option<Status>,
    /// A failure reason such as `connect_refused`, `tls_expired`, `quota_exceeded`.
    pub reason: Option<String>,
    /// The selected route, for runbooks restricted to route globs.
    pub route: Option<String>,
    /// The gateway preset of the route's source, for preset-restricted runbooks.
    pub preset: Option<String>,
}

impl Query {
    pub fn code(code: u16) -> Query {
        Query {
            status: Some(Status::Code(code)),
            ..Query::default()
        }
    }

    pub fn reason(reason: &str) -> Query {
        Query {
            reason: Some(reason.to_ascii_lowercase()),
            ..Query::default()
        }
    }

    pub fn with_route(mut self, route: Option<&str>) -> Query {
        self.route = route.map(str::to_string);
        self
    }

    pub fn with_preset(mut self, preset: Option<&str>) -> Query {
        self.preset = preset.map(str::to_string);
        self
    }
}

/// Why a runbook matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MatchedBy {
    Code(u16),
    Reason(String),
    Class(StatusClass),
}

#[derive(Clone, Debug)]
pub struct Match<'c> {
    pub runbook: &'c Runbook,
    pub matched_by: Vec<MatchedBy>,
    /// Higher is a better explanation; see [`Catalog::matches`].
    pub score: u32,
}

/// A failure reason names the cause more precisely than the status it produced (a 403 whose
/// reason is `quota_exceeded` is a quota), so a reason outweighs a code, a code outweighs a
/// class, and a runbook restricted to this route or preset beats a general one.
const SCORE_REASON_EXACT: u32 = 500;
const SCORE_REASON_FAMILY: u32 = 450;
const SCORE_CODE: u32 = 400;
const SCORE_CLASS: u32 = 100;
const SCORE_ROUTE_RESTRICTED: u32 = 20;
const SCORE_PRESET_RESTRICTED: u32 = 10;

#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// Sorted by id, ids unique.
    runbooks: Vec<Runbook>,
}

impl Catalog {
    /// Builds a catalog; a later runbook with an id already present replaces the earlier one.
    /// Returns the ids that were replaced.
    pub fn from_runbooks(runbooks: impl IntoIterator<Item = Runbook>) -> (Catalog, Vec<String>) {
        let mut out: Vec<Runbook> = Vec::new();
        let mut replaced = Vec::new();
        for rb in runbooks {
            match out.iter_mut().find(|r| r.id == rb.id) {
                Some(slot) => {
                    replaced.push(rb.id.clone());
                    *slot = rb;
                }
                None => out.push(rb),
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        (Catalog { runbooks: out }, replaced)
    }

    pub fn get(&self, id: &str) -> Option<&Runbook> {
        self.runbooks.iter().find(|r| r.id == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Runbook> {
        self.runbooks.iter()
    }

    pub fn len(&self) -> usize {
        self.runbooks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.runbooks.is_empty()
    }

    /// Every runbook that explains the query, best first (score, then `priority`, then id).
    /// Class matches count only when no runbook claims the exact code: a 502 shows the 502
    /// runbook, a 507 (or HAProxy's bare `5xx`) the 5xx one.
    pub fn matches(&self, query: &Query) -> Vec<Match<'_>> {
        let mut found: Vec<Match<'_>> = self
            .runbooks
            .iter()
            .filter_map(|rb| score(rb, query))
            .collect();
        let has_code_match = found
            .iter()
            .any(|m| m.matched_by.iter().any(|b| matches!(b, MatchedBy::Code(_))));
        if has_code_match {
            found.retain(|m| {
                m.matched_by
                    .iter()
                    .any(|b| !matches!(b, MatchedBy::Class(_)))
            });
        }
        found.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(b.runbook.priority.cmp(&a.runbook.priority))
                .then(a.runbook.id.cmp(&b.runbook.id))
        });
        found
    }

    pub fn best(&self, query: &Query) -> Option<Match<'_>> {
        self.matches(query).into_iter().next()
    }

    /// The matches that share the best score: both 429 variants for a bare 429.
    pub fn top(&self, query: &Query) -> Vec<Match<'_>> {
        let all = self.matches(query);
        let Some(best) = all.first().map(|m| m.score) else {
            return all;
        };
        all.into_iter().filter(|m| m.score == best).collect()
    }
}

/// True when the runbook's route and preset restrictions allow this query.
pub fn applies(rb: &Runbook, query: &Query) -> bool {
    let route_ok = rb.routes.is_empty()
        || query
            .route
            .as_deref()
            .is_some_and(|r| rb.routes.iter().any(|g| g.matches(r)));
    let preset_ok = rb.presets.is_empty()
        || query
            .preset
            .as_deref()
            .is_some_and(|p| rb.presets.iter().any(|k| preset_matches(k, p)));
    route_ok && preset_ok
}

fn score<'c>(rb: &'c Runbook, query: &Query) -> Option<Match<'c>> {
    if !applies(rb, query) {
        return None;
    }
    let mut matched_by = Vec::new();
    let mut score = 0;
    if let Some(reason) = query.reason.as_deref() {
        let best = rb
            .reasons
            .iter()
            .filter_map(|claimed| reason_matches(claimed, reason))
            .min_by_key(|m| *m != ReasonMatch::Exact);
        if let Some(m) = best {
            score += match m {
                ReasonMatch::Exact => SCORE_REASON_EXACT,
                ReasonMatch::Family => SCORE_REASON_FAMILY,
            };
            matched_by.push(MatchedBy::Reason(reason.to_string()));
        }
    }
    match query.status {
        Some(Status::Code(code)) if rb.claims_code(code) => {
            score += SCORE_CODE;
            matched_by.push(MatchedBy::Code(code));
        }
        Some(status) if rb.classes.contains(&status.class()) => {
            score += SCORE_CLASS;
            matched_by.push(MatchedBy::Class(status.class()));
        }
        _ => {}
    }
    if matched_by.is_empty() {
        return None;
    }
    if !rb.routes.is_empty() {
        score += SCORE_ROUTE_RESTRICTED;
    }
    if !rb.presets.is_empty() {
        score += SCORE_PRESET_RESTRICTED;
    }
    Some(Match {
        runbook: rb,
        matched_by,
        score,
    })
}
