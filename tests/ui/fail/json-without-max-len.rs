use microvisor_config::heapless::String;
use microvisor_config::{Json, MicrovisorConfig};

#[derive(serde::Deserialize)]
struct Prefs {
    tz: String<32>,
}

type MaybePrefs = Option<Json<Prefs>>;

#[derive(MicrovisorConfig)]
#[config(scope = account, store = config)]
struct Clock {
    prefs: Json<Prefs>,
    night_prefs: MaybePrefs,
}

fn main() {}
