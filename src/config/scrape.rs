//! Rules for `[[scrape]]` tables beyond their types: one of `url` and `targets`, URL schemes,
//! and the instances of a gateway (each URL at most once per gateway).

use std::collections::HashMap;
use std::path::Path;

use super::error::{at_span, line_col, ConfigError};
use super::schema::ScrapeConfig;

/// Byte offset of the `index`-th `[[scrape]]` header, for errors about a table as a whole.
fn table_offset(text: &str, index: usize) -> usize {
    let mut offset = 0;
    let mut seen = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("[[") && t[2..].trim_start().starts_with("scrape") {
            let rest = t[2..].trim_start()["scrape".len()..].trim_start();
            if rest.starts_with("]]") {
                if seen == index {
                    return offset + (line.len() - t.len());
                }
                seen += 1;
            }
        }
        offset += line.len();
    }
    0
}

pub(super) fn validate(
    path: &Path,
    text: &str,
    scrapes: &[ScrapeConfig],
) -> Result<(), ConfigError> {
    let err = |span: std::ops::Range<usize>, msg: String| Err(at_span(path, text, span, msg));
    // (gateway, url) → which table listed it first.
    let mut instances: HashMap<(String, String), usize> = HashMap::new();
    for (i, s) in scrapes.iter().enumerate() {
        match (&s.url, &s.targets) {
            (None, None) => {
                let (line, column) = line_col(text, table_offset(text, i));
                return Err(ConfigError {
                    file: path.to_path_buf(),
                    line,
                    column,
                    key: Some(format!("scrape[{i}]")),
                    message: "needs `url` (one target) or `targets` (several instances of one \
                              gateway)"
                        .into(),
                });
            }
            (Some(_), Some(t)) => {
                return err(
                    t.span(),
                    "`url` and `targets` are both given: use one".into(),
                )
            }
            (None, Some(t)) if t.get_ref().is_empty() => {
                return err(t.span(), "`targets` is empty".into())
            }
            (None, Some(t)) if s.gateway.is_none() => {
                return err(
                    t.span(),
                    "`targets` needs `gateway = \"NAME\"`: the name its instances are summed under"
                        .into(),
                )
            }
            (None, Some(t)) if s.name.is_some() => {
                return err(
                    t.span(),
                    "`name` names one target; with `targets`, name the group with `gateway` \
                     (instances are named by host:port)"
                        .into(),
                )
            }
            _ => {}
        }
        if let Some(g) = &s.gateway {
            if g.get_ref().trim().is_empty() {
                return err(g.span(), "`gateway` is empty".into());
            }
        }
        for url in s.urls() {
            let u = url.get_ref();
            if !(u.starts_with("http://") || u.starts_with("https://") || u.starts_with("file://"))
            {
                return err(
                    url.span(),
                    format!("{u:?} is not an http://, https:// or file:// URL"),
                );
            }
            let group = s.gateway.as_ref().map(|g| g.get_ref().clone());
            if let Some(g) = group {
                if let Some(first) = instances.insert((g.clone(), u.clone()), i) {
                    return err(
                        url.span(),
                        format!(
                            "{u:?} is already an instance of gateway {g:?} (scrape[{first}]): \
                             each instance once, or its traffic counts twice"
                        ),
                    );
                }
            }
        }
        if s.interval.is_zero() {
            let span = s.urls().first().map_or(0..0, |u| u.span());
            return err(span, "interval must be more than 0s".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use std::path::Path;

    fn error(text: &str) -> String {
        parse(Path::new("gw.toml"), text).unwrap_err().to_string()
    }

    #[test]
    fn targets_expand_a_gateway_and_errors_name_the_key() {
        let ok = "[[scrape]]\ngateway = \"edge\"\ntargets = [\"http://a:1/metrics\", \"http://b:1/metrics\"]\n";
        let file = parse(Path::new("gw.toml"), ok).unwrap();
        let urls: Vec<&str> = file.scrape[0]
            .urls()
            .iter()
            .map(|u| u.get_ref().as_str())
            .collect();
        assert_eq!(urls, ["http://a:1/metrics", "http://b:1/metrics"]);

        assert_eq!(
            error("[dashboard]\n\n  [[scrape]]\npreset = \"kong\"\n"),
            "gw.toml:3:3: key `scrape[0]`: needs `url` (one target) or `targets` (several \
             instances of one gateway)"
        );
        assert_eq!(
            error("[[scrape]]\nurl = \"http://a:1/m\"\n[[scrape]]\ngateway = \"edge\"\ntargets = [\"http://b:1/m\", \"ftp://c\"]\n"),
            "gw.toml:5:28: key `scrape[1].targets`: \"ftp://c\" is not an http://, https:// or file:// URL"
        );
        assert_eq!(
            error("[[scrape]]\ntargets = [\"http://b:1/m\"]\n"),
            "gw.toml:2:11: key `scrape[0].targets`: `targets` needs `gateway = \"NAME\"`: the \
             name its instances are summed under"
        );
        assert!(
            error("[[scrape]]\nurl = \"http://a:1/m\"\ntargets = [\"http://b:1/m\"]\n")
                .starts_with(
                    "gw.toml:3:11: key `scrape[0].targets`: `url` and `targets` are both given"
                )
        );
        assert!(error("[[scrape]]\ngateway = \"edge\"\ntargets = []\n")
            .starts_with("gw.toml:3:11: key `scrape[0].targets`: `targets` is empty"));
        assert!(error(
            "[[scrape]]\nname = \"x\"\ngateway = \"edge\"\ntargets = [\"http://b:1/m\"]\n"
        )
        .starts_with("gw.toml:4:11: key `scrape[0].targets`: `name` names one target"));
        assert!(
            error("[[scrape]]\nurl = \"http://b:1/m\"\ngateway = \" \"\n")
                .starts_with("gw.toml:3:11: key `scrape[0].gateway`: `gateway` is empty")
        );
    }

    #[test]
    fn an_instance_listed_twice_in_one_gateway_is_an_error() {
        let text = "[[scrape]]\ngateway = \"edge\"\nurl = \"http://a:1/m\"\n\n[[scrape]]\ngateway = \"edge\"\ntargets = [\"http://b:1/m\", \"http://a:1/m\"]\n";
        assert_eq!(
            error(text),
            "gw.toml:7:28: key `scrape[1].targets`: \"http://a:1/m\" is already an instance of \
             gateway \"edge\" (scrape[0]): each instance once, or its traffic counts twice"
        );
        // The same URL in two different gateways (or ungrouped) is the user's call.
        let other = "[[scrape]]\ngateway = \"edge\"\nurl = \"http://a:1/m\"\n\n[[scrape]]\nurl = \"http://a:1/m\"\n";
        assert!(parse(Path::new("gw.toml"), other).is_ok());
    }
}
