//! nginx `log_format` strings compiled once into a byte scanner.
//!
//! A format is a sequence of literals and variables. Each variable is read up to the first byte
//! of the literal that follows it (found with `memchr`): `"` for quoted fields (skipping `\"`
//! escapes), `]` for `[$time_local]`, a space for bare fields. Bare upstream lists such as
//! `$upstream_status` (`502, 502 : 200`) continue over `, ` and ` : `. The same engine runs the
//! built-in text formats (combined, Kong, APISIX, Traefik, Envoy, AWS CLF), which use a few
//! internal `$gw_*` variables for fields nginx does not have. `combined`, the most common of
//! all, first goes through a hand-written reader ([`super::combined_fast`]) that leaves anything
//! unusual to the engine.

use std::borrow::Cow;

use memchr::memchr;
use thiserror::Error;

use super::attribution::nginx_attribution;
pub use super::attribution::ResponderRule;
pub use super::nginx_vars::Var;
use super::values::{
    decimal_at, epoch_to_timestamp, is_method, is_unset, last_status_in_list, parse_clf_time,
    parse_decimal, parse_iso_time, parse_status, parse_u64, split_target, sum_decimals_in_list,
};
use super::{unescape_json, LineError, LogRecord};
use crate::model::status::Responder;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum FormatError {
    #[error("log_format has no $status variable")]
    NoStatus,
    #[error("log_format has neither $request nor $request_uri/$uri: no path to read")]
    NoPath,
    #[error("log_format: ${0} and ${1} are adjacent with no separator, they cannot be told apart")]
    Adjacent(String, String),
    #[error("log_format: unterminated ${{…}} at byte {0}")]
    Unterminated(usize),
    #[error("log_format is empty")]
    Empty,
}

#[derive(Clone, Debug, PartialEq)]
enum Op {
    Lit(Box<[u8]>),
    Field {
        var: Var,
        /// Read up to this byte; `None` = to the end of the line.
        stop: Option<u8>,
        quoted: bool,
        /// Usually longer than a few bytes (request line, user agent, time): search with
        /// `memchr` straight away instead of a byte loop first.
        long: bool,
    },
}

/// A compiled line format.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    ops: Vec<Op>,
    rule: ResponderRule,
    /// Values are JSON-escaped (`escape=json`): unescape the path when it holds a `\`.
    json_escaped: bool,
    has_header_time: bool,
    /// Accept extra fields after the last one (and read a `$request_time`-like number first).
    lenient_tail: bool,
    /// A hand-written reader for this exact format, tried before the ops.
    fast: FastPath,
}

/// Formats common enough to have a hand-written reader ([`super::combined_fast`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FastPath {
    None,
    Combined,
}

struct Scan<'a> {
    upstream_status_seen: bool,
    upstream_status: Option<&'a str>,
    header_time: Option<&'a str>,
    upstream_host: Option<&'a str>,
    flags: Option<&'a str>,
}

impl Template {
    /// Compiles an nginx `log_format` body (the quoted parts joined, as nginx does).
    pub fn compile(format: &str, rule: ResponderRule) -> Result<Template, FormatError> {
        let mut ops: Vec<Op> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let b = format.as_bytes();
        let mut i = 0;
        let mut lit: Vec<u8> = Vec::new();
        while i < b.len() {
            if b[i] != b'$' {
                lit.push(b[i]);
                i += 1;
                continue;
            }
            let (name, next) = if b.get(i + 1) == Some(&b'{') {
                let end = memchr(b'}', &b[i + 2..]).ok_or(FormatError::Unterminated(i))?;
                (&format[i + 2..i + 2 + end], i + 3 + end)
            } else {
                let len = b[i + 1..]
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                    .unwrap_or(b.len() - i - 1);
                (&format[i + 1..i + 1 + len], i + 1 + len)
            };
            if name.is_empty() {
                lit.push(b'$');
                i += 1;
                continue;
            }
            if !lit.is_empty() {
                ops.push(Op::Lit(std::mem::take(&mut lit).into_boxed_slice()));
            }
            let var = Var::of_nginx(name);
            if let Some(Op::Field { var: prev, .. }) = ops.last() {
                // `$upstream_host$upstream_uri`: fine when neither matters to us.
                if *prev == Var::Ignored && var == Var::Ignored {
                    i = next;
                    continue;
                }
                let prev_name = names.last().cloned().unwrap_or_default();
                return Err(FormatError::Adjacent(prev_name, name.to_string()));
            }
            ops.push(Op::Field {
                var,
                stop: None,
                quoted: false,
                long: false,
            });
            names.push(name.to_string());
            i = next;
        }
        if !lit.is_empty() {
            ops.push(Op::Lit(lit.into_boxed_slice()));
        }
        if ops.is_empty() {
            return Err(FormatError::Empty);
        }
        let vars: Vec<Var> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Field { var, .. } => Some(*var),
                Op::Lit(_) => None,
            })
            .collect();
        if !vars.contains(&Var::Status) {
            return Err(FormatError::NoStatus);
        }
        if !vars.iter().any(|v| matches!(v, Var::Request | Var::Target)) {
            return Err(FormatError::NoPath);
        }
        // Resolve each field's stop byte and whether it sits in quotes.
        for k in 0..ops.len() {
            let after = match ops.get(k + 1) {
                Some(Op::Lit(l)) => l.first().copied(),
                _ => None,
            };
            let before_quote =
                k > 0 && matches!(&ops[k - 1], Op::Lit(l) if l.last() == Some(&b'"'));
            if let Op::Field {
                var,
                stop,
                quoted,
                long,
            } = &mut ops[k]
            {
                *stop = after;
                *quoted = before_quote && after == Some(b'"');
                *long = *quoted
                    || matches!(
                        var,
                        Var::Request | Var::Target | Var::TimeLocal | Var::TimeIso | Var::Ignored
                    );
            }
        }
        let rule = if rule == ResponderRule::None && vars.contains(&Var::UpstreamStatusList) {
            ResponderRule::NginxUpstream
        } else {
            rule
        };
        Ok(Template {
            ops,
            rule,
            json_escaped: format.trim_start().starts_with('{'),
            has_header_time: vars.contains(&Var::UpstreamHeaderTimeList),
            lenient_tail: false,
            fast: FastPath::None,
        })
    }

    pub(crate) fn with_rule(mut self, rule: ResponderRule) -> Self {
        self.rule = rule;
        self.fast = FastPath::None;
        self
    }

    /// nginx's `combined` with a lenient tail, read by [`super::combined_fast`] first. Only for
    /// a template compiled from [`super::clf::COMBINED`].
    pub(crate) fn with_combined_fast_path(mut self) -> Self {
        debug_assert!(self.lenient_tail && self.rule == ResponderRule::None);
        self.fast = FastPath::Combined;
        self
    }

    pub(crate) fn with_lenient_tail(mut self) -> Self {
        self.lenient_tail = true;
        self
    }

    pub fn parse<'a>(&self, line: &'a str) -> Result<LogRecord<'a>, LineError> {
        let mut rec = LogRecord::empty();
        self.parse_into(line, &mut rec)?;
        Ok(rec)
    }

    /// Parses into `rec`, which is reset first. The hot path: the record is not moved around.
    #[inline]
    pub fn parse_into<'a>(&self, line: &'a str, rec: &mut LogRecord<'a>) -> Result<(), LineError> {
        if self.fast == FastPath::Combined && super::combined_fast::parse(line, rec) {
            return Ok(());
        }
        self.parse_ops(line, rec)
    }

    /// The compiled template, field by field.
    fn parse_ops<'a>(&self, line: &'a str, rec: &mut LogRecord<'a>) -> Result<(), LineError> {
        let b = line.as_bytes();
        *rec = LogRecord::empty();
        let mut scan = Scan {
            upstream_status_seen: false,
            upstream_status: None,
            header_time: None,
            upstream_host: None,
            flags: None,
        };
        let mut status = None;
        let mut pos = 0;
        for op in &self.ops {
            match op {
                Op::Lit(l) => {
                    if !literal_at(b, pos, l) {
                        return Err(LineError::Expected {
                            expected: String::from_utf8_lossy(l).into_owned(),
                            at: pos,
                        });
                    }
                    pos += l.len();
                }
                Op::Field {
                    var,
                    stop,
                    quoted,
                    long,
                } => {
                    let end = match stop {
                        None => self.tail_end(b, pos),
                        Some(c) => find_stop(b, pos, *c, *quoted, var.is_list(), *long)
                            .ok_or(LineError::Truncated { at: b.len() })?,
                    };
                    if *var != Var::Ignored {
                        let v = line.get(pos..end).ok_or(LineError::Truncated { at: pos })?;
                        self.apply(*var, v, rec, &mut scan, &mut status)?;
                    }
                    pos = end;
                }
            }
        }
        if pos < b.len() {
            let rest = &line[pos..];
            if !self.lenient_tail && !rest.trim().is_empty() {
                return Err(LineError::Trailing { at: pos });
            }
            if self.lenient_tail {
                read_tail_times(rest, rec);
            }
        }
        rec.status = status.ok_or(LineError::Missing("status"))?;
        rec.flags = scan.flags;
        rec.responder = self.responder(rec, &scan);
        Ok(())
    }

    /// End of the last field: the line's end, or with a lenient tail the next space.
    fn tail_end(&self, b: &[u8], pos: usize) -> usize {
        if self.lenient_tail {
            memchr(b' ', &b[pos..]).map_or(b.len(), |i| pos + i)
        } else {
            let mut end = b.len();
            while end > pos && matches!(b[end - 1], b' ' | b'\r') {
                end -= 1;
            }
            end
        }
    }

    fn apply<'a>(
        &self,
        var: Var,
        v: &'a str,
        rec: &mut LogRecord<'a>,
        scan: &mut Scan<'a>,
        status: &mut Option<u16>,
    ) -> Result<(), LineError> {
        match var {
            Var::Status => {
                *status = Some(parse_status(v).ok_or_else(|| LineError::bad("status", v))?);
            }
            Var::Request => read_request(v, rec, self.json_escaped),
            Var::Method => rec.method = Some(v).filter(|m| is_method(m)),
            Var::Target => {
                let (path, query) = split_target(v);
                rec.path = self.text(path);
                rec.query = query;
            }
            Var::Client => rec.client = Some(v).filter(|s| !is_unset(s)),
            Var::Host => rec.host = Some(v).filter(|s| !is_unset(s)),
            Var::RequestId => rec.request_id = Some(v).filter(|s| !is_unset(s)),
            Var::TimeLocal | Var::TimeClf => rec.time = parse_clf_time(v),
            Var::TimeIso => rec.time = parse_iso_time(v),
            Var::Msec => rec.time = parse_decimal(v).and_then(epoch_to_timestamp),
            Var::Bytes => rec.bytes = strict(v, "bytes", parse_u64)?,
            Var::RequestTimeSecs => {
                rec.latency_ms = strict(v, "request time", parse_decimal)?.map(|s| s * 1000.0);
            }
            Var::DurationMs => rec.latency_ms = strict(v, "duration", parse_decimal)?,
            Var::UpstreamMs => rec.upstream_latency_ms = strict(v, "upstream time", parse_decimal)?,
            Var::UpstreamTimeList => {
                rec.upstream_latency_ms = sum_decimals_in_list(v).map(|s| s * 1000.0);
            }
            Var::UpstreamStatusList => {
                scan.upstream_status_seen = true;
                scan.upstream_status = Some(v).filter(|s| !is_unset(s));
                rec.upstream_status = last_status_in_list(v);
            }
            Var::UpstreamHeaderTimeList => scan.header_time = Some(v),
            Var::UpstreamAddrList | Var::UpstreamHost => {
                scan.upstream_host = Some(v);
            }
            Var::Flags => scan.flags = Some(v).filter(|s| !is_unset(s)),
            Var::RouteName => rec.route_name = Some(v).filter(|s| !is_unset(s)),
            Var::IgnoredList | Var::Ignored => {}
        }
        Ok(())
    }

    fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if self.json_escaped && s.contains('\\') {
            unescape_json(s)
        } else {
            Cow::Borrowed(s)
        }
    }

    fn responder(&self, rec: &LogRecord<'_>, scan: &Scan<'_>) -> Responder {
        match self.rule {
            ResponderRule::None => Responder::Unknown,
            ResponderRule::NginxUpstream => nginx_responder(self.has_header_time, rec, scan),
            ResponderRule::EnvoyFlags => match (scan.flags, scan.upstream_host) {
                (Some(_), _) => Responder::Gateway,
                (None, Some(h)) if is_unset(h) => Responder::Gateway,
                (None, Some(_)) => Responder::Upstream,
                (None, None) => Responder::Unknown,
            },
            ResponderRule::UpstreamHost => match scan.upstream_host {
                Some(h) if is_unset(h) => Responder::Gateway,
                Some(_) => Responder::Upstream,
                None => Responder::Unknown,
            },
        }
    }
}

/// A number field: unset (`-`) is `None`, anything else must parse.
fn strict<T>(
    v: &str,
    field: &'static str,
    f: fn(&str) -> Option<T>,
) -> Result<Option<T>, LineError> {
    if is_unset(v) {
        return Ok(None);
    }
    f(v).map(Some).ok_or_else(|| LineError::bad(field, v))
}

fn nginx_responder(has_header_time: bool, rec: &LogRecord<'_>, scan: &Scan<'_>) -> Responder {
    let header_time = if has_header_time {
        Some(scan.header_time)
    } else {
        None
    };
    let upstream = scan.upstream_status_seen.then_some(rec.upstream_status);
    nginx_attribution(rec.status, upstream, header_time, scan.upstream_host)
}

/// `b[pos..]` starts with `lit`; compared inline because literals are one to three bytes.
#[inline]
fn literal_at(b: &[u8], pos: usize, lit: &[u8]) -> bool {
    match (lit, b.get(pos..pos + lit.len())) {
        ([c], Some([x])) => c == x,
        (_, Some(window)) => window.iter().zip(lit).all(|(x, y)| x == y),
        (_, None) => false,
    }
}

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);

/// The first `c` in `b[from..]`. Fields are mostly a few bytes long, where the set-up of a
/// vectorised search costs more than the search: eight bytes at a time in a word (the lowest
/// zero byte of `word ^ c…c` is the first match), and `memchr` past the first 32 bytes.
#[inline]
pub(crate) fn find_byte(b: &[u8], from: usize, c: u8) -> Option<usize> {
    find_byte_swar::<32>(b, from, c)
}

/// [`find_byte`] with the word search kept up for `SWAR_BYTES` before `memchr` takes over: for
/// fields that are a few tens of bytes long (user agents, request lines).
#[inline]
pub(crate) fn find_byte_swar<const SWAR_BYTES: usize>(
    b: &[u8],
    from: usize,
    c: u8,
) -> Option<usize> {
    let pattern = ONES * u64::from(c);
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ pattern;
        let zero = x.wrapping_sub(ONES) & !x & HIGHS;
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += 8;
        if i - from >= SWAR_BYTES {
            return memchr(c, &b[i..]).map(|k| i + k);
        }
    }
    b.get(i..)?.iter().position(|&x| x == c).map(|k| i + k)
}

/// The first `c` in `b[from..]` for a field that is usually long: an empty or one-byte field
/// (`"-"`) is told from the first bytes, anything else goes to `memchr` at once.
#[inline]
pub(crate) fn find_byte_long(b: &[u8], from: usize, c: u8) -> Option<usize> {
    match b.get(from..from + 2) {
        Some([x, _]) if *x == c => Some(from),
        Some([_, y]) if *y == c => Some(from + 1),
        _ => memchr(c, b.get(from..)?).map(|i| from + i),
    }
}

/// Finds the end of a field starting at `pos`.
fn find_stop(
    b: &[u8],
    pos: usize,
    stop: u8,
    quoted: bool,
    list: bool,
    long: bool,
) -> Option<usize> {
    let mut from = pos;
    loop {
        let i = if long {
            find_byte_long(b, from, stop)?
        } else {
            find_byte(b, from, stop)?
        };
        if quoted && i > pos && b[i - 1] == b'\\' {
            // An escaped quote (`\"`) unless the backslash is itself escaped.
            let backslashes = b[pos..i].iter().rev().take_while(|&&c| c == b'\\').count();
            if backslashes % 2 == 1 {
                from = i + 1;
                continue;
            }
        }
        if list && stop == b' ' {
            let continues = (i > pos && b[i - 1] == b',')
                || (b.get(i + 1) == Some(&b':') && b.get(i + 2) == Some(&b' '));
            if continues {
                from = if b.get(i + 1) == Some(&b':') {
                    i + 3
                } else {
                    i + 1
                };
                continue;
            }
        }
        return Some(i);
    }
}

/// `GET /path?q HTTP/1.1`. A request that does not look like one (TLS bytes sent to a plain
/// port, `-`) leaves method and path empty; the line still counts.
pub(crate) fn read_request<'a>(v: &'a str, rec: &mut LogRecord<'a>, json_escaped: bool) {
    let Some(sp) = find_byte(v.as_bytes(), 0, b' ') else {
        return;
    };
    let method = &v[..sp];
    if !is_method(method) {
        return;
    }
    let rest = &v[sp + 1..];
    let rb = rest.as_bytes();
    let n = rb.len();
    // ` HTTP/1.1` at the end (the usual case) is the last space without a search.
    let target = if n >= 9 && &rb[n - 9..n - 3] == b" HTTP/" && !rb[n - 3..].contains(&b' ') {
        &rest[..n - 9]
    } else {
        match memchr::memrchr(b' ', rb) {
            Some(j) if rest[j + 1..].starts_with("HTTP/") => &rest[..j],
            _ => rest,
        }
    };
    let (path, query) = split_target(target);
    rec.method = Some(method);
    rec.path = if json_escaped && path.contains('\\') {
        unescape_json(path)
    } else {
        Cow::Borrowed(path)
    };
    rec.query = query;
}

/// `combined` as many sites extend it: `… "$http_user_agent" $request_time [$upstream_response_time]`.
pub(crate) fn read_tail_times<'a>(rest: &'a str, rec: &mut LogRecord<'a>) {
    if rec.latency_ms.is_some() {
        return;
    }
    let (first, rest) = next_word(rest);
    if let Some(secs) = dotted_decimal(first) {
        rec.latency_ms = secs.map(|s| s * 1000.0);
        read_second_tail_time(rest, rec);
    }
}

/// After the first tail time: the next word, when it has a dot, is the upstream time.
pub(crate) fn read_second_tail_time(rest: &str, rec: &mut LogRecord<'_>) {
    let (second, _) = next_word(rest);
    if let Some(secs) = dotted_decimal(second) {
        rec.upstream_latency_ms = secs.map(|s| s * 1000.0);
    }
}

/// A word with a `.` in it: `Some` of [`parse_decimal`]'s reading; `None` without a dot. The
/// usual `0.018` is read in the same pass that finds its dot.
#[inline]
fn dotted_decimal(w: &str) -> Option<Option<f64>> {
    let b = w.as_bytes();
    match decimal_at(b, 0) {
        Some((secs, end)) if end == b.len() => Some(Some(secs)),
        _ if !b.contains(&b'.') => None,
        _ => Some(parse_decimal(w)),
    }
}

/// The first whitespace-separated word of `s` (empty when there is none) and what follows it.
fn next_word(s: &str) -> (&str, &str) {
    let b = s.as_bytes();
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b[start..]
        .iter()
        .position(|c| c.is_ascii_whitespace())
        .map_or(b.len(), |k| start + k);
    // ASCII whitespace bytes are char boundaries, and so is the first byte after them.
    (&s[start..end], &s[end..])
}

#[cfg(test)]
#[path = "nginx_format_tests.rs"]
mod tests;
