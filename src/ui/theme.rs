//! Themes: styles by semantic role, loaded from TOML. Widgets ask for a role, never a colour.

use std::collections::HashMap;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Text,
    Muted,
    Accent,
    Ok,
    Warn,
    Crit,
    Selection,
    Border,
    Title,
    Demo,
    Class2xx,
    Class3xx,
    Class4xx,
    Class5xx,
}

impl Role {
    const ALL: [(Role, &'static str); 14] = [
        (Role::Text, "text"),
        (Role::Muted, "muted"),
        (Role::Accent, "accent"),
        (Role::Ok, "ok"),
        (Role::Warn, "warn"),
        (Role::Crit, "crit"),
        (Role::Selection, "selection"),
        (Role::Border, "border"),
        (Role::Title, "title"),
        (Role::Demo, "demo"),
        (Role::Class2xx, "class_2xx"),
        (Role::Class3xx, "class_3xx"),
        (Role::Class4xx, "class_4xx"),
        (Role::Class5xx, "class_5xx"),
    ];
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    roles: HashMap<String, StyleSpec>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
}

#[derive(Clone, Debug)]
pub struct Theme {
    pub name: String,
    styles: HashMap<Role, Style>,
    /// Monochrome themes draw the ratio bar with distinct symbols per class.
    pub monochrome: bool,
}

pub const SHIPPED: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
];

fn color(name: &str) -> Result<Color, String> {
    name.parse::<Color>()
        .map_err(|_| format!("unknown colour {name:?}"))
}

impl Theme {
    pub fn parse(text: &str) -> Result<Theme, String> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut styles = HashMap::new();
        let mut monochrome = true;
        for (role, key) in Role::ALL {
            let spec = file.roles.get(key).cloned().unwrap_or_default();
            let mut style = Style::default();
            if let Some(fg) = &spec.fg {
                style = style.fg(color(fg)?);
                monochrome = false;
            }
            if let Some(bg) = &spec.bg {
                style = style.bg(color(bg)?);
                monochrome = false;
            }
            for (on, m) in [
                (spec.bold, Modifier::BOLD),
                (spec.dim, Modifier::DIM),
                (spec.italic, Modifier::ITALIC),
                (spec.underline, Modifier::UNDERLINED),
                (spec.reversed, Modifier::REVERSED),
            ] {
                if on {
                    style = style.add_modifier(m);
                }
            }
            styles.insert(role, style);
        }
        if let Some(unknown) = file
            .roles
            .keys()
            .find(|k| !Role::ALL.iter().any(|(_, n)| n == k))
        {
            return Err(format!("unknown role {unknown:?}"));
        }
        Ok(Theme {
            name: file.name,
            styles,
            monochrome,
        })
    }

    /// A shipped theme by name; `NO_COLOR` (any non-empty value) forces `mono`.
    pub fn shipped(name: &str, no_color: bool) -> Result<Theme, String> {
        let name = if no_color { "mono" } else { name };
        let (_, text) = SHIPPED
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| format!("no theme named {name:?} (have: default, mono)"))?;
        Theme::parse(text)
    }

    pub fn style(&self, role: Role) -> Style {
        self.styles.get(&role).copied().unwrap_or_default()
    }
}
