//! A small cache from a request's method and raw path to its route, for paths that template to
//! themselves (no id in them: `/v1/products`, most lines of most logs).
//!
//! Such a path's route never changes once assigned (routes are only ever added), so a hit can
//! skip the method look-up, the templating and the template look-up. Paths with ids are not
//! cached: each is new, and they would only push the useful entries out. Direct-mapped and
//! fixed-size: a miss costs one hash and one compare.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

const SLOTS: usize = 512;

struct Entry {
    method: Option<String>,
    path: String,
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

fn slot_of(method: Option<&str>, path: &str) -> usize {
    let mut h = FxHasher::default();
    method.hash(&mut h);
    path.hash(&mut h);
    (h.finish() as usize) % SLOTS
}

impl RouteCache {
    pub(crate) fn get(&self, method: Option<&str>, path: &str) -> Option<u32> {
        match &self.slots[slot_of(method, path)] {
            Some(e) if *e.path == *path && e.method.as_deref() == method => Some(e.route),
            _ => None,
        }
    }

    /// Two hot paths may share a slot and replace each other line after line: the entry's
    /// strings are rewritten in place, so that costs a copy, not an allocation.
    pub(crate) fn put(&mut self, method: Option<&str>, path: &str, route: u32) {
        let slot = &mut self.slots[slot_of(method, path)];
        match slot {
            Some(e) => {
                e.path.clear();
                e.path.push_str(path);
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
