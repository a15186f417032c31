//! The event-loop shape of the vendor's MQTT demo: the request goes out on one event, the
//! response is read when the channel's CHANNELDATAREADABLE notification arrives.
//!
//! Run with `cargo run --example event_loop`.

use microvisor_config::heapless::String;
use microvisor_config::{MicrovisorConfig, Pending, Scope, Store};
use microvisor_config_sim::Cloud;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config, rename_all = "kebab-case")]
struct Broker {
    broker_host: String<128>,
    broker_port: u16,
}

/// What the loop reacts to. On the device these come from the notification IRQ.
enum Event {
    NetworkUp,
    ConfigReadable,
    Tick,
}

fn main() {
    let mut cloud = Cloud::new();
    cloud
        .insert(Scope::Device, Store::Config, "broker-host", "mqtt.example.com")
        .insert(Scope::Device, Store::Config, "broker-port", "8883")
        // The response arrives only when the loop below delivers it, as on a device.
        .deliver_manually();

    let events = [Event::Tick, Event::NetworkUp, Event::Tick, Event::ConfigReadable];
    let mut pending: Option<Pending<_, Broker>> = None;
    for event in events {
        match event {
            Event::NetworkUp => {
                println!("network up: sending the config request");
                match Broker::send(cloud.open_channel()) {
                    Ok(token) => pending = Some(token),
                    Err(error) => eprintln!("request not sent: {error}"),
                }
                // The simulated cloud answers; on the device Microvisor writes the
                // notification and pends the IRQ.
                cloud.deliver();
            }
            Event::ConfigReadable => {
                let Some(token) = pending.take() else { continue };
                match token.receive() {
                    Ok(broker) => {
                        println!("configured: {}:{}", broker.broker_host, broker.broker_port);
                    }
                    Err(error) => eprintln!("config fetch failed: {error}"),
                }
            }
            Event::Tick => println!("tick"),
        }
    }
}
