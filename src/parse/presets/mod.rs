//! PURE gateway presets: which metric families a gateway exports and what they mean, and the
//! [`MetricsMapper`] that turns successive scrapes of one target into per-route increases.
//!
//! One file per gateway holds its data ([`spec::Preset`]) and, where the gateway needs it, a
//! small hook for behaviour data cannot say (Caddy's handler errors, HAProxy's frontend
//! denials, nginx's own scrapes). `auto` picks the preset from the family names it sees.
//! See docs/metrics.md for each mapping.

mod aggregate;
pub mod apisix;
pub mod caddy;
mod compile;
pub mod envoy;
pub mod generic;
pub mod haproxy;
mod ingest;
pub mod kong;
pub mod krakend;
mod latency;
mod mapper;
pub mod nginx;
pub mod nginx_vts;
pub mod options;
pub mod spec;
pub mod traefik;
pub mod tyk;

pub use compile::LabelView;
pub use generic::GenericMapping;
pub use ingest::{ScrapeError, ScrapeOutcome};
pub use latency::{parse_le, BucketIncreases, LayoutCache};
pub use mapper::MetricsMapper;
pub use options::PresetOptions;
pub use spec::{MappingDoc, Preset};

/// Which preset a target uses.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PresetChoice<'a> {
    /// Recognise the gateway from the family names of its first scrape.
    Auto,
    Named(&'a str),
}

impl<'a> PresetChoice<'a> {
    /// `"auto"` (or empty) → [`PresetChoice::Auto`], anything else by name.
    pub fn parse(s: &'a str) -> Self {
        match s.trim() {
            "" | "auto" => PresetChoice::Auto,
            name => PresetChoice::Named(name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PresetError {
    #[error("unknown preset {0:?} (known: auto, {list})", list = PRESET_NAMES.join(", "))]
    Unknown(String),
    #[error("preset \"generic\" needs a [generic] mapping in the target's config")]
    GenericWithoutMapping,
    #[error("generic mapping: {0}")]
    InvalidGeneric(String),
}

/// Every named preset, in the order `auto` prefers them on a tie.
pub const PRESET_NAMES: &[&str] = &[
    "kong",
    "envoy",
    "traefik",
    "haproxy",
    "caddy",
    "apisix",
    "nginx-vts",
    "tyk",
    "krakend",
    "nginx",
    "generic",
];

/// Builds the named preset with the target's options.
pub fn build(
    name: &str,
    options: &PresetOptions,
    generic: Option<&GenericMapping>,
) -> Result<Preset, PresetError> {
    Ok(match name {
        "caddy" => caddy::preset(options),
        "haproxy" => haproxy::preset(options),
        "envoy" => envoy::preset(options),
        "kong" => kong::preset(options),
        "traefik" => traefik::preset(options),
        "apisix" => apisix::preset(options),
        "nginx-vts" | "nginx_vts" | "vts" => nginx_vts::preset(options),
        "nginx" => nginx::preset(options),
        "tyk" => tyk::preset(options),
        "krakend" => krakend::preset(options),
        "generic" => generic::preset(generic.ok_or(PresetError::GenericWithoutMapping)?)?,
        other => return Err(PresetError::Unknown(other.to_string())),
    })
}

/// Picks the preset whose detection prefixes match the most family names (ties go to the
/// earlier in [`PRESET_NAMES`]). `None` when nothing matches.
pub fn detect<'f>(families: impl Iterator<Item = &'f str> + Clone) -> Option<&'static str> {
    let options = PresetOptions::default();
    let mut best: Option<(&'static str, usize)> = None;
    for &name in PRESET_NAMES {
        let Ok(preset) = build(name, &options, None) else {
            continue;
        };
        let score = families
            .clone()
            .filter(|f| preset.detect.iter().any(|p| f.starts_with(p)))
            .count();
        if score > 0 && best.is_none_or(|(_, s)| score > s) {
            best = Some((name, score));
        }
    }
    best.map(|(n, _)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_family_prefixes() {
        let cases: &[(&[&str], Option<&str>)] = &[
            (
                &["caddy_admin_http_requests_total", "go_goroutines"],
                Some("caddy"),
            ),
            (
                &["haproxy_process_nbthread", "haproxy_backend_status"],
                Some("haproxy"),
            ),
            (
                &[
                    "nginx_connections_active",
                    "nginx_http_requests_total",
                    "nginx_up",
                ],
                Some("nginx"),
            ),
            (
                &["nginx_vts_info", "nginx_vts_server_requests_total"],
                Some("nginx-vts"),
            ),
            (
                &["kong_http_requests_total", "kong_nginx_connections_total"],
                Some("kong"),
            ),
            (
                &["envoy_cluster_upstream_rq", "envoy_server_live"],
                Some("envoy"),
            ),
            (&["traefik_router_requests_total"], Some("traefik")),
            (
                &[
                    "apisix_http_status",
                    "apisix_nginx_http_current_connections",
                ],
                Some("apisix"),
            ),
            (&["tyk_http_status"], Some("tyk")),
            (
                &[
                    "krakend_proxy_duration_seconds",
                    "http_server_duration_seconds",
                ],
                Some("krakend"),
            ),
            (&["go_goroutines", "process_cpu_seconds_total"], None),
            (&[], None),
        ];
        for (families, want) in cases {
            assert_eq!(detect(families.iter().copied()), *want, "{families:?}");
        }
    }

    #[test]
    fn the_mapper_can_move_to_a_blocking_thread() {
        fn assert_send<T: Send + 'static>() {}
        assert_send::<MetricsMapper>();
        assert_send::<ScrapeOutcome>();
    }

    #[test]
    fn builds_every_named_preset_and_refuses_unknown_ones() {
        let o = PresetOptions::default();
        for name in PRESET_NAMES.iter().filter(|n| **n != "generic") {
            let p = build(name, &o, None).unwrap();
            assert_eq!(p.name, *name);
            assert!(!p.rules.is_empty());
            assert!(!p.doc.route.is_empty() && !p.doc.status.is_empty());
        }
        assert_eq!(
            build("generic", &o, None).unwrap_err(),
            PresetError::GenericWithoutMapping
        );
        assert!(matches!(
            build("nope", &o, None),
            Err(PresetError::Unknown(_))
        ));
        assert_eq!(PresetChoice::parse("auto"), PresetChoice::Auto);
        assert_eq!(PresetChoice::parse("caddy"), PresetChoice::Named("caddy"));
    }
}
