use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
enum LogLevel {
    Debug,
    Info,
}

fn main() {}
