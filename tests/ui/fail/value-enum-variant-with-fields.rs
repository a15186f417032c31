use microvisor_config::ConfigValue;

#[derive(ConfigValue)]
enum Mode {
    Fast,
    Custom(u8),
}

fn main() {}
