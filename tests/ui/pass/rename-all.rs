//! `rename_all` with each case, and a written `key` that wins over it.
use microvisor_config::MicrovisorConfig;

macro_rules! renamed {
    ($name:ident, $case:literal, $expected:literal) => {
        #[derive(MicrovisorConfig)]
        #[config(scope = device, store = config, rename_all = $case)]
        struct $name {
            root_ca_cert: u8,
            #[config(key = "as-written")]
            written: u8,
        }

        assert_eq!($name::SCHEMA[0].key, $expected);
        assert_eq!($name::SCHEMA[1].key, "as-written");
    };
}

fn main() {
    renamed!(Lower, "lowercase", "root_ca_cert");
    renamed!(Upper, "UPPERCASE", "ROOT_CA_CERT");
    renamed!(Pascal, "PascalCase", "RootCaCert");
    renamed!(Camel, "camelCase", "rootCaCert");
    renamed!(Snake, "snake_case", "root_ca_cert");
    renamed!(ScreamingSnake, "SCREAMING_SNAKE_CASE", "ROOT_CA_CERT");
    renamed!(Kebab, "kebab-case", "root-ca-cert");
    renamed!(ScreamingKebab, "SCREAMING-KEBAB-CASE", "ROOT-CA-CERT");

    // Without rename_all the key is the field's name as written.
    #[derive(MicrovisorConfig)]
    #[config(scope = device, store = config)]
    struct AsIs {
        root_ca_cert: u8,
    }
    assert_eq!(AsIs::SCHEMA[0].key, "root_ca_cert");
}
