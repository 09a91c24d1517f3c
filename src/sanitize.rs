//! The one sanitiser every outside string passes through before it reaches a screen or an output.
//!
//! Removes C0 controls (except tab, which becomes a space), DEL, C1 controls, ANSI escape
//! sequences (CSI, OSC, DCS, SOS, PM, APC, and two-byte ESC sequences, in both their 7-bit and
//! 8-bit forms) and Unicode bidi overrides/isolates, which can make text read backwards.

use std::borrow::Cow;

/// Returns `s` unchanged (borrowed) when it holds nothing to strip.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_work) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(strip(s))
}

/// Lossy UTF-8 decoding, then [`sanitize`].
pub fn sanitize_bytes(b: &[u8]) -> String {
    sanitize(&String::from_utf8_lossy(b)).into_owned()
}

fn needs_work(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Text,
    /// After ESC.
    Escape,
    /// Inside CSI: parameters until a final byte 0x40..=0x7E.
    Csi,
    /// Inside a string sequence (OSC, DCS, SOS, PM, APC) until BEL or ST.
    Str,
    /// ESC seen inside a string sequence: `\` ends it.
    StrEscape,
}

fn strip(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut state = State::Text;
    for c in s.chars() {
        state = match state {
            State::Text => match c {
                '\x1b' => State::Escape,
                '\u{9b}' => State::Csi,
                '\u{90}' | '\u{9d}' | '\u{98}' | '\u{9e}' | '\u{9f}' => State::Str,
                '\t' => {
                    out.push(' ');
                    State::Text
                }
                c if needs_work(c) => State::Text,
                c => {
                    out.push(c);
                    State::Text
                }
            },
            State::Escape => match c {
                '[' => State::Csi,
                ']' | 'P' | 'X' | '^' | '_' => State::Str,
                // Intermediate bytes of an nF sequence (e.g. ESC ( B): keep consuming.
                '\x20'..='\x2f' => State::Escape,
                _ => State::Text,
            },
            State::Csi => match c {
                '\x40'..='\x7e' => State::Text,
                '\x1b' => State::Escape,
                _ => State::Csi,
            },
            State::Str => match c {
                '\x07' | '\u{9c}' => State::Text,
                '\x1b' => State::StrEscape,
                _ => State::Str,
            },
            State::StrEscape => match c {
                '\\' => State::Text,
                '\x1b' => State::StrEscape,
                _ => State::Str,
            },
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences_and_controls() {
        let cases = [
            ("plain text", "plain text"),
            ("\x1b]0;pwned\x07GET /", "GET /"),
            ("a\x1b[2Jb", "ab"),
            ("a\x1b[31;1mred\x1b[0m", "ared"),
            ("x\x1bP1;2|secret\x1b\\y", "xy"),
            ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"),
            ("bell\x07 nul\0 del\x7f", "bell nul del"),
            ("tab\there", "tab here"),
            ("c1\u{9b}31mcsi", "c1csi"),
            ("bidi\u{202E}txet", "biditxet"),
            ("new\nline\r", "newline"),
            ("ESC(B charset\x1b(B", "ESC(B charset"),
            ("unterminated \x1b]0;title", "unterminated "),
        ];
        for (input, want) in cases {
            assert_eq!(sanitize(input), want, "{input:?}");
        }
    }

    #[test]
    fn borrows_clean_input() {
        assert!(matches!(sanitize("GET /v1/orders 200"), Cow::Borrowed(_)));
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        assert_eq!(sanitize_bytes(b"ok\xff\x1b[2J"), "ok\u{fffd}");
    }

    proptest::proptest! {
        #[test]
        fn output_never_holds_controls(s in ".*") {
            let out = sanitize(&s);
            proptest::prop_assert!(!out.chars().any(|c| c.is_control() || is_bidi_control(c)));
        }
    }
}
