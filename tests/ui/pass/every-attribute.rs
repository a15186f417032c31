//! Every field attribute, and struct-level defaults that fields override.
use microvisor_config::heapless::String;
use microvisor_config::{MicrovisorConfig, ParseError, Scope, Secret, Store};
use microvisor_config_sim::Cloud;

mod parsers {
    use microvisor_config::ParseError;

    /// `with = path`: a port written as `name:number`, keeping the number.
    pub fn port_after_colon(text: &[u8]) -> Result<u16, ParseError> {
        let digits = match text.iter().position(|&b| b == b':') {
            Some(colon) => text.get(colon + 1..).unwrap_or_default(),
            None => return Err(ParseError::Custom("expected name:port")),
        };
        core::str::from_utf8(digits)
            .ok()
            .and_then(|digits| digits.parse().ok())
            .ok_or(ParseError::Custom("not a port"))
    }
}

/// `validate = path`: a check on the parsed value.
fn not_zero(value: &u32) -> Result<(), ParseError> {
    if *value == 0 {
        Err(ParseError::Custom("must not be zero"))
    } else {
        Ok(())
    }
}

fn default_host() -> String<64> {
    String::try_from("mqtt.example.com").unwrap()
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Settings {
    // `key`, and `max_len` below the type's capacity.
    #[config(key = "broker-host", max_len = 32)]
    host: String<64>,
    // `default` (the type's `Default`).
    #[config(default)]
    retries: u8,
    // `default = EXPR`, a literal and a call.
    #[config(default = 1883)]
    port: u16,
    #[config(key = "fallback-host", default = default_host())]
    fallback_host: String<64>,
    // `required`: a non-`Option` field is required anyway; the marker says so.
    #[config(required)]
    interval: u32,
    // `scope` and `store` on the field override the struct's.
    #[config(scope = account, store = secret, key = "api-key")]
    api_key: Secret<String<32>>,
    // `plain`: a secret-store value that may be shown.
    #[config(store = secret, plain)]
    username: String<32>,
    // `with = path` needs `max_len`.
    #[config(with = parsers::port_after_colon, max_len = 24)]
    proxy_port: u16,
    // `validate = path`.
    #[config(validate = not_zero)]
    timeout_ms: u32,
    // `with`, `validate` and `default` together.
    #[config(with = parsers::port_after_colon, validate = port_is_high, max_len = 24, default = 8443)]
    tls_port: u16,
    // A raw identifier: the key is `type`.
    r#type: String<8>,
}

fn port_is_high(port: &u16) -> Result<(), ParseError> {
    if *port >= 1024 {
        Ok(())
    } else {
        Err(ParseError::Custom("privileged port"))
    }
}

fn main() {
    let schema = Settings::SCHEMA;
    let keys: Vec<&str> = schema.iter().map(|spec| spec.key).collect();
    assert_eq!(
        keys,
        [
            "broker-host", "retries", "port", "fallback-host", "interval", "api-key", "username",
            "proxy_port", "timeout_ms", "tls_port", "type",
        ]
    );
    assert_eq!(schema[0].max_len, 32);
    assert_eq!(schema[6].max_len, 32);
    assert_eq!(schema[7].max_len, 24);
    assert_eq!((schema[5].scope, schema[5].store), (Scope::Account, Store::Secret));
    assert_eq!((schema[6].scope, schema[6].store), (Scope::Device, Store::Secret));
    let required: Vec<bool> = schema.iter().map(|spec| spec.required).collect();
    assert_eq!(required, [true, false, false, false, true, true, true, true, true, false, true]);
    assert_eq!(schema[1].default, Some("Default::default()"));
    assert_eq!(schema[2].default, Some("1883"));

    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, "broker-host", "broker.local")
        .insert(Scope::Device, Store::Config, "interval", "60")
        .insert(Scope::Account, Store::Secret, "api-key", "k-123")
        .insert(Scope::Device, Store::Secret, "username", "device-7")
        .insert(Scope::Device, Store::Config, "proxy_port", "proxy:3128")
        .insert(Scope::Device, Store::Config, "timeout_ms", "250")
        .insert(Scope::Device, Store::Config, "type", "sensor");
    let settings = Settings::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!(settings.host.as_str(), "broker.local");
    assert_eq!(settings.retries, 0);
    assert_eq!(settings.port, 1883);
    assert_eq!(settings.fallback_host.as_str(), "mqtt.example.com");
    assert_eq!(settings.interval, 60);
    assert_eq!(settings.api_key.expose_secret().as_str(), "k-123");
    assert_eq!(settings.username.as_str(), "device-7");
    assert_eq!(settings.proxy_port, 3128);
    assert_eq!(settings.timeout_ms, 250);
    assert_eq!(settings.tls_port, 8443);
    assert_eq!(settings.r#type.as_str(), "sensor");

    // The validators run: a zero timeout and a privileged TLS port are rejected.
    cloud.insert(Scope::Device, Store::Config, "timeout_ms", "0");
    assert!(Settings::fetch(&mut cloud.open_channel()).is_err());
    cloud
        .insert(Scope::Device, Store::Config, "timeout_ms", "250")
        .insert(Scope::Device, Store::Config, "tls_port", "tls:443");
    assert!(Settings::fetch(&mut cloud.open_channel()).is_err());
    // `max_len` is enforced: a host longer than 32 bytes is too long although it fits 64.
    cloud
        .insert(Scope::Device, Store::Config, "tls_port", "tls:8883")
        .insert(Scope::Device, Store::Config, "broker-host", "a-very-long-broker-name.example.com");
    assert!(Settings::fetch(&mut cloud.open_channel()).is_err());
    // A required key that is missing is an error.
    cloud
        .insert(Scope::Device, Store::Config, "broker-host", "broker.local")
        .remove(Scope::Device, Store::Config, "interval");
    assert!(Settings::fetch(&mut cloud.open_channel()).is_err());
}
