use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config, rename_all = "SCREAMING-KEBAB-CASE")]
struct Broker {
    port_of_the_mqtt_broker_for_devices_enrolled_after_the_certificate_rotation_in_the_european_region_v2: u16,
}

fn main() {}
