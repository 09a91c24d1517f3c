//! PURE: what one probe asks for, as typed in the dialog, and the request it makes.

use crate::model::check::probe_request::{parse_header_arg, ProbeRequest};
use crate::model::route::RouteKey;
use crate::sanitize::sanitize;

use super::text_field::TextField;
use super::Field;

/// What one probe asks for, as typed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProbeForm {
    pub method: TextField,
    pub url: TextField,
    /// One `Name: value` per line.
    pub headers: TextField,
    pub body: TextField,
    pub origin: TextField,
    /// Send a CORS preflight from `origin` instead of the request.
    pub cors: bool,
}

impl std::fmt::Debug for ProbeForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProbeForm")
            .field("method", &self.method.text())
            .field("url", &crate::redact::url(self.url.text()))
            .field("headers", &self.headers.lines().count())
            .field("cors", &self.cors)
            .finish_non_exhaustive()
    }
}

/// `https://api.example.com` + `GET /v1/orders` → `https://api.example.com/v1/orders`. A route
/// without a path (a metrics route name such as a Kong route) gives the base URL alone, for the
/// user to finish.
pub fn prefill_url(base: Option<&str>, route: Option<&RouteKey>) -> String {
    let base = base.map(|b| sanitize(b.trim()).trim_end_matches('/').to_string());
    match route.map(|r| sanitize(&r.route).into_owned()) {
        Some(path) if path.starts_with('/') => format!("{}{path}", base.unwrap_or_default()),
        _ => base.unwrap_or_default(),
    }
}

impl ProbeForm {
    pub fn prefilled(base: Option<&str>, route: Option<&RouteKey>) -> Self {
        let method = route
            .and_then(|r| r.method.as_deref())
            .map(|m| sanitize(m).to_ascii_uppercase())
            .unwrap_or_else(|| "GET".to_string());
        ProbeForm {
            method: TextField::single(&method),
            url: TextField::single(&prefill_url(base, route)),
            headers: TextField::multi(""),
            body: TextField::multi(""),
            origin: TextField::single(""),
            cors: false,
        }
    }

    pub fn field(&self, f: Field) -> &TextField {
        match f {
            Field::Method => &self.method,
            Field::Url => &self.url,
            Field::Headers => &self.headers,
            Field::Body => &self.body,
            Field::Cors => &self.origin,
        }
    }

    pub(super) fn field_mut(&mut self, f: Field) -> &mut TextField {
        match f {
            Field::Method => &mut self.method,
            Field::Url => &mut self.url,
            Field::Headers => &mut self.headers,
            Field::Body => &mut self.body,
            Field::Cors => &mut self.origin,
        }
    }

    /// The request this form describes, or what is wrong with it.
    pub fn request(&self) -> Result<ProbeRequest, String> {
        let method = self.method.text().trim().to_ascii_uppercase();
        if !method.bytes().all(is_token_byte) {
            return Err(format!("method {method:?} is not an HTTP method token"));
        }
        let url = self.url.text().trim();
        if url.is_empty() {
            return Err("type a URL, or a path joined to the base URL".into());
        }
        if let (Some(open), Some(close)) = (url.find('{'), url.find('}')) {
            if open < close {
                return Err(format!(
                    "replace {} in the URL with a real value",
                    &url[open..=close]
                ));
            }
        }
        let mut headers = Vec::new();
        for (i, line) in self.headers.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match parse_header_arg(line) {
                Some(kv) => headers.push(kv),
                None => return Err(format!("headers line {}: expected 'Name: value'", i + 1)),
            }
        }
        let origin = self.origin.text().trim();
        if self.cors && origin.is_empty() {
            return Err("a CORS preflight needs an Origin (https://app.example.com)".into());
        }
        Ok(ProbeRequest {
            method,
            url: url.to_string(),
            headers,
            body: (!self.body.is_empty()).then(|| self.body.text().to_string()),
            cors_origin: self.cors.then(|| origin.to_string()),
            ..ProbeRequest::default()
        })
    }
}

/// RFC 9110 `tchar`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}
