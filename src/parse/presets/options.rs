//! Per-target preset options, embedded in the TOML config (`[targets.<name>.preset_options]`).
//! Every field is optional; unknown keys are an error so a typo does not pass silently.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PresetOptions {
    pub caddy: CaddyOptions,
    pub haproxy: HaproxyOptions,
    pub nginx: NginxOptions,
    /// Configured rate limits in requests per second, by route as displayed
    /// (e.g. `"be_search" = 20`). A route listed here gets saturation = observed rate ÷ limit
    /// unless the gateway exports a dedicated rate-limit counter for it.
    pub rate_limits_rps: BTreeMap<String, f64>,
}

/// What a Caddy route is. Caddy exports no route label, so the default is the gateway as a
/// whole; `server` splits by Caddy's server name (`srv0`, `srv1`: one per listener), `host`
/// by the `host` label that Caddy 2.9+ adds with `metrics { per_host }`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaddyRoute {
    #[default]
    Gateway,
    Server,
    Host,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaddyOptions {
    pub route: CaddyRoute,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HaproxyOptions {
    /// The status the frontend's limiter denies with (`deny_status`, e.g. 429). HAProxy metrics
    /// only give the class, so without it denials show as `4xx`.
    pub deny_status: Option<u16>,
    /// Frontend name → route where its denials are shown (default: a row named after the
    /// frontend), e.g. `fe_api = "be_search"` when the frontend's limiter guards one backend.
    pub denials_route: BTreeMap<String, String>,
    /// Stick-table name → route whose saturation is the table's used ÷ size
    /// (a table declared inside a backend maps to that backend by itself).
    pub sticktables: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NginxOptions {
    /// Requests the exporter's own stub_status fetch adds per scrape (1 when only gatewatch
    /// scrapes this exporter; add one per other scraper, e.g. 2 with a Prometheus too).
    pub self_requests_per_scrape: u32,
}

impl Default for NginxOptions {
    fn default() -> Self {
        NginxOptions {
            self_requests_per_scrape: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_from_toml_and_rejects_typos() {
        let o: PresetOptions = toml::from_str(
            r#"
            rate_limits_rps = { be_search = 20.0 }
            [caddy]
            route = "server"
            [haproxy]
            deny_status = 429
            denials_route = { fe_api = "be_search" }
            [nginx]
            self_requests_per_scrape = 2
            "#,
        )
        .unwrap();
        assert_eq!(o.caddy.route, CaddyRoute::Server);
        assert_eq!(o.haproxy.deny_status, Some(429));
        assert_eq!(o.nginx.self_requests_per_scrape, 2);
        assert_eq!(o.rate_limits_rps.get("be_search"), Some(&20.0));
        assert!(toml::from_str::<PresetOptions>("[haproxy]\ndeny_stat = 429").is_err());
        assert_eq!(
            toml::from_str::<PresetOptions>("")
                .unwrap()
                .nginx
                .self_requests_per_scrape,
            1
        );
    }
}
