//! Writes inputs for the fetch target: the committed seed corpus is made here, so each seed
//! means what its name says (`fuzz/run seeds` rewrites them).

/// Builds a script for [`crate::script::ScriptChannel`], call by call.
#[derive(Clone, Debug, Default)]
pub struct Script(pub Vec<u8>);

impl Script {
    /// A script for `fetch` (0), `refresh` (1) or `fetch_report` (2).
    pub fn new(mode: u8) -> Self {
        Script(vec![mode])
    }
    /// The request is sent, the response arrives and holds every item.
    pub fn response_ok(mut self) -> Self {
        self.0.extend([0, 0, 0]);
        self
    }
    /// Raw bytes, for the faults.
    pub fn raw(mut self, bytes: &[u8]) -> Self {
        self.0.extend_from_slice(bytes);
        self
    }
    /// An item whose value is `value`, reporting its full length.
    pub fn item(mut self, value: &[u8]) -> Self {
        self.0.push(0);
        self.length(value.len() as u32);
        self.0.extend_from_slice(value);
        self
    }
    /// An item that is not found.
    pub fn not_found(mut self) -> Self {
        self.0.extend([0xe8, 0]);
        self
    }
    fn length(&mut self, length: u32) {
        match length {
            0..=0xfd => self.0.push(length as u8),
            0xfe..=0xffff => {
                self.0.push(0xfe);
                self.0.extend((length as u16).to_le_bytes());
            }
            _ => {
                self.0.push(0xff);
                self.0.extend(length.to_le_bytes());
            }
        }
    }
}

/// Every field valid, in field order.
pub const GOOD: [&[u8]; 20] = [
    b"mqtt.example.com",
    b"8883",
    b"-3600",
    b"true",
    b"device-0042",
    b"3082010a02820101",
    b"aGVsbG8gd29y",
    b"30",
    b"deadbeef00112233",
    b"hunter2-very-secret",
    b"us-east",
    b"3",
    b"1.5e-3",
    b"\x00\x01\xfe\xff",
    b"k3y-S3cret",
    b"18446744073709551615",
    b"-128",
    b"backup.example",
    b"3",
    br#"{"level":2,"on":false}"#,
];

/// The seed corpus: a name and an input each.
pub fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let all = |mode| GOOD.iter().fold(Script::new(mode).response_ok(), |s, v| s.item(v));
    let mut seeds = vec![
        ("fetch-all-good", all(0).0),
        ("refresh-all-good", all(1).0),
        ("report-all-good", all(2).0),
    ];
    // Optional and defaulted keys missing.
    let mut missing = Script::new(0).response_ok();
    for (i, value) in GOOD.iter().enumerate() {
        missing = if [4, 7, 10, 12, 13, 14, 18, 19].contains(&i) {
            missing.not_found()
        } else {
            missing.item(value)
        };
    }
    seeds.push(("fetch-optional-missing", missing.0));
    // A few faults: each status, a too-long item, a bad item in a report.
    seeds.push(("send-fails", Script::new(0).raw(&[0xf0, 1]).0));
    seeds.push(("wait-times-out", Script::new(1).raw(&[0, 0xf0]).0));
    seeds.push(("response-too-large", Script::new(2).raw(&[0, 0, 0xf4, 1]).0));
    seeds.push(("item-count", Script::new(0).raw(&[0, 0, 0xf8, 3, 0, 0, 0]).0));
    let mut long = Script::new(1).response_ok().item(GOOD[0]).item(GOOD[1]).item(GOOD[2]);
    long = long.raw(&[0, 6]).raw(b"truely");
    seeds.push(("item-too-long", long.0));
    let mut bad = Script::new(2).response_ok();
    for (i, value) in GOOD.iter().enumerate() {
        bad = if i == 6 { bad.item(b"aGVsbG8") } else { bad.item(value) };
    }
    seeds.push(("report-bad-base64", bad.0));
    let mut bad_json = Script::new(1).response_ok();
    for (i, value) in GOOD.iter().enumerate() {
        bad_json =
            if i == 19 { bad_json.item(br#"{"level":2,"on":1}"#) } else { bad_json.item(value) };
    }
    seeds.push(("refresh-bad-json", bad_json.0));
    seeds
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every seed runs clean, and the good ones really fetch.
    #[test]
    fn seeds_pass_the_oracle() {
        for (name, input) in corpus() {
            crate::model::run(&input);
            let mut channel = crate::script::ScriptChannel::new(
                crate::script::Reader::new(&input[1..]),
                GOOD.len() as u32,
            );
            let result = <crate::model::Settings as microvisor_config::MicrovisorConfig>::fetch(
                &mut channel,
            );
            assert_eq!(
                result.is_ok(),
                name.ends_with("good") || name.contains("missing"),
                "{name}: {result:?}"
            );
        }
    }

    /// The committed seeds are these.
    #[test]
    #[cfg_attr(miri, ignore = "reads files")]
    fn committed_seeds_are_current() {
        crate::assert_seeds_current("fetch", corpus());
    }
}
