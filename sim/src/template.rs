//! The cloud file a team fills in before the first upload.

use std::fmt::Write as _;

use crate::check::short_type_name;
use crate::place::Place;
use microvisor_config::{KeySpec, MicrovisorConfig, Store};

/// A cloud file skeleton for `T`: every key in its store's table, each under a comment with
/// the field, its type, its `max_len`, and whether it is required or what its default is.
/// Required keys are there with an empty value to fill in; optional ones are commented out.
///
/// Filled in, it loads with [`Cloud::from_toml_str`](crate::Cloud::from_toml_str) and passes
/// [`Cloud::check`](crate::Cloud::check).
///
/// # Examples
///
/// ```
/// use microvisor_config::MicrovisorConfig;
/// use microvisor_config_sim as sim;
///
/// #[derive(MicrovisorConfig)]
/// #[config(scope = device, store = config)]
/// struct Settings {
///     #[config(key = "broker-port")]
///     port: u16,
/// }
///
/// let template = sim::template::<Settings>();
/// assert!(template.contains("[device.config]\n# port: u16, at most 24 bytes, required\nbroker-port = \"\"\n"));
/// ```
pub fn template<T: MicrovisorConfig>() -> String {
    template_of(&short_type_name(std::any::type_name::<T>()), T::SCHEMA)
}

fn template_of(name: &str, schema: &[KeySpec]) -> String {
    let mut out = String::new();
    // `write!` to a String cannot fail; its results are ignored below.
    let _ = writeln!(
        out,
        "# The cloud of `{name}`: fill in the values, then load this file with\n\
         # `Cloud::from_toml_file` and run `check::<{name}>()` before uploading it.\n\
         # A value is a string, an integer or a boolean (stored as its text),\n\
         # {{ env = \"VAR\" }} or {{ file = \"path\" }} (relative to this file).\n\
         # Keep secrets out of this file: give them as {{ env = ... }} or {{ file = ... }}.\n\
         # Every key not commented out is required: an empty string is a value, so fill them \
         all in."
    );
    for place in Place::ALL {
        let _ = writeln!(out, "\n[{place}]");
        let mut any = false;
        for spec in schema.iter().filter(|spec| Place::new(spec.scope, spec.store) == place) {
            any = true;
            let need = match (spec.required, spec.default) {
                (true, _) => "required".to_owned(),
                (false, Some(default)) => format!("optional, default {default}"),
                (false, None) => "optional, None if not set".to_owned(),
            };
            let length = match spec.min_len {
                0 => format!("at most {} bytes", spec.max_len),
                min => format!("{min} to {} bytes", spec.max_len),
            };
            let _ = writeln!(out, "# {}: {}, {length}, {need}", spec.field, spec.type_name);
            let comment = if spec.required { "" } else { "# " };
            let _ = writeln!(out, "{comment}{} = \"\"", toml_key(spec.key));
        }
        if !any {
            let store = if place.store == Store::Secret { "secrets" } else { "configs" };
            let _ = writeln!(out, "# (no {store} of `{name}` here)");
        }
    }
    out
}

/// A key as TOML writes it: bare if it can be, else quoted.
fn toml_key(key: &str) -> String {
    let bare =
        !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if bare {
        return key.to_owned();
    }
    let mut quoted = String::with_capacity(key.len() + 2);
    quoted.push('"');
    for c in key.chars() {
        if c == '"' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_bare_or_quoted() {
        assert_eq!(toml_key("root-CA"), "root-CA");
        assert_eq!(toml_key("private_key"), "private_key");
        assert_eq!(toml_key("mqtt.host"), "\"mqtt.host\"");
        assert_eq!(toml_key("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
    }
}
