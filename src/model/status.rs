//! HTTP status codes and classes, as gateways report them: sometimes exact, sometimes a class only.

use std::fmt;

#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusClass {
    Informational,
    Success,
    Redirection,
    ClientError,
    ServerError,
    /// Outside 100..=599, or HAProxy's `other`.
    Other,
}

impl StatusClass {
    pub const ALL: [StatusClass; 6] = [
        StatusClass::Informational,
        StatusClass::Success,
        StatusClass::Redirection,
        StatusClass::ClientError,
        StatusClass::ServerError,
        StatusClass::Other,
    ];

    pub fn of_code(code: u16) -> StatusClass {
        match code {
            100..=199 => StatusClass::Informational,
            200..=299 => StatusClass::Success,
            300..=399 => StatusClass::Redirection,
            400..=499 => StatusClass::ClientError,
            500..=599 => StatusClass::ServerError,
            _ => StatusClass::Other,
        }
    }

    /// `"2xx"` style label.
    pub fn label(self) -> &'static str {
        match self {
            StatusClass::Informational => "1xx",
            StatusClass::Success => "2xx",
            StatusClass::Redirection => "3xx",
            StatusClass::ClientError => "4xx",
            StatusClass::ServerError => "5xx",
            StatusClass::Other => "other",
        }
    }

    /// Parses `2xx`, `2XX`, `2` (Envoy's class digit) and `other`.
    pub fn parse(s: &str) -> Option<StatusClass> {
        let b = s.as_bytes();
        let digit = match b {
            [d] => *d,
            [d, x1, x2] if x1.eq_ignore_ascii_case(&b'x') && x2.eq_ignore_ascii_case(&b'x') => *d,
            _ if s.eq_ignore_ascii_case("other") => return Some(StatusClass::Other),
            _ => return None,
        };
        match digit {
            b'1' => Some(StatusClass::Informational),
            b'2' => Some(StatusClass::Success),
            b'3' => Some(StatusClass::Redirection),
            b'4' => Some(StatusClass::ClientError),
            b'5' => Some(StatusClass::ServerError),
            _ => None,
        }
    }
}

/// A response status as far as the source knows it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// The exact code (logs, most metrics presets).
    Code(u16),
    /// Only the class is known (HAProxy metrics, Caddy's handler errors as "5xx, code unknown").
    Class(StatusClass),
}

impl Status {
    pub fn class(self) -> StatusClass {
        match self {
            Status::Code(c) => StatusClass::of_code(c),
            Status::Class(c) => c,
        }
    }

    pub fn code(self) -> Option<u16> {
        match self {
            Status::Code(c) => Some(c),
            Status::Class(_) => None,
        }
    }

    /// Parses an exact code (`"502"`) or a class (`"5xx"`, `"5"`).
    pub fn parse(s: &str) -> Option<Status> {
        if s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()) {
            return s.parse().ok().map(Status::Code);
        }
        StatusClass::parse(s).map(Status::Class)
    }

    pub fn is_rate_limited(self) -> bool {
        self == Status::Code(429)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Code(c) => write!(f, "{c}"),
            Status::Class(c) => f.write_str(c.label()),
        }
    }
}

/// Who produced a response, where the source can tell.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Responder {
    /// The gateway answered itself (rate limit, no upstream, upstream timeout…).
    Gateway,
    /// The upstream's own answer, passed through.
    Upstream,
    #[default]
    Unknown,
}

impl Responder {
    pub fn label(self) -> &'static str {
        match self {
            Responder::Gateway => "gateway",
            Responder::Upstream => "upstream",
            Responder::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_classes() {
        let cases = [
            ("502", Some(Status::Code(502))),
            ("5xx", Some(Status::Class(StatusClass::ServerError))),
            ("4XX", Some(Status::Class(StatusClass::ClientError))),
            ("2", Some(Status::Class(StatusClass::Success))),
            ("other", Some(Status::Class(StatusClass::Other))),
            ("", None),
            ("9xx", None),
            ("50", None),
        ];
        for (input, want) in cases {
            assert_eq!(Status::parse(input), want, "{input:?}");
        }
    }

    #[test]
    fn class_of_code() {
        assert_eq!(Status::Code(429).class(), StatusClass::ClientError);
        assert_eq!(Status::Code(99).class(), StatusClass::Other);
        assert_eq!(Status::Code(504).class().label(), "5xx");
    }
}
