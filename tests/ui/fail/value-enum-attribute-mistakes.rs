use microvisor_config::ConfigValue;

// Every mistake is reported at once, each on its own token.
#[derive(ConfigValue)]
#[config(rename_all = "lowercase", rename_all = "UPPERCASE", key = "region", name = "region")]
enum Region {
    #[config(name = "eu", name = "europe")]
    Eu,
    #[config(name: "us")]
    Us,
    #[config(nmae = "ap")]
    Ap,
    #[config(name = ap)]
    AsiaPacific,
    // Malformed, so reported once: not also as a clash of its identifier, `eu` in lowercase,
    // with `Eu`'s name.
    #[config(name = eu)]
    EU,
}

fn main() {}
