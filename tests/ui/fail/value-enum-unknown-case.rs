use microvisor_config::ConfigValue;

#[derive(ConfigValue)]
#[config(rename_all = "kebab_case")]
enum Mode {
    Fast,
    Slow,
}

fn main() {}
