//! A small cache from a request's method and raw path to its route, for paths whose route is
//! known without templating them again:
//!
//! - paths that template to themselves (no id in them: `/v1/products`, most lines of most logs);
//! - paths that end in a number after such a prefix (`/v1/users/4285723`): the number always
//!   becomes `{id}` and the prefix stays, so every number after the same prefix has the same
//!   route. These entries are keyed by the prefix (`/v1/users/`), apart from exact paths. Only
//!   used without explicit route patterns, which could single out one number.
//!
//! An entry's route never changes once assigned (routes are only ever added), so a hit can skip
//! the method look-up, the templating and the template look-up. Other paths with ids are not
//! cached: each is new, and they would only push the useful entries out. Direct-mapped and
//! fixed-size: a miss costs one hash and one compare.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

const SLOTS: usize = 512;

struct Entry {
    method: Option<String>,
    path: String,
    /// `path` is the prefix of paths ending in a number.
    tail: bool,
    route: u32,
}

pub(crate) struct RouteCache {
    slots: Vec<Option<Entry>>,
}

impl Default for RouteCache {
    fn default() -> Self {
        RouteCache {
            slots: (0..SLOTS).map(|_| None).collect(),
        }
    }
}

fn slot_of(method: Option<&str>, path: &str, tail: bool) -> usize {
    let mut h = FxHasher::default();
    method.hash(&mut h);
    path.hash(&mut h);
    tail.hash(&mut h);
    (h.finish() as usize) % SLOTS
}

/// `/v1/users/` for `/v1/users/4285723`: the path up to a last segment of digits only.
pub(crate) fn numeric_tail_prefix(path: &str) -> Option<&str> {
    let b = path.as_bytes();
    let mut i = b.len();
    while i > 0 && b[i - 1].is_ascii_digit() {
        i -= 1;
    }
    (i < b.len() && i > 0 && b[i - 1] == b'/').then(|| &path[..i])
}

impl RouteCache {
    /// The route of exactly this path.
    pub(crate) fn get(&self, method: Option<&str>, path: &str) -> Option<u32> {
        self.lookup(method, path, false)
    }

    /// The route of paths made of `prefix` and a number (see [`numeric_tail_prefix`]).
    pub(crate) fn get_tail(&self, method: Option<&str>, prefix: &str) -> Option<u32> {
        self.lookup(method, prefix, true)
    }

    pub(crate) fn put(&mut self, method: Option<&str>, path: &str, route: u32) {
        self.store(method, path, false, route);
    }

    pub(crate) fn put_tail(&mut self, method: Option<&str>, prefix: &str, route: u32) {
        self.store(method, prefix, true, route);
    }

    fn lookup(&self, method: Option<&str>, path: &str, tail: bool) -> Option<u32> {
        match &self.slots[slot_of(method, path, tail)] {
            Some(e) if e.tail == tail && *e.path == *path && e.method.as_deref() == method => {
                Some(e.route)
            }
            _ => None,
        }
    }

    /// Two hot paths may share a slot and replace each other line after line: the entry's
    /// strings are rewritten in place, so that costs a copy, not an allocation.
    fn store(&mut self, method: Option<&str>, path: &str, tail: bool, route: u32) {
        let slot = &mut self.slots[slot_of(method, path, tail)];
        match slot {
            Some(e) => {
                e.path.clear();
                e.path.push_str(path);
                e.tail = tail;
                match (&mut e.method, method) {
                    (Some(m), Some(new)) => {
                        m.clear();
                        m.push_str(new);
                    }
                    (m, new) => *m = new.map(String::from),
                }
                e.route = route;
            }
            None => {
                *slot = Some(Entry {
                    method: method.map(String::from),
                    path: path.to_string(),
                    tail,
                    route,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_only_the_same_method_and_path() {
        let mut c = RouteCache::default();
        assert_eq!(c.get(Some("GET"), "/a"), None);
        c.put(Some("GET"), "/a", 3);
        c.put(None, "/b", 4);
        assert_eq!(c.get(Some("GET"), "/a"), Some(3));
        assert_eq!(c.get(Some("POST"), "/a"), None);
        assert_eq!(c.get(None, "/a"), None);
        assert_eq!(c.get(None, "/b"), Some(4));
        assert_eq!(c.get(Some("GET"), "/a/"), None);
        // A prefix entry is not an exact-path entry, and the other way round.
        c.put_tail(Some("GET"), "/a/", 5);
        assert_eq!(c.get(Some("GET"), "/a/"), None);
        assert_eq!(c.get_tail(Some("GET"), "/a/"), Some(5));
        assert_eq!(c.get_tail(Some("GET"), "/a"), None);
    }

    #[test]
    fn numeric_tails() {
        assert_eq!(numeric_tail_prefix("/v1/users/4285723"), Some("/v1/users/"));
        assert_eq!(numeric_tail_prefix("/7"), Some("/"));
        assert_eq!(numeric_tail_prefix("/v1/users/"), None);
        assert_eq!(numeric_tail_prefix("/v1/users/a7"), None);
        assert_eq!(numeric_tail_prefix("/v1/users/7.json"), None);
        assert_eq!(numeric_tail_prefix("7"), None);
        assert_eq!(numeric_tail_prefix(""), None);
    }

    #[test]
    fn a_colliding_entry_replaces_the_old_one() {
        let mut c = RouteCache::default();
        let paths: Vec<String> = (0..SLOTS * 2).map(|i| format!("/p{i}")).collect();
        for (i, p) in paths.iter().enumerate() {
            c.put(Some("GET"), p, i as u32);
        }
        // Whatever is still cached answers with its own route, never another path's.
        let mut hits = 0;
        for (i, p) in paths.iter().enumerate() {
            if let Some(r) = c.get(Some("GET"), p) {
                assert_eq!(r, i as u32, "{p}");
                hits += 1;
            }
        }
        assert!(hits > 0 && hits <= SLOTS);
    }
}
