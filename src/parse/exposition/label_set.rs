//! Scanning the `{name="value",...}` part of a sample line.
//!
//! Consecutive samples nearly always carry the same label names in the same order, so the
//! scanner remembers the last set ([`KnownName`]s) and first tries to match the line against
//! it (and histogram buckets, which repeat every label but `le`, only past the repeated part).
//! That fast path checks the strict grammar only, and collects `(name, value)` pairs only when
//! asked (the OpenMetrics checks hash them); anything else (new names, blanks inside braces, a
//! syntax error) falls back to the full scanner, which collects the pairs, checks for
//! duplicate names and produces the error.

use super::chars::{eq_bytes, has_prefix_at, skip_blanks, LABEL_CHAR, LABEL_START};
use super::line::ScanResult;

/// A label name with its `=`. Names of up to 7 bytes are kept as a little-endian word and
/// mask, so matching one at a position is an 8-byte load and a compare.
#[derive(Clone, Copy)]
struct KnownName<'a> {
    name: &'a str,
    word: u64,
    mask: u64,
}

impl<'a> KnownName<'a> {
    fn new(name: &'a str) -> Self {
        let len = name.len();
        if len > 7 {
            return Self {
                name,
                word: 0,
                mask: 0,
            };
        }
        let mut bytes = [0u8; 8];
        bytes[..len].copy_from_slice(name.as_bytes());
        bytes[len] = b'=';
        Self {
            name,
            word: u64::from_le_bytes(bytes),
            mask: u64::MAX >> (8 * (7 - len)),
        }
    }

    /// Whether `b[i..]` starts with this name and `=`.
    #[inline(always)]
    fn matches(&self, b: &[u8], i: usize) -> bool {
        if self.mask != 0 {
            if let Some(c) = b.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
                return u64::from_le_bytes(*c) & self.mask == self.word;
            }
        }
        let n = self.name.len();
        has_prefix_at(b, i, self.name.as_bytes()) && b.get(i + n) == Some(&b'=')
    }
}

/// Where a label set ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LabelsEnd {
    /// Index of the closing `}`.
    pub close: usize,
    /// Some value holds a backslash.
    pub escaped: bool,
}

/// Reusable state for scanning label sets.
#[derive(Default)]
pub(crate) struct LabelScanner<'a> {
    /// `(name, raw value)` in written order; only this line's when `values` was asked for.
    pub pairs: Vec<(&'a str, &'a str)>,
    /// The two most recent distinct name lists (a histogram alternates between the buckets'
    /// names and the same names without `le`), each with the generation it was given.
    known: [(Vec<KnownName<'a>>, u64); 2],
    /// Which of `known` the last label set scanned without error had.
    current: usize,
    /// Source of generations: equal generations mean equal name lists.
    generations: u64,
    /// The line of the last label set scanned without error, and where in it that set's labels
    /// started and its last label started: histogram buckets repeat every label but `le`, so
    /// when the text up to the last label is the same, only the last label is scanned.
    prev: &'a [u8],
    prev_open: usize,
    prev_tail: Tail,
    /// `pairs` hold the last scanned line's labels, values included.
    pairs_valid: bool,
}

/// Where the last label of a set starts, and whether a value before it had a backslash.
#[derive(Default, Clone, Copy)]
pub(crate) struct Tail {
    start: usize,
    escaped: bool,
}

impl<'a> LabelScanner<'a> {
    /// Scans from `i` (just after `{`). `values`: `pairs` must hold this line's values.
    #[inline]
    pub fn scan(
        &mut self,
        line: &'a str,
        i: usize,
        om: bool,
        values: bool,
    ) -> ScanResult<LabelsEnd> {
        let b = line.as_bytes();
        let pairs_were_valid = std::mem::take(&mut self.pairs_valid);
        if let Some(end) = self.match_like_prev(line, i, values, pairs_were_valid) {
            self.pairs_valid = values;
            return Ok(end);
        }
        for slot in [self.current, 1 - self.current] {
            self.pairs.clear();
            let pairs = values.then_some(&mut self.pairs);
            if let Some((end, tail)) = match_known(line, i, &self.known[slot].0, 0, false, pairs) {
                self.current = slot;
                self.pairs_valid = values;
                self.remember(b, i, tail);
                return Ok(end);
            }
        }
        self.pairs.clear();
        let (end, tail) = scan_pairs(line, i, om, &mut self.pairs)?;
        self.note_names()?;
        self.pairs_valid = true;
        self.remember(b, i, tail);
        Ok(end)
    }

    fn remember(&mut self, b: &'a [u8], open: usize, tail: Tail) {
        self.prev = b;
        self.prev_open = open;
        self.prev_tail = tail;
    }

    /// The fast path for a line whose labels up to the last one repeat the previous line's.
    /// With `values`, the previous line's pairs (when `pairs_valid`) supply all but the last.
    #[inline]
    fn match_like_prev(
        &mut self,
        line: &'a str,
        i: usize,
        values: bool,
        pairs_valid: bool,
    ) -> Option<LabelsEnd> {
        let b = line.as_bytes();
        let known = &self.known[self.current].0;
        let tail = self.prev_tail;
        if known.len() < 2 || i != self.prev_open || tail.start <= i {
            return None;
        }
        if values && !(pairs_valid && self.pairs.len() == known.len()) {
            return None;
        }
        if !eq_bytes(b.get(i..tail.start)?, self.prev.get(i..tail.start)?) {
            return None;
        }
        self.pairs.truncate(known.len() - 1);
        let pairs = values.then_some(&mut self.pairs);
        let (end, tail) = match_known(
            line,
            tail.start,
            known,
            known.len() - 1,
            tail.escaped,
            pairs,
        )?;
        self.remember(b, i, tail);
        Some(end)
    }

    /// A sample without braces has the empty label set.
    #[inline]
    pub fn none(&mut self) {
        self.pairs.clear();
        self.pairs_valid = true;
        self.note_names().unwrap_or(());
    }

    /// Label names of the last set scanned without error: the current line's, once its
    /// labels have been scanned.
    pub fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.known[self.current].0.iter().map(|k| k.name)
    }

    /// Identifies the current name list: equal generations mean equal name lists.
    pub fn generation(&self) -> u64 {
        self.known[self.current].1
    }

    /// Makes the freshly collected `pairs` the current name list.
    fn note_names(&mut self) -> ScanResult<()> {
        let same = |known: &[KnownName<'_>]| {
            self.pairs.len() == known.len()
                && self
                    .pairs
                    .iter()
                    .zip(known)
                    .all(|((n, _), k)| eq_bytes(n.as_bytes(), k.name.as_bytes()))
        };
        for slot in [self.current, 1 - self.current] {
            if same(&self.known[slot].0) {
                self.current = slot;
                return Ok(());
            }
        }
        if has_duplicate(&self.pairs) {
            return Err("duplicate label name");
        }
        // Replace the list not used last.
        let slot = 1 - self.current;
        self.generations += 1;
        let (names, generation) = &mut self.known[slot];
        names.clear();
        names.extend(self.pairs.iter().map(|(n, _)| KnownName::new(n)));
        *generation = self.generations;
        self.current = slot;
        Ok(())
    }
}

pub(crate) fn has_duplicate(pairs: &[(&str, &str)]) -> bool {
    pairs.iter().enumerate().any(|(i, (n, _))| {
        pairs[..i]
            .iter()
            .any(|(m, _)| eq_bytes(m.as_bytes(), n.as_bytes()))
    })
}

/// Matches `line[i..]` against the `known` names from index `from` on, in order, strict grammar
/// only (`escaped`: a value before `from` had a backslash), pushing `(name, value)` to `pairs`
/// when given. `None` on any difference; the full scanner then takes over.
#[inline]
fn match_known<'a>(
    line: &'a str,
    mut i: usize,
    known: &[KnownName<'a>],
    from: usize,
    mut escaped: bool,
    mut pairs: Option<&mut Vec<(&'a str, &'a str)>>,
) -> Option<(LabelsEnd, Tail)> {
    let b = line.as_bytes();
    let mut tail = Tail { start: i, escaped };
    let last = known.len().checked_sub(1);
    for (k, name) in known.iter().enumerate().skip(from) {
        if Some(k) == last {
            tail = Tail { start: i, escaped };
        }
        if !name.matches(b, i) {
            return None;
        }
        i += name.name.len() + 1;
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let close = closing_quote(b, i + 1, &mut escaped)?;
        if let Some(p) = pairs.as_deref_mut() {
            p.push((name.name, line.get(i + 1..close)?));
        }
        i = close + 1;
        let want = if Some(k) == last { b'}' } else { b',' };
        if b.get(i) != Some(&want) {
            return None;
        }
        i += 1;
    }
    match last {
        Some(_) => Some((
            LabelsEnd {
                close: i - 1,
                escaped,
            },
            tail,
        )),
        None => (b.get(i) == Some(&b'}')).then_some((LabelsEnd { close: i, escaped }, tail)),
    }
}

/// Index of the `"` closing a value that starts at `i`; sets `escaped` on a backslash.
#[inline]
fn closing_quote(b: &[u8], mut i: usize, escaped: &mut bool) -> Option<usize> {
    loop {
        let at = find_quote_or_backslash(b, i)?;
        if b[at] == b'"' {
            return Some(at);
        }
        *escaped = true;
        i = at + 2;
        if i > b.len() {
            return None;
        }
    }
}

/// The first `"` or `\` at or after `i`. Label values are short, where a SIMD search's setup
/// costs more than it saves; eight bytes at a time in a `u64` is cheaper.
#[inline]
pub(crate) fn find_quote_or_backslash(b: &[u8], mut i: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let w = u64::from_le_bytes(*chunk);
        let q = w ^ (ONES * u64::from(b'"'));
        let s = w ^ (ONES * u64::from(b'\\'));
        // A zero byte in q or s is a match; the lowest flagged byte is always a true one.
        let hits = ((q.wrapping_sub(ONES) & !q) | (s.wrapping_sub(ONES) & !s)) & HIGHS;
        if hits != 0 {
            return Some(i + (hits.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?
        .iter()
        .position(|&c| c == b'"' || c == b'\\')
        .map(|off| i + off)
}

/// Index just past `want` at `i`, allowing blanks before it in Prometheus text.
#[inline]
fn expect(b: &[u8], i: usize, want: u8, om: bool) -> Option<usize> {
    let j = skip_blanks(b, i, om);
    (b.get(j) == Some(&want)).then_some(j + 1)
}

/// The full scanner: every grammar rule of both formats, collecting pairs.
pub(crate) fn scan_pairs<'a>(
    line: &'a str,
    mut i: usize,
    om: bool,
    pairs: &mut Vec<(&'a str, &'a str)>,
) -> ScanResult<(LabelsEnd, Tail)> {
    let b = line.as_bytes();
    let mut escaped = false;
    let mut after_comma = false;
    // Start of the label being scanned; the last one's becomes the tail.
    let mut tail = Tail { start: i, escaped };
    loop {
        i = skip_blanks(b, i, om);
        let c = *b.get(i).ok_or("unterminated label set")?;
        if !LABEL_START[c as usize] {
            return match c {
                b'}' if om && after_comma => Err("trailing comma in label set"),
                b'}' => Ok((LabelsEnd { close: i, escaped }, tail)),
                _ => Err("invalid label name"),
            };
        }
        tail = Tail { start: i, escaped };
        let name_start = i;
        i += 1;
        while i < b.len() && LABEL_CHAR[b[i] as usize] {
            i += 1;
        }
        let name = &line[name_start..i];
        i = expect(b, i, b'=', om).ok_or("expected '=' after a label name")?;
        i = expect(b, i, b'"', om).ok_or("label value must be in double quotes")?;
        let close = closing_quote(b, i, &mut escaped).ok_or("unterminated label value")?;
        pairs.push((name, &line[i..close]));
        i = skip_blanks(b, close + 1, om);
        match b.get(i) {
            Some(b',') => {
                i += 1;
                after_comma = true;
            }
            Some(b'}') => return Ok((LabelsEnd { close: i, escaped }, tail)),
            _ => return Err("expected ',' or '}' after a label value"),
        }
    }
}

#[cfg(test)]
#[path = "label_set_tests.rs"]
mod tests;
