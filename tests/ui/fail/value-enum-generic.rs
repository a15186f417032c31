use microvisor_config::ConfigValue;

// One error, on the generics: the impl the derive still writes is generic too, so rustc adds
// no "missing generics" of its own.
#[derive(ConfigValue)]
enum Mode<const N: usize> {
    Fast,
    Slow,
}

fn main() {}
