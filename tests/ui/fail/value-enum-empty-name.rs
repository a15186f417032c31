use microvisor_config::ConfigValue;

#[derive(ConfigValue)]
enum Mode {
    #[config(name = "")]
    Off,
    On,
}

fn main() {}
