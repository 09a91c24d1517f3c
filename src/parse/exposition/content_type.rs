//! Which exposition format a response says it is, from its `Content-Type`.

/// `Some(true)` for OpenMetrics (`application/openmetrics-text`, any version), `Some(false)`
/// for the Prometheus text format (`text/plain`, version 0.0.4 or none), `None` for anything
/// else (the parser then detects the format from the body). Media types and parameter names
/// are case-insensitive; `text/plain` with another `version` is not one we know: `None`.
pub fn format_from_content_type(value: &str) -> Option<bool> {
    let mut parts = value.split(';');
    let media = parts.next()?.trim().to_ascii_lowercase();
    let version = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("version")
            .then(|| v.trim().trim_matches('"').to_string())
    });
    match media.as_str() {
        "application/openmetrics-text" => Some(true),
        "text/plain" => match version.as_deref() {
            None | Some("0.0.4") => Some(false),
            Some(_) => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::format_from_content_type as f;

    #[test]
    fn content_types_name_the_format() {
        assert_eq!(
            f("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            Some(true)
        );
        assert_eq!(f("application/openmetrics-text;version=0.0.1"), Some(true));
        assert_eq!(f("Application/OpenMetrics-Text"), Some(true));
        assert_eq!(f("text/plain; version=0.0.4; charset=utf-8"), Some(false));
        assert_eq!(f("text/plain;VERSION=\"0.0.4\""), Some(false));
        assert_eq!(f("text/plain"), Some(false));
        assert_eq!(f("text/plain; version=1.0.0"), None);
        assert_eq!(f("application/octet-stream"), None);
        assert_eq!(
            f("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily"),
            None
        );
        assert_eq!(f(""), None);
    }
}
