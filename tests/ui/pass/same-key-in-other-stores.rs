//! A key is unique per (scope, store): the same text in another store or scope is another key.
use microvisor_config::heapless::String;
use microvisor_config::{MicrovisorConfig, Scope, Secret, Store};
use microvisor_config_sim::Cloud;

#[derive(MicrovisorConfig)]
struct Tokens {
    #[config(scope = device, store = config, key = "token")]
    device_config: String<16>,
    #[config(scope = device, store = secret, key = "token")]
    device_secret: Secret<String<16>>,
    #[config(scope = account, store = config, key = "token")]
    account_config: String<16>,
    #[config(scope = account, store = secret, key = "token")]
    account_secret: Secret<String<16>>,
}

fn main() {
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, "token", "dc")
        .insert(Scope::Device, Store::Secret, "token", "ds")
        .insert(Scope::Account, Store::Config, "token", "ac")
        .insert(Scope::Account, Store::Secret, "token", "as");
    let tokens = Tokens::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!(tokens.device_config.as_str(), "dc");
    assert_eq!(tokens.device_secret.expose_secret().as_str(), "ds");
    assert_eq!(tokens.account_config.as_str(), "ac");
    assert_eq!(tokens.account_secret.expose_secret().as_str(), "as");
}
