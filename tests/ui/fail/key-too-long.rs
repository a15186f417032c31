use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Broker {
    #[config(key = "fleet-eu-west-production/mqtt/broker-port-for-devices-enrolled-after-the-2025-certificate-rotation-v2")]
    port: u16,
}

fn main() {}
