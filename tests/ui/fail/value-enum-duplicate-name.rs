use microvisor_config::ConfigValue;

#[derive(ConfigValue)]
#[config(rename_all = "lowercase")]
enum Region {
    Eu,
    Us,
    #[config(name = "eu")]
    Europe,
}

fn main() {}
