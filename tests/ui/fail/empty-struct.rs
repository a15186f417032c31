use microvisor_config::MicrovisorConfig;

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Nothing {}

fn main() {}
