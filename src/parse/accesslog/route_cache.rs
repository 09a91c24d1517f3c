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

use super::values::same_bytes;

const SLOTS: usize = 512;

struct Entry {
    method: u64,
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

/// The method as one word, compared without `memcmp`: its bytes and, in the top byte, its
/// length; no method is `u64::MAX`. `None`: too long to pack (such requests are not cached).
fn method_key(method: Option<&str>) -> Option<u64> {
    let Some(m) = method else {
        return Some(u64::MAX);
    };
    let b = m.as_bytes();
    if b.len() > 7 {
        return None;
    }
    let mut w = [0u8; 8];
    w[..b.len()].copy_from_slice(b);
    w[7] = b.len() as u8;
    Some(u64::from_le_bytes(w))
}

fn slot_of(method: u64, path: &str, tail: bool) -> usize {
    let mut h = FxHasher::default();
    h.write_u64(method);
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
        self.lookup(method_key(method)?, path, false)
    }

    /// The route of paths made of `prefix` and a number (see [`numeric_tail_prefix`]).
    pub(crate) fn get_tail(&self, method: Option<&str>, prefix: &str) -> Option<u32> {
        self.lookup(method_key(method)?, prefix, true)
    }

    pub(crate) fn put(&mut self, method: Option<&str>, path: &str, route: u32) {
        if let Some(m) = method_key(method) {
            self.store(m, path, false, route);
        }
    }

    pub(crate) fn put_tail(&mut self, method: Option<&str>, prefix: &str, route: u32) {
        if let Some(m) = method_key(method) {
            self.store(m, prefix, true, route);
        }
    }

    fn lookup(&self, method: u64, path: &str, tail: bool) -> Option<u32> {
        match &self.slots[slot_of(method, path, tail)] {
            Some(e)
                if e.method == method
                    && e.tail == tail
                    && same_bytes(e.path.as_bytes(), path.as_bytes()) =>
            {
                Some(e.route)
            }
            _ => None,
        }
    }

    /// Two hot paths may share a slot and replace each other line after line: the entry's
    /// path is rewritten in place, so that costs a copy, not an allocation.
    fn store(&mut self, method: u64, path: &str, tail: bool, route: u32) {
        let slot = &mut self.slots[slot_of(method, path, tail)];
        match slot {
            Some(e) => {
                e.path.clear();
                e.path.push_str(path);
                e.tail = tail;
                e.method = method;
                e.route = route;
            }
            None => {
                *slot = Some(Entry {
                    method,
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
        // Methods differ in length or bytes only: still told apart.
        c.put(Some("GE"), "/a", 6);
        assert_eq!(c.get(Some("GET"), "/a"), Some(3));
        assert_eq!(c.get(Some("GE"), "/a"), Some(6));
        // A method too long to pack is never cached (and never mistaken for another).
        c.put(Some("PROPFIND"), "/a", 7);
        assert_eq!(c.get(Some("PROPFIND"), "/a"), None);
        assert_eq!(c.get(Some("GET"), "/a"), Some(3));
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
