use microvisor_config::ConfigValue;

#[derive(ConfigValue)]
struct Mode {
    fast: bool,
}

fn main() {}
