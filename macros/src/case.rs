//! `rename_all`: serde's set of cases, applied to snake_case field names and to PascalCase enum
//! variants.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

pub const RULES: &[(&str, RenameRule)] = &[
    ("lowercase", RenameRule::Lower),
    ("UPPERCASE", RenameRule::Upper),
    ("PascalCase", RenameRule::Pascal),
    ("camelCase", RenameRule::Camel),
    ("snake_case", RenameRule::Snake),
    ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnake),
    ("kebab-case", RenameRule::Kebab),
    ("SCREAMING-KEBAB-CASE", RenameRule::ScreamingKebab),
];

impl RenameRule {
    pub fn from_str(name: &str) -> Option<Self> {
        RULES.iter().find(|(n, _)| *n == name).map(|(_, rule)| *rule)
    }

    /// The rule's name as written in `rename_all = "..."`.
    pub fn name(self) -> &'static str {
        RULES.iter().find(|(_, rule)| *rule == self).map_or("", |(name, _)| name)
    }

    /// Renames a PascalCase enum variant, as serde's `rename_all` does for variants.
    pub fn apply_to_variant(self, variant: &str) -> String {
        // A word starts at each capital.
        let snake = || {
            let mut out = String::new();
            for (i, ch) in variant.chars().enumerate() {
                if ch.is_uppercase() && i > 0 {
                    out.push('_');
                }
                out.extend(ch.to_lowercase());
            }
            out
        };
        match self {
            RenameRule::Lower => variant.to_lowercase(),
            RenameRule::Upper => variant.to_uppercase(),
            RenameRule::Pascal => variant.to_owned(),
            // Only the first letter lowered, the rest kept as written (an `_` in the name too),
            // as serde does: not the snake_case words put back together.
            RenameRule::Camel => {
                let mut chars = variant.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_lowercase().collect::<String>() + chars.as_str()
                })
            }
            // Every other case is a field's case of the words, once they are in snake_case.
            RenameRule::Snake
            | RenameRule::ScreamingSnake
            | RenameRule::Kebab
            | RenameRule::ScreamingKebab => self.apply(&snake()),
        }
    }

    /// Renames a snake_case field name, as serde's `rename_all` does for fields.
    pub fn apply(self, field: &str) -> String {
        match self {
            RenameRule::Lower | RenameRule::Snake => field.to_owned(),
            RenameRule::Upper => field.to_ascii_uppercase(),
            RenameRule::Pascal => {
                let mut out = String::new();
                let mut capitalize = true;
                for ch in field.chars() {
                    if ch == '_' {
                        capitalize = true;
                    } else if capitalize {
                        out.push(ch.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        out.push(ch);
                    }
                }
                out
            }
            RenameRule::Camel => {
                let pascal = RenameRule::Pascal.apply(field);
                let mut chars = pascal.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
                    None => String::new(),
                }
            }
            RenameRule::ScreamingSnake => field.to_ascii_uppercase(),
            RenameRule::Kebab => field.replace('_', "-"),
            RenameRule::ScreamingKebab => field.replace('_', "-").to_ascii_uppercase(),
        }
    }
}

/// The valid names, for error messages.
pub struct ValidNames;

impl fmt::Display for ValidNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, _)) in RULES.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "\"{name}\"")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::RenameRule::*;

    #[test]
    fn renames_like_serde() {
        assert_eq!(Kebab.apply("broker_host"), "broker-host");
        assert_eq!(ScreamingKebab.apply("broker_host"), "BROKER-HOST");
        assert_eq!(Camel.apply("root_ca_cert"), "rootCaCert");
        assert_eq!(Pascal.apply("root_ca_cert"), "RootCaCert");
        assert_eq!(ScreamingSnake.apply("root_ca"), "ROOT_CA");
        assert_eq!(Upper.apply("port"), "PORT");
        assert_eq!(Lower.apply("port_no"), "port_no");
    }

    #[test]
    fn renames_variants_like_serde() {
        assert_eq!(Kebab.apply_to_variant("UsEast"), "us-east");
        assert_eq!(ScreamingKebab.apply_to_variant("UsEast"), "US-EAST");
        assert_eq!(Snake.apply_to_variant("AsiaPacific"), "asia_pacific");
        assert_eq!(ScreamingSnake.apply_to_variant("AsiaPacific"), "ASIA_PACIFIC");
        assert_eq!(Camel.apply_to_variant("UsEast"), "usEast");
        // serde lowers the first letter and keeps the rest, an underscore included.
        assert_eq!(Camel.apply_to_variant("Us_East"), "us_East");
        assert_eq!(Snake.apply_to_variant("Us_East"), "us__east");
        assert_eq!(Pascal.apply_to_variant("UsEast"), "UsEast");
        assert_eq!(Lower.apply_to_variant("UsEast"), "useast");
        assert_eq!(Upper.apply_to_variant("Eu"), "EU");
    }

    /// A digit is part of its word, as in serde: no break before it, and the letter after it
    /// is not capitalised.
    #[test]
    fn digits_stay_in_their_word() {
        assert_eq!(Snake.apply_to_variant("Http2"), "http2");
        assert_eq!(Kebab.apply_to_variant("Tls13"), "tls13");
        assert_eq!(Pascal.apply("v_2nd"), "V2nd");
        assert_eq!(Camel.apply("v_2nd"), "v2nd");
        assert_eq!(Camel.apply("tls_1_3"), "tls13");
    }

    /// A rule is named exactly as serde names it: no other capitals.
    #[test]
    fn rule_names_are_exact() {
        assert!(super::RenameRule::from_str("camelCase").is_some());
        for wrong in ["camelcase", "KEBAB-CASE", "Snake_Case", "lowerCase"] {
            assert!(super::RenameRule::from_str(wrong).is_none(), "{wrong}");
        }
    }
}
