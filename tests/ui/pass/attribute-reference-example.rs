//! The example at the top of the README's attribute reference, kept compiling (and checked) here.
use microvisor_config::heapless::String;
use microvisor_config::{Hex, MicrovisorConfig, ParseError, Secret};

fn port_number(text: &[u8]) -> Result<u16, ParseError> {
    core::str::from_utf8(text).ok().and_then(|t| t.parse().ok()).ok_or(ParseError::Custom("port"))
}
fn not_empty(host: &String<128>) -> Result<(), ParseError> {
    if host.is_empty() { Err(ParseError::Empty) } else { Ok(()) }
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config, rename_all = "kebab-case")]
struct Mqtt {
    #[config(max_len = 64, validate = not_empty)]
    broker_host: String<128>,               // key "broker-host", at most 64 bytes
    #[config(with = port_number, max_len = 5, default = 8883)]
    broker_port: u16,                       // key "broker-port"; missing -> 8883
    client_id: Option<String<34>>,          // missing -> None
    #[config(key = "root-CA")]
    root_ca: Hex<1536>,                     // key written out: rename_all does not apply
    #[config(store = secret, key = "private_key")]
    private_key: Secret<Hex<1536>>,         // Debug prints [REDACTED]
    #[config(scope = account, store = secret, plain)]
    tenant: String<32>,                     // a secret that may be printed
}

fn main() {
    use microvisor_config::{Scope, Store};
    use microvisor_config_sim::Cloud;
    let keys: Vec<&str> = Mqtt::SCHEMA.iter().map(|spec| spec.key).collect();
    assert_eq!(keys, ["broker-host", "broker-port", "client-id", "root-CA", "private_key", "tenant"]);
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, "broker-host", "mqtt.example.com")
        .insert(Scope::Device, Store::Config, "root-CA", "3082")
        .insert(Scope::Device, Store::Secret, "private_key", "00ff")
        .insert(Scope::Account, Store::Secret, "tenant", "acme");
    let mqtt = Mqtt::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!(mqtt.broker_port, 8883);
    assert_eq!(mqtt.tenant.as_str(), "acme");
    assert_eq!(format!("{:?}", mqtt.private_key), "[REDACTED]");
}
