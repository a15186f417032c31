//! Every field type the runtime supports, fetched from the simulated cloud.
use microvisor_config::heapless::{String, Vec};
use microvisor_config::{Base64, ConfigValue, Hex, MicrovisorConfig, ParseError, Scope, Secret, Store};
use microvisor_config_sim::Cloud;

/// A user type: the derive needs only its `ConfigValue` impl.
#[derive(Debug, PartialEq)]
enum Level {
    Quiet,
    Verbose,
}

impl ConfigValue for Level {
    const MAX_LEN: usize = 7;
    fn parse(text: &[u8]) -> Result<Self, ParseError> {
        match text {
            b"quiet" => Ok(Level::Quiet),
            b"verbose" => Ok(Level::Verbose),
            _ => Err(ParseError::UnknownVariant),
        }
    }
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Everything {
    text: String<16>,
    bytes: Vec<u8, 8>,
    a_u8: u8,
    a_u16: u16,
    a_u32: u32,
    a_u64: u64,
    a_u128: u128,
    a_usize: usize,
    a_i8: i8,
    a_i16: i16,
    a_i32: i32,
    a_i64: i64,
    a_i128: i128,
    a_isize: isize,
    flag: bool,
    ratio: f32,
    precise: f64,
    digest: Hex<4>,
    token: Base64<5>,
    #[config(store = secret)]
    password: Secret<String<32>>,
    #[config(store = secret)]
    maybe_secret: Option<Secret<u16>>,
    present: Option<u16>,
    absent: Option<String<8>>,
    level: Level,
    // A capacity written as a const expression.
    hostname: String<{ 2 * 32 }>,
}

fn main() {
    let mut cloud = Cloud::new();
    let config = |cloud: &mut Cloud, key: &str, value: &str| {
        cloud.insert(Scope::Device, Store::Config, key, value);
    };
    config(&mut cloud, "text", "héllo");
    config(&mut cloud, "bytes", "raw");
    config(&mut cloud, "a_u8", "255");
    config(&mut cloud, "a_u16", "65535");
    config(&mut cloud, "a_u32", "4294967295");
    config(&mut cloud, "a_u64", "18446744073709551615");
    config(&mut cloud, "a_u128", "340282366920938463463374607431768211455");
    config(&mut cloud, "a_usize", "7");
    config(&mut cloud, "a_i8", "-128");
    config(&mut cloud, "a_i16", "-32768");
    config(&mut cloud, "a_i32", "-2147483648");
    config(&mut cloud, "a_i64", "-9223372036854775808");
    config(&mut cloud, "a_i128", "-170141183460469231731687303715884105728");
    config(&mut cloud, "a_isize", "-7");
    config(&mut cloud, "flag", "true");
    config(&mut cloud, "ratio", "0.5");
    config(&mut cloud, "precise", "-2.25e3");
    config(&mut cloud, "digest", "DEADbeef");
    config(&mut cloud, "token", "aGVsbG8=");
    config(&mut cloud, "present", "8883");
    config(&mut cloud, "level", "verbose");
    config(&mut cloud, "hostname", "mqtt.example.com");
    cloud.insert(Scope::Device, Store::Secret, "password", "hunter2");

    let all = Everything::fetch(&mut cloud.open_channel()).unwrap();
    assert_eq!(all.text.as_str(), "héllo");
    assert_eq!(&all.bytes[..], b"raw");
    assert_eq!(all.a_u8, u8::MAX);
    assert_eq!(all.a_u16, u16::MAX);
    assert_eq!(all.a_u32, u32::MAX);
    assert_eq!(all.a_u64, u64::MAX);
    assert_eq!(all.a_u128, u128::MAX);
    assert_eq!(all.a_usize, 7);
    assert_eq!(all.a_i8, i8::MIN);
    assert_eq!(all.a_i16, i16::MIN);
    assert_eq!(all.a_i32, i32::MIN);
    assert_eq!(all.a_i64, i64::MIN);
    assert_eq!(all.a_i128, i128::MIN);
    assert_eq!(all.a_isize, -7);
    assert!(all.flag);
    assert_eq!(all.ratio, 0.5);
    assert_eq!(all.precise, -2250.0);
    assert_eq!(&*all.digest, &[0xde, 0xad, 0xbe, 0xef]);
    assert_eq!(&*all.token, b"hello");
    assert_eq!(all.password.expose_secret().as_str(), "hunter2");
    assert!(all.maybe_secret.is_none());
    assert_eq!(all.present, Some(8883));
    assert_eq!(all.absent, None);
    assert_eq!(all.level, Level::Verbose);
    assert_eq!(all.hostname.as_str(), "mqtt.example.com");
    assert_eq!(all.hostname.capacity(), 64);
    assert_eq!(cloud.requests_sent(), 1);
}
