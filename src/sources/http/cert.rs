//! Reads a certificate's `notAfter` from its DER encoding: just the path
//! Certificate → TBSCertificate → Validity, without a full X.509 parser. Pure; never panics on
//! arbitrary bytes.

use crate::model::time::{days_from_civil, Timestamp};

/// One DER element: (tag, content, rest after it).
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const VERSION: u8 = 0xa0;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;

/// The leaf certificate's expiry, `None` when the bytes are not a certificate we can read.
pub fn not_after(der: &[u8]) -> Option<Timestamp> {
    let (tag, cert, _) = element(der)?;
    if tag != SEQUENCE {
        return None;
    }
    let (tag, tbs, _) = element(cert)?;
    if tag != SEQUENCE {
        return None;
    }
    let mut rest = tbs;
    let (mut tag, _, mut after) = element(rest)?;
    if tag == VERSION {
        rest = after;
        (tag, _, after) = element(rest)?;
    }
    if tag != INTEGER {
        return None;
    }
    // signature algorithm, issuer, then validity.
    let (_, _, after_sig) = element(after)?;
    let (_, _, after_issuer) = element(after_sig)?;
    let (tag, validity, _) = element(after_issuer)?;
    if tag != SEQUENCE {
        return None;
    }
    let (_, _, after_not_before) = element(validity)?;
    let (tag, time, _) = element(after_not_before)?;
    parse_time(tag, time)
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
}

/// UTCTime `YYMMDDHHMMSSZ` (years 1950–2049) or GeneralizedTime `YYYYMMDDHHMMSSZ`.
fn parse_time(tag: u8, s: &[u8]) -> Option<Timestamp> {
    let (year, rest) = match tag {
        UTC_TIME if s.len() == 13 => {
            let yy = digits(&s[..2])?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &s[2..])
        }
        GENERALIZED_TIME if s.len() == 15 => (digits(&s[..4])?, &s[4..]),
        _ => return None,
    };
    if rest.last() != Some(&b'Z') {
        return None;
    }
    let month = digits(&rest[0..2])?;
    let day = digits(&rest[2..4])?;
    let hour = digits(&rest[4..6])?;
    let minute = digits(&rest[6..8])?;
    let second = digits(&rest[8..10])?;
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month as u32, day as u32);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second;
    Some(Timestamp(secs * 1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert_with_not_after(y: i32, m: u8, d: u8) -> Vec<u8> {
        let mut params =
            rcgen::CertificateParams::new(vec!["example.test".to_string()]).expect("params");
        params.not_after = rcgen::date_time_ymd(y, m, d);
        let key = rcgen::KeyPair::generate().expect("key");
        params.self_signed(&key).expect("cert").der().to_vec()
    }

    #[test]
    fn reads_not_after_of_generated_certificates() {
        // 2049 is the last UTCTime year, 2050 needs GeneralizedTime.
        for (y, m, d) in [(2030, 6, 15), (2049, 12, 31), (2050, 1, 1), (2001, 2, 28)] {
            let der = cert_with_not_after(y, m, d);
            let want = days_from_civil(i64::from(y), u32::from(m), u32::from(d)) * 86_400_000;
            assert_eq!(not_after(&der), Some(Timestamp(want)), "{y}-{m}-{d}");
        }
    }

    #[test]
    fn rejects_non_certificates() {
        assert_eq!(not_after(b""), None);
        assert_eq!(not_after(&[0x30, 0x82, 0xff]), None);
        assert_eq!(not_after(&[0x30, 0x03, 0x02, 0x01, 0x00]), None);
        assert_eq!(parse_time(UTC_TIME, b"991332000000Z"), None);
        assert_eq!(
            parse_time(UTC_TIME, b"990101000000Z"),
            Some(Timestamp(915_148_800_000))
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = not_after(&bytes);
        }
    }
}
