//! `fetch_async` under the smallest executor there is: the future sleeps until the simulated
//! notification wakes it. With embassy it is `Settings::fetch_async(&mut channel).await`.
//!
//! Run with `cargo run --example async_fetch`.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake};

use microvisor_config::{MicrovisorConfig, Scope, Secret, Store};
use microvisor_config_sim::Cloud;

#[derive(MicrovisorConfig)]
#[config(scope = account, store = secret)]
struct Weather {
    #[config(key = "weather-api-key")]
    api_key: Secret<microvisor_config::heapless::String<32>>,
}

struct PrintingWaker;

impl Wake for PrintingWaker {
    fn wake(self: Arc<Self>) {
        println!("woken by the notification");
    }
}

fn main() {
    let mut cloud = Cloud::new();
    cloud
        .insert(
            Scope::Account,
            Store::Secret,
            "weather-api-key",
            "0123456789abcdef0123456789abcdef",
        )
        .deliver_manually();
    let mut channel = cloud.open_channel();
    let waker = Arc::new(PrintingWaker).into();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(Weather::fetch_async(&mut channel));
    assert!(future.as_mut().poll(&mut cx).is_pending());
    println!("request sent; the task sleeps");
    cloud.deliver();
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(weather)) => {
            // Printing a secret shows [REDACTED]; the value is there for the code that needs it.
            let key = weather.api_key.expose_secret();
            println!("fetched: api key {} ({} characters)", weather.api_key, key.len());
        }
        Poll::Ready(Err(error)) => eprintln!("fetch failed: {error}"),
        Poll::Pending => eprintln!("still pending"),
    }
}
