//! The generated buffer sizes for a known struct, checked at compile time (they are constants)
//! and again at run time.
use microvisor_config::heapless::String;
use microvisor_config::{Base64, Hex, MicrovisorConfig, Secret};

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Mqtt {
    // 128 bytes.
    #[config(key = "broker-host")]
    host: String<128>,
    // An integer: 24 bytes, past its digits, to name a stray byte.
    #[config(key = "broker-port")]
    port: u16,
    // An explicit max_len below the capacity: 20.
    #[config(key = "client-id", max_len = 20)]
    client_id: Option<String<34>>,
    // Hex of 1536 bytes is 3072 characters: the longest value.
    #[config(key = "root-CA")]
    root_ca: Hex<1536>,
    // Base64 of 32 bytes is 44 characters.
    #[config(key = "token", store = secret)]
    token: Secret<Base64<32>>,
    // A capacity above the cloud's limit is capped at 4096... but max_len keeps it at 100.
    #[config(key = "notes", max_len = 100)]
    notes: String<8192>,
}

#[derive(MicrovisorConfig)]
#[config(scope = device, store = config)]
struct Huge {
    // Without max_len, a capacity above the cloud's 4096-byte limit is capped at it.
    blob: String<8192>,
    flag: bool,
}

const _: () = assert!(Mqtt::RESPONSE_MAX_BYTES == 128 + 24 + 20 + 3072 + 44 + 100);
const _: () = assert!(Mqtt::SCRATCH_BYTES == 3072 + 1);
const _: () = assert!(Huge::RESPONSE_MAX_BYTES == 4096 + 5);
const _: () = assert!(Huge::SCRATCH_BYTES == 4096 + 1);

fn main() {
    assert_eq!(Mqtt::RESPONSE_MAX_BYTES, 3388);
    assert_eq!(Mqtt::SCRATCH_BYTES, 3073);
    let max_lens: Vec<usize> = Mqtt::SCHEMA.iter().map(|spec| spec.max_len).collect();
    assert_eq!(max_lens, [128, 24, 20, 3072, 44, 100]);
    assert_eq!(Huge::RESPONSE_MAX_BYTES, 4101);
    assert_eq!(Huge::SCRATCH_BYTES, 4097);
}
