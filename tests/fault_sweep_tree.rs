//! The fault sweep of `fault_sweep.rs` over a tree: every fault the device can produce at every
//! leaf of a struct with nested structs (with and without a prefix, a secret among their
//! leaves) and `Json` fields. The error names the leaf's full key and its index in the tree,
//! and a `refresh` that meets it leaves every old value of every nested struct as it was.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;
#[path = "fixtures/statuses.rs"]
mod statuses;

use common::item_error;

use microvisor_config::heapless::String;
use microvisor_config::{
    FetchError, Hex, ItemError, Json, JsonProblem, MicrovisorConfig, MvStatus, ParseError, Secret,
};
use microvisor_config_sim::{ChannelFault, Cloud, Fault, Truncation};

#[derive(serde::Deserialize, Debug, PartialEq, Clone)]
struct Display {
    brightness: u8,
    tz: String<16>,
}

#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config, rename_all = "kebab-case")]
struct Identity {
    cert: Hex<8>,
    #[config(store = secret)]
    private_key: Secret<Hex<4>>,
}

#[derive(MicrovisorConfig, Debug)]
#[config(scope = account, store = config)]
struct Shared {
    #[config(max_len = 64)]
    display: Json<Display>,
    #[config(key = "night", max_len = 64)]
    night: Option<Json<Display>>,
}

#[derive(MicrovisorConfig, Debug)]
#[config(scope = device, store = config)]
struct Tree {
    #[config(nested, prefix = "mqtt-")]
    mqtt: Identity,
    #[config(key = "broker-port")]
    port: u16,
    #[config(nested)]
    shared: Shared,
    #[config(nested, prefix = "ota-")]
    ota: Identity,
}

const LEAVES: usize = 7;

/// Two clouds of valid values, each leaf's text different between them.
const GOOD: [&str; LEAVES] = [
    "3082",
    "00ff",
    "8883",
    r#"{"brightness":8,"tz":"Europe/London"}"#,
    r#"{"brightness":1,"tz":"Europe/London"}"#,
    "aabb",
    "11",
];
const OTHER: [&str; LEAVES] = [
    "0102",
    "ee",
    "1883",
    r#"{"brightness":5,"tz":"UTC"}"#,
    r#"{"brightness":0,"tz":"UTC"}"#,
    "ccdd",
    "22",
];

/// An invalid text of each leaf, and its error.
fn invalid(index: usize) -> (&'static str, ParseError) {
    [
        ("30x2", ParseError::NotHex { at: 2 }),
        ("0", ParseError::OddLength),
        ("88x3", ParseError::NotDecimal { at: 2 }),
        (
            r#"{"brightness":"8","tz":"x"}"#,
            ParseError::Json { at: 14, problem: JsonProblem::WRONG_TYPE },
        ),
        (r#"{"brightness":1}"#, ParseError::Json { at: 15, problem: JsonProblem::REFUSED }),
        ("zz", ParseError::NotHex { at: 0 }),
        ("1", ParseError::OddLength),
    ][index]
}

/// Every leaf's value, secrets exposed.
fn values(tree: &Tree) -> Vec<std::string::String> {
    let hex =
        |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<std::string::String>();
    vec![
        hex(&tree.mqtt.cert),
        hex(tree.mqtt.private_key.expose_secret()),
        tree.port.to_string(),
        format!("{:?}", *tree.shared.display),
        format!("{:?}", tree.shared.night.as_ref().map(|night| night.0.clone())),
        hex(&tree.ota.cert),
        hex(tree.ota.private_key.expose_secret()),
    ]
}

fn cloud_of(texts: &[&str; LEAVES], truncation: Truncation) -> Cloud {
    let mut cloud = Cloud::new();
    cloud.truncation(truncation);
    for (spec, text) in Tree::SCHEMA.iter().zip(texts) {
        cloud.insert(spec.scope, spec.store, spec.key, *text);
    }
    cloud
}

/// Refreshes settings fetched from `GOOD` through a channel of `cloud`, and checks the error,
/// that nothing changed, and that the channel is closed.
fn sweep_case(case: &str, cloud: &Cloud, expected: FetchError) {
    let mut tree =
        Tree::fetch(&mut cloud_of(&GOOD, Truncation::ReportWritten).open_channel()).unwrap();
    let before = values(&tree);
    let mut channel = cloud.open_channel();
    let error = tree.refresh(&mut channel).unwrap_err();
    assert_eq!(error, expected, "{case}");
    assert_eq!(values(&tree), before, "{case}: refresh changed the settings");
    assert!(channel.is_closed(), "{case}: channel left open");
}

const TRUNCATIONS: [Truncation; 2] = [Truncation::ReportWritten, Truncation::ReportFullLength];

#[test]
fn the_tree_is_what_the_sweep_assumes() {
    let keys: Vec<&str> = Tree::SCHEMA.iter().map(|spec| spec.key).collect();
    assert_eq!(
        keys,
        [
            "mqtt-cert",
            "mqtt-private-key",
            "broker-port",
            "display",
            "night",
            "ota-cert",
            "ota-private-key"
        ]
    );
    for truncation in TRUNCATIONS {
        let tree = Tree::fetch(&mut cloud_of(&OTHER, truncation).open_channel()).unwrap();
        let good = Tree::fetch(&mut cloud_of(&GOOD, truncation).open_channel()).unwrap();
        for (index, (other, good)) in values(&tree).iter().zip(values(&good)).enumerate() {
            assert_ne!(*other, good, "leaf {index}");
        }
    }
    for index in 0..LEAVES {
        let (text, error) = invalid(index);
        assert_eq!(Tree::check_item(index, text.as_bytes()), Err(error), "leaf {index}");
    }
}

#[test]
fn every_item_fault_at_every_leaf() {
    let faults: Vec<(Fault, ItemError)> = [
        (Fault::ServerError, ItemError::ServerError),
        (Fault::UnknownResult(3), ItemError::UnknownResult(3)),
    ]
    .into_iter()
    .chain(
        statuses::READ_ITEM
            .into_iter()
            .map(|status| (Fault::ReadStatus(status), ItemError::Read(status))),
    )
    .collect();
    for truncation in TRUNCATIONS {
        for index in 0..LEAVES {
            let spec = &Tree::SCHEMA[index];
            for (fault, error) in &faults {
                let mut cloud = cloud_of(&OTHER, truncation);
                cloud.fail(spec.scope, spec.store, spec.key, *fault);
                sweep_case(
                    &format!("{} {fault:?}", spec.key),
                    &cloud,
                    item_error::<Tree>(index, *error),
                );
            }
            let mut cloud = cloud_of(&OTHER, truncation);
            let (text, error) = invalid(index);
            cloud.insert(spec.scope, spec.store, spec.key, text);
            sweep_case(
                &format!("{} invalid", spec.key),
                &cloud,
                item_error::<Tree>(index, ItemError::Invalid(error)),
            );

            let mut cloud = cloud_of(&OTHER, truncation);
            cloud.insert(spec.scope, spec.store, spec.key, "7".repeat(spec.max_len + 1));
            // One byte past `max_len` fills the read buffer: the same length either way.
            let reported = spec.max_len + 1;
            let too_long = ItemError::TooLong { len: reported as u32, max: spec.max_len as u32 };
            sweep_case(
                &format!("{} too long", spec.key),
                &cloud,
                item_error::<Tree>(index, too_long),
            );

            let mut cloud = cloud_of(&OTHER, truncation);
            cloud.channel_fault(ChannelFault::CloseAfterItems(index as u32));
            let closed = ItemError::Read(MvStatus::CHANNELCLOSED);
            sweep_case(&format!("closed after {index}"), &cloud, item_error::<Tree>(index, closed));
        }
    }
}

/// A missing leaf is an error, naming its full key, except the optional one.
#[test]
fn a_missing_leaf_is_an_error_unless_it_is_optional() {
    for index in 0..LEAVES {
        let spec = &Tree::SCHEMA[index];
        let mut cloud = cloud_of(&OTHER, Truncation::ReportWritten);
        cloud.remove(spec.scope, spec.store, spec.key);
        if spec.key == "night" {
            let mut tree =
                Tree::fetch(&mut cloud_of(&GOOD, Truncation::ReportWritten).open_channel())
                    .unwrap();
            tree.refresh(&mut cloud.open_channel()).unwrap();
            assert!(tree.shared.night.is_none());
        } else {
            sweep_case(
                &format!("{} missing", spec.key),
                &cloud,
                item_error::<Tree>(index, ItemError::NotFound),
            );
        }
    }
}
