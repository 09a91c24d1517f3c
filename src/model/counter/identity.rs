//! Series identity: a 64-bit hash of a sample's name and label set, computed without sorting
//! (pairs are hashed and combined commutatively) and without allocating.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Identity of one series: hash of its sample name and label set.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesId(pub u64);

/// A fast, decent-quality 64-bit hash of bytes (multiply-rotate over 8-byte words, with a
/// final avalanche). Not for adversarial input; collisions only merge two series' counts.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    avalanche(absorb((bytes.len() as u64).wrapping_mul(K), bytes))
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Folds bytes into a running state, 8 at a time (no final avalanche).
fn absorb(mut h: u64, bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(buf))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    h
}

/// Mixes two hashes into one, order-sensitive.
pub fn mix(a: u64, b: u64) -> u64 {
    avalanche(a.rotate_left(21) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F))
}

fn avalanche(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// Order-independent hash of a label set: each `name=value` pair is hashed on its own and the
/// pair hashes are added, so `{a="1",b="2"}` and `{b="2",a="1"}` are the same set.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSetHash {
    sum: u64,
    count: u64,
}

impl LabelSetHash {
    pub fn add(&mut self, name: &str, value: &str) {
        // One pass over name then value; both lengths are folded in so that the split point
        // between them is part of the hash.
        let seed = K ^ ((name.len() as u64) << 32 | value.len() as u64);
        let h = absorb(
            absorb(seed, name.as_bytes()).rotate_left(17),
            value.as_bytes(),
        );
        let pair = avalanche(h);
        self.sum = self.sum.wrapping_add(pair);
        self.count += 1;
    }

    pub fn finish(self) -> u64 {
        mix(self.sum, self.count)
    }
}

/// The id of a series named `name` with label-set hash `labels`.
pub fn series_id(name: &str, labels: u64) -> SeriesId {
    SeriesId(mix(hash_bytes(name.as_bytes()), labels))
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
pub struct PrehashedHasher(u64);

impl Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only reached for keys that are not a single u64; fold them in properly.
        self.0 = mix(self.0, hash_bytes(bytes));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type PrehashedMap<K, V> = HashMap<K, V, BuildHasherDefault<PrehashedHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_set_hash_ignores_order_but_not_pairing() {
        let mut a = LabelSetHash::default();
        a.add("code", "200");
        a.add("route", "/v1");
        let mut b = LabelSetHash::default();
        b.add("route", "/v1");
        b.add("code", "200");
        assert_eq!(a.finish(), b.finish());
        let mut c = LabelSetHash::default();
        c.add("code", "/v1");
        c.add("route", "200");
        assert_ne!(a.finish(), c.finish());
        assert_ne!(
            series_id("x_total", a.finish()),
            series_id("y_total", a.finish())
        );
        assert_ne!(LabelSetHash::default().finish(), a.finish());
    }

    #[test]
    fn hash_has_no_trivial_collisions() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..50_000u32 {
            assert!(seen.insert(hash_bytes(format!("/v1/orders/{i}").as_bytes())));
        }
        assert_ne!(hash_bytes(b""), hash_bytes(b"\0"));
    }
}
