use microvisor_config::heapless::String;
use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Tls {
    cert: String<64>,
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Device {
    cert: String<64>,
    #[config(nested)]
    mqtt: Tls,
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct TwoIdentities {
    #[config(nested, prefix = "id-")]
    first: Tls,
    #[config(nested, prefix = "id-")]
    second: Tls,
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct LongPrefix {
    #[config(nested, prefix = "a-prefix-long-enough-that-the-keys-it-makes-pass-the-cloud-limit-of-one-hundred-bytes-for-every-key-")]
    tls: Tls,
}

fn main() {}
