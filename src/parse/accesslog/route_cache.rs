//! A small cache from a request's method and raw path to its route, for paths whose route is
//! known without templating them again:
//!
//! - paths that template to themselves (no id in them: `/v1/products`, most lines of most logs);
//! - paths that end in a number after such a prefix (`/v1/users/4285723`): the number always
//!   becomes `{id}` and the prefix stays, so every number after the same prefix has the same
//!   route. These entries are keyed by the prefix (`/v1/users/`), apart from exact paths. Only
//!   used without explicit route patterns, which could single out one number.
//! - paths with numbers in other segments (`/v1/users/42/orders`): keyed by the path with its
//!   all-digit segments emptied (`/v1/users//orders`) and a bit mask of which segments those
//!   were. Every all-digit segment becomes `{id}`, and without explicit patterns each other
//!   segment is templated on its own, so all paths of one shape share one route. Entries are
//!   made only for shapes whose other segments stay as they are ([`template_is_shape`]): a
//!   shape holding another id (a token, a UUID) is new on almost every line.
//!
//! An entry's route never changes once assigned (routes are only ever added), so a hit can skip
//! the method look-up, the templating and the template look-up. Other paths with ids are not
//! cached: each is new, and they would only push the useful entries out. Two slots per key,
//! fixed-size: a miss costs one hash and two compares.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use super::values::same_bytes;
use crate::model::route_template::ID;

const SLOTS: usize = 512;

struct Entry {
    method: u64,
    path: String,
    /// `path` is the prefix of paths ending in a number.
    tail: bool,
    /// Non-zero: `path` is a numeric shape, and these its emptied segments.
    mask: u64,
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

/// The two slots a key may live in (two hot keys that share one slot do not evict each other
/// line after line).
fn slots_of(method: u64, path: &str, tail: bool, mask: u64) -> [usize; 2] {
    let mut h = FxHasher::default();
    h.write_u64(method);
    path.hash(&mut h);
    tail.hash(&mut h);
    h.write_u64(mask);
    let h = h.finish();
    [(h as usize) % SLOTS, ((h >> 32) as usize) % SLOTS]
}

/// Writes `path` with its all-digit segments emptied into `out`, and returns which segments
/// those were (bit `i`: the segment after the `i`-th `/`). `None` when no segment is all
/// digits, or one is beyond the 64th segment.
pub(crate) fn numeric_shape(path: &str, out: &mut String) -> Option<u64> {
    out.clear();
    let b = path.as_bytes();
    let mut mask = 0u64;
    let mut seg = 0usize;
    let mut start = 0;
    let mut copied = 0;
    loop {
        let end = memchr::memchr(b'/', &b[start..]).map_or(b.len(), |i| start + i);
        let s = &b[start..end];
        if !s.is_empty() && s.iter().all(u8::is_ascii_digit) {
            if seg >= 64 {
                return None;
            }
            mask |= 1 << seg;
            // Slash positions are char boundaries.
            out.push_str(&path[copied..start]);
            copied = end;
        }
        if end == b.len() {
            break;
        }
        start = end + 1;
        seg += 1;
    }
    if mask == 0 {
        return None;
    }
    out.push_str(&path[copied..]);
    Some(mask)
}

/// `template` is `path` with exactly the segments in `mask` replaced by `{id}` and every other
/// segment as it is: the shape has no other id in it, so it is worth an entry.
pub(crate) fn template_is_shape(path: &str, template: &str, mask: u64) -> bool {
    let mut t = template.split('/');
    for (i, seg) in path.split('/').enumerate() {
        let want = if i < 64 && mask & (1 << i) != 0 {
            ID
        } else {
            seg
        };
        if t.next() != Some(want) {
            return false;
        }
    }
    t.next().is_none()
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
        self.lookup(method_key(method)?, path, false, 0)
    }

    /// The route of paths made of `prefix` and a number (see [`numeric_tail_prefix`]).
    pub(crate) fn get_tail(&self, method: Option<&str>, prefix: &str) -> Option<u32> {
        self.lookup(method_key(method)?, prefix, true, 0)
    }

    pub(crate) fn put(&mut self, method: Option<&str>, path: &str, route: u32) {
        if let Some(m) = method_key(method) {
            self.store(m, path, false, 0, route);
        }
    }

    pub(crate) fn put_tail(&mut self, method: Option<&str>, prefix: &str, route: u32) {
        if let Some(m) = method_key(method) {
            self.store(m, prefix, true, 0, route);
        }
    }

    /// The route of paths of this numeric shape (see [`numeric_shape`]; `mask` is non-zero).
    pub(crate) fn get_shape(&self, method: Option<&str>, shape: &str, mask: u64) -> Option<u32> {
        self.lookup(method_key(method)?, shape, false, mask)
    }

    pub(crate) fn put_shape(&mut self, method: Option<&str>, shape: &str, mask: u64, route: u32) {
        if let Some(m) = method_key(method) {
            self.store(m, shape, false, mask, route);
        }
    }

    fn lookup(&self, method: u64, path: &str, tail: bool, mask: u64) -> Option<u32> {
        let is_key = |e: &Entry| {
            e.method == method
                && e.tail == tail
                && e.mask == mask
                && same_bytes(e.path.as_bytes(), path.as_bytes())
        };
        slots_of(method, path, tail, mask)
            .into_iter()
            .find_map(|i| self.slots[i].as_ref().filter(|e| is_key(e)))
            .map(|e| e.route)
    }

    /// A new key takes its first slot when free, else its second, replacing what is there: a
    /// replaced entry's path is rewritten in place, so that costs a copy, not an allocation.
    fn store(&mut self, method: u64, path: &str, tail: bool, mask: u64, route: u32) {
        let [first, second] = slots_of(method, path, tail, mask);
        let at = if self.slots[first].is_none() {
            first
        } else {
            second
        };
        let slot = &mut self.slots[at];
        match slot {
            Some(e) => {
                e.path.clear();
                e.path.push_str(path);
                e.tail = tail;
                e.mask = mask;
                e.method = method;
                e.route = route;
            }
            None => {
                *slot = Some(Entry {
                    method,
                    path: path.to_string(),
                    tail,
                    mask,
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
    fn numeric_shapes() {
        let mut out = String::new();
        assert_eq!(numeric_shape("/v1/users/42/orders", &mut out), Some(1 << 3));
        assert_eq!(out, "/v1/users//orders");
        assert_eq!(
            numeric_shape("/v1/orders/7/items/8", &mut out),
            Some(1 << 3 | 1 << 5)
        );
        assert_eq!(out, "/v1/orders//items/");
        assert_eq!(numeric_shape("/7", &mut out), Some(1 << 1));
        assert_eq!(out, "/");
        // An empty segment is no number; a literal `//` differs from an emptied one by its mask.
        assert_eq!(numeric_shape("/v1/users//orders", &mut out), None);
        assert_eq!(numeric_shape("/v1/a7/x.1", &mut out), None);
        assert_eq!(numeric_shape("", &mut out), None);
        let deep = "/a".repeat(64) + "/1";
        assert_eq!(numeric_shape(&deep, &mut out), None, "past 64 segments");
        let just_fits = "/a".repeat(62) + "/1";
        assert_eq!(numeric_shape(&just_fits, &mut out), Some(1 << 63));
    }

    #[test]
    fn a_template_is_the_shape_only_when_nothing_else_collapsed() {
        let mask = 1 << 3;
        assert!(template_is_shape(
            "/v1/users/42/orders",
            "/v1/users/{id}/orders",
            mask
        ));
        assert!(!template_is_shape(
            "/v1/users/42/ab12cd34ef",
            "/v1/users/{id}/{id}",
            mask
        ));
        assert!(!template_is_shape(
            "/v1/users/42/orders",
            "/v1/users/{id}",
            mask
        ));
        assert!(!template_is_shape("/v1/users/42", "/v1/users/{id}/x", mask));
        assert!(!template_is_shape("/v1/users/42/o", "/v1/users/42/o", mask));
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
