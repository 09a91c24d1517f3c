//! Route globs for team runbooks that apply to some routes only.
//!
//! `*` matches any run of characters except `/`, `**` matches any run including `/`, `?` one
//! character except `/`; everything else is literal (so route templates such as
//! `/v1/orders/{id}` are written as they are). Routes that are not paths (a backend name such as
//! `be_orders`, a Traefik router `orders@file`) match the same way.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteGlob {
    pattern: String,
    tokens: Vec<Token>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// One character other than `/`.
    Any,
    /// A run of characters without `/`.
    Star,
    /// A run of any characters.
    DoubleStar,
}

impl RouteGlob {
    /// Returns `None` for an empty pattern, which would match nothing useful.
    pub fn new(pattern: &str) -> Option<RouteGlob> {
        if pattern.trim().is_empty() {
            return None;
        }
        let mut tokens = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            let token = match c {
                '*' if chars.peek() == Some(&'*') => {
                    chars.next();
                    while chars.peek() == Some(&'*') {
                        chars.next();
                    }
                    Token::DoubleStar
                }
                '*' => Token::Star,
                '?' => Token::Any,
                c => Token::Char(c),
            };
            tokens.push(token);
        }
        Some(RouteGlob {
            pattern: pattern.to_string(),
            tokens,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Dynamic programming over (pattern position, route position): linear in both, no
    /// backtracking blow-up on patterns with many stars.
    pub fn matches(&self, route: &str) -> bool {
        let text: Vec<char> = route.chars().collect();
        let n = text.len();
        // reach[j]: the tokens consumed so far can match text[..j].
        let mut reach = vec![false; n + 1];
        reach[0] = true;
        for token in &self.tokens {
            let mut next = vec![false; n + 1];
            match token {
                Token::Char(c) => {
                    for j in 0..n {
                        next[j + 1] = reach[j] && text[j] == *c;
                    }
                }
                Token::Any => {
                    for j in 0..n {
                        next[j + 1] = reach[j] && text[j] != '/';
                    }
                }
                Token::Star => {
                    next[0] = reach[0];
                    for j in 0..n {
                        next[j + 1] = reach[j + 1] || (next[j] && text[j] != '/');
                    }
                }
                Token::DoubleStar => {
                    next[0] = reach[0];
                    for j in 0..n {
                        next[j + 1] = reach[j + 1] || next[j];
                    }
                }
            }
            reach = next;
        }
        reach[n]
    }
}

impl fmt::Display for RouteGlob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pattern)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn glob_table() {
        let cases = [
            ("/v1/payments/*", "/v1/payments/123", true),
            ("/v1/payments/*", "/v1/payments/123/refunds", false),
            ("/v1/payments/**", "/v1/payments/123/refunds", true),
            ("/v1/payments/**", "/v1/payments/", true),
            ("/v1/payments/**", "/v1/payment", false),
            ("/v1/orders/{id}", "/v1/orders/{id}", true),
            ("/v1/orders/{id}", "/v1/orders/42", false),
            ("/v?/orders", "/v2/orders", true),
            ("/v?/orders", "/v/orders", false),
            ("be_*", "be_orders", true),
            ("*@file", "orders@file", true),
            ("*@file", "orders@docker", false),
            ("**", "", true),
            ("*", "a/b", false),
            ("/a*b*c", "/aXbYc", true),
            ("/a*b*c", "/aXbY", false),
            ("/ü*", "/über", true),
        ];
        for (pattern, route, want) in cases {
            let glob = RouteGlob::new(pattern).expect("non-empty pattern");
            assert_eq!(glob.matches(route), want, "{pattern} vs {route}");
        }
        assert!(RouteGlob::new("  ").is_none());
    }

    proptest! {
        #[test]
        fn a_literal_pattern_matches_itself(route in "[a-z/_{}.-]{1,40}") {
            let glob = RouteGlob::new(&route).expect("non-empty");
            prop_assert!(glob.matches(&route));
        }

        #[test]
        fn double_star_matches_anything(route in "\\PC{0,60}") {
            let glob = RouteGlob::new("**").expect("non-empty");
            prop_assert!(glob.matches(&route));
        }
    }
}
