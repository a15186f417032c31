//! Checking a cloud against a settings struct before deploying: every field at once.

use std::fmt;

use crate::cloud::{response_bytes, Cloud, Entry, Fault};
use crate::place::Place;
use microvisor_config::{
    FetchError, FieldOutcome, ItemError, KeySpec, MicrovisorConfig, ParseError,
};

/// What [`Cloud::check`] found for one field.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldCheck {
    /// The field's position in the struct (its item index in the request).
    pub index: usize,
    /// What the struct asks of the key.
    pub spec: KeySpec,
    /// The verdict.
    pub status: Status,
    /// A key of the cloud that differs from the field's only in case or in `-` against `_`:
    /// a likely typo, if the field's key is not set.
    pub similar: Option<(Place, String)>,
}

impl FieldCheck {
    /// Whether the boot fetch gets this field's value: [`Status::Ok`] or
    /// [`Status::DefaultUsed`].
    pub fn is_ok(&self) -> bool {
        self.status.is_ok()
    }

    /// The place the struct asks for.
    pub fn place(&self) -> Place {
        Place::new(self.spec.scope, self.spec.store)
    }

    fn detail(&self) -> String {
        let type_name = self.spec.type_name;
        let mut detail = match &self.status {
            Status::Ok => String::new(),
            Status::DefaultUsed => {
                format!("not set, default used: {}", self.spec.default.unwrap_or("None"))
            }
            Status::DefaultInvalid(error) => format!(
                "not set, and its default {} fails its check: {error}",
                self.spec.default.unwrap_or("None")
            ),
            Status::Missing => "required, and in no store".to_owned(),
            Status::Elsewhere { found } => {
                let places: Vec<String> = found.iter().map(Place::to_string).collect();
                let consequence = if self.spec.required {
                    "the device cannot read it there"
                } else {
                    "the device would use the default"
                };
                format!("found in {} instead: {consequence}", places.join(" and "))
            }
            Status::TooLong { len, max } => format!("{len} bytes, max_len is {max}"),
            Status::Invalid(error) => format!("{error}; expected {type_name}"),
            Status::ServerError => "the key answers SERVERERROR".to_owned(),
            Status::Unreadable(error) => error.to_string(),
        };
        if let Some((place, key)) = &self.similar {
            if !detail.is_empty() {
                detail.push_str("; ");
            }
            detail.push_str(&format!("did you mean `{key}` in {place}?"));
        }
        detail
    }
}

/// The verdict on one field.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Set, in the right store, and valid for the field's type.
    Ok,
    /// Not set, and the field is optional or has a default: the default is used.
    DefaultUsed,
    /// Not set, and the value the field would take (its default, or `None`) fails its
    /// `validate` check: the fetch fails on it.
    DefaultInvalid(ParseError),
    /// Not set anywhere, and the field is required.
    Missing,
    /// Not set where the struct asks for it, but set in these other stores. The fetch does
    /// not look there: a required field fails, an optional one silently takes its default.
    Elsewhere {
        /// Where the key is set.
        found: Vec<Place>,
    },
    /// Longer than the field's `max_len`.
    TooLong {
        /// The value's length in bytes.
        len: usize,
        /// The field's `max_len`.
        max: usize,
    },
    /// Not valid for the field's type (or rejected by its `with` parser or `validate` check).
    Invalid(ParseError),
    /// The key answers `SERVERERROR` (a fault of the cloud).
    ServerError,
    /// The key answers another fault of the cloud (an unknown result, a read status).
    Unreadable(ItemError),
}

impl Status {
    /// The status of a field the fetch failed with `error`.
    fn from_item_error(error: ItemError) -> Self {
        match error {
            ItemError::NotFound => Status::Missing,
            ItemError::ServerError => Status::ServerError,
            ItemError::TooLong { len, max } => Status::TooLong {
                len: usize::try_from(len).unwrap_or(usize::MAX),
                max: usize::try_from(max).unwrap_or(usize::MAX),
            },
            ItemError::Invalid(error) => Status::Invalid(error),
            other => Status::Unreadable(other),
        }
    }

    /// Whether the boot fetch gets a value: `Ok` or `DefaultUsed`.
    pub fn is_ok(&self) -> bool {
        matches!(self, Status::Ok | Status::DefaultUsed)
    }

    /// The word the report's table shows: lower case when fine, upper case when not.
    pub fn label(&self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::DefaultUsed => "default",
            Status::DefaultInvalid(_) => "BAD DEFAULT",
            Status::Missing => "MISSING",
            Status::Elsewhere { .. } => "WRONG STORE",
            Status::TooLong { .. } => "TOO LONG",
            Status::Invalid(_) => "INVALID",
            Status::ServerError => "SERVER ERROR",
            Status::Unreadable(_) => "UNREADABLE",
        }
    }
}

/// The result of [`Cloud::check`]: a verdict for every field of the struct, and the outcome
/// of the boot fetch itself.
///
/// Its `Display` (and its `Debug`, so that a test returning `Result<(), CheckReport>` prints
/// it) is a table with one row per field. It never shows a value.
///
/// # Examples
///
/// ```
/// use microvisor_config::MicrovisorConfig;
/// use microvisor_config_sim::{Cloud, Status};
///
/// #[derive(MicrovisorConfig)]
/// #[config(scope = device, store = config)]
/// struct Settings {
///     #[config(key = "broker-port")]
///     port: u16,
///     #[config(key = "client-id")]
///     client_id: Option<microvisor_config::heapless::String<34>>,
/// }
///
/// let cloud = Cloud::from_toml_str("[device.config]\nbroker-port = \"88o3\"\n").unwrap();
/// let report = cloud.check::<Settings>();
/// assert!(!report.is_ok());
/// assert!(matches!(report.field("broker-port").unwrap().status, Status::Invalid(_)));
/// assert_eq!(report.field("client-id").unwrap().status, Status::DefaultUsed);
/// println!("{report}");
/// ```
pub struct CheckReport {
    // Boxed, so that `Result<(), CheckReport>` stays small (clippy's `result_large_err`).
    data: Box<ReportData>,
}

struct ReportData {
    name: String,
    fields: Vec<FieldCheck>,
    fetch: Result<(), FetchError>,
    unused: Vec<(Place, String)>,
    response_bytes: usize,
    full_response_bytes: usize,
    receive_buffer: usize,
}

impl CheckReport {
    /// Whether every field is fine and the boot fetch succeeds.
    pub fn is_ok(&self) -> bool {
        self.data.fields.iter().all(FieldCheck::is_ok) && self.data.fetch.is_ok()
    }

    /// Every field's verdict, in field order.
    pub fn fields(&self) -> &[FieldCheck] {
        &self.data.fields
    }

    /// The verdict of the (first) field with this key.
    pub fn field(&self, key: &str) -> Option<&FieldCheck> {
        self.data.fields.iter().find(|field| field.spec.key == key)
    }

    /// The fields the boot fetch does not get.
    pub fn problems(&self) -> impl Iterator<Item = &FieldCheck> + '_ {
        self.data.fields.iter().filter(|field| !field.is_ok())
    }

    /// The outcome of the struct's own generated fetch against the cloud: the first error a
    /// device would meet. The fields list them all.
    ///
    /// # Errors
    ///
    /// The [`FetchError`] a device would get from this cloud.
    pub fn fetch(&self) -> Result<(), FetchError> {
        self.data.fetch
    }

    /// The fetch's error when no field's row explains it (a fault of the channel, such as a
    /// response larger than the receive buffer).
    pub fn fetch_problem(&self) -> Option<FetchError> {
        let error = self.data.fetch.err()?;
        let explained = match error {
            FetchError::Item { index, .. } => {
                self.data.fields.get(usize::from(index)).is_some_and(|field| !field.is_ok())
            }
            _ => false,
        };
        (!explained).then_some(error)
    }

    /// How many problems the report lists: failing fields, and a fetch failure no field
    /// explains.
    pub fn problem_count(&self) -> usize {
        self.problems().count() + usize::from(self.fetch_problem().is_some())
    }

    /// Keys set in the cloud that the struct does not ask for, and that no row mentions.
    /// Not a problem (an account's stores serve several firmwares), but a typo shows up here.
    pub fn unused_keys(&self) -> &[(Place, String)] {
        &self.data.unused
    }

    /// The response's size for this cloud, as the simulator counts it.
    pub fn response_bytes(&self) -> usize {
        self.data.response_bytes
    }

    /// The response's size with every value at its field's `max_len`.
    pub fn full_response_bytes(&self) -> usize {
        self.data.full_response_bytes
    }

    /// Panics with the report's table if it is not OK: the line for a test.
    ///
    /// # Panics
    ///
    /// If [`CheckReport::is_ok`] is `false`.
    #[track_caller]
    #[allow(clippy::panic)] // Failing the test that calls it, with the table, is its purpose.
    pub fn assert_ok(&self) {
        if !self.is_ok() {
            panic!("the cloud does not match the struct:\n{self}");
        }
    }

    /// `Ok(())` if the report is OK, else the report, whose `Debug` is its table: return it
    /// from a test (`fn check() -> Result<(), CheckReport>`) or from `main`.
    ///
    /// # Errors
    ///
    /// The report itself, if it is not OK.
    pub fn into_result(self) -> Result<(), CheckReport> {
        if self.is_ok() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.problem_count();
        let fields = self.data.fields.len();
        let s = |n: usize| if n == 1 { "" } else { "s" };
        if count == 0 {
            writeln!(
                f,
                "`{}` against the cloud: OK ({fields} field{})",
                self.data.name,
                s(fields)
            )?;
        } else {
            writeln!(
                f,
                "`{}` against the cloud: {count} problem{} ({fields} field{})",
                self.data.name,
                s(count),
                s(fields)
            )?;
        }
        let rows: Vec<[String; 4]> = self
            .fields()
            .iter()
            .map(|field| {
                [
                    field.spec.key.to_owned(),
                    field.place().to_string(),
                    field.status.label().to_owned(),
                    field.detail(),
                ]
            })
            .collect();
        let header = ["key", "store", "status", "detail"].map(str::to_owned);
        let width = |column: usize| {
            core::iter::once(&header)
                .chain(&rows)
                .filter_map(|row| row.get(column))
                .map(String::len)
                .max()
                .unwrap_or(0)
        };
        let (key, place, status) = (width(0), width(1), width(2));
        for [a, b, c, d] in core::iter::once(&header).chain(&rows) {
            let line = format!("  {a:key$}  {b:place$}  {c:status$}  {d}");
            writeln!(f, "{}", line.trim_end())?;
        }
        match self.data.fetch {
            Ok(()) => writeln!(f, "boot fetch: ok")?,
            Err(FetchError::ResponseTooLarge) => writeln!(
                f,
                "boot fetch: fails: the response ({} bytes) is larger than the channel's receive \
                 buffer ({} bytes)",
                self.data.response_bytes, self.data.receive_buffer
            )?,
            Err(error) => writeln!(f, "boot fetch: fails: {error}")?,
        }
        if self.data.full_response_bytes > self.data.receive_buffer {
            writeln!(
                f,
                "note: with every value at its max_len the response would be {} bytes, more \
                 than the receive buffer's {}",
                self.data.full_response_bytes, self.data.receive_buffer
            )?;
        }
        if !self.data.unused.is_empty() {
            let unused: Vec<String> =
                self.data.unused.iter().map(|(place, key)| format!("{place} `{key}`")).collect();
            writeln!(f, "note: not asked for by `{}`: {}", self.data.name, unused.join(", "))?;
        }
        Ok(())
    }
}

/// The table, as `Display` shows it: a test returning `Result<(), CheckReport>` prints it.
impl fmt::Debug for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\n{self}")
    }
}

impl std::error::Error for CheckReport {}

impl Cloud {
    /// Checks this cloud against the settings struct `T`: reports, for every field at once,
    /// whether its key is set in the store the struct asks for, within its `max_len`, and
    /// valid for its type (with its `with` parser and `validate` check), or else what is
    /// wrong. It also runs `T`'s own generated fetch ([`MicrovisorConfig::fetch_report`])
    /// through [`Cloud::open_channel`], so that the cloud's faults show as a device would meet
    /// them: a response too large for the receive buffer, a channel that closes early. That
    /// fetch counts in [`Cloud::channels_opened`] and [`Cloud::requests_sent`].
    ///
    /// # Examples
    ///
    /// ```
    /// use microvisor_config::MicrovisorConfig;
    /// use microvisor_config_sim::Cloud;
    ///
    /// #[derive(MicrovisorConfig)]
    /// #[config(scope = device, store = config)]
    /// struct Settings {
    ///     #[config(key = "broker-port")]
    ///     port: u16,
    /// }
    ///
    /// let cloud = Cloud::from_toml_str("[device.config]\nbroker-port = 8883\n").unwrap();
    /// cloud.check::<Settings>().assert_ok();
    /// ```
    pub fn check<T: MicrovisorConfig>(&self) -> CheckReport {
        let fetched = T::fetch_report(&mut self.open_channel());
        let outcomes = fetched.fields().map(|(_, outcome)| *outcome).collect();
        let fetch = fetched.result().map(drop).map_err(|error| *error);
        self.report(Checked {
            name: short_type_name(std::any::type_name::<T>()),
            schema: T::SCHEMA,
            check_item: T::check_item,
            check_missing: T::check_missing,
            response_max_bytes: T::RESPONSE_MAX_BYTES,
            outcomes,
            fetch,
        })
    }

    /// The non-generic body of [`Cloud::check`].
    fn report(&self, checked: Checked) -> CheckReport {
        let fields: Vec<FieldCheck> = checked
            .schema
            .iter()
            .enumerate()
            .map(|(index, spec)| {
                let field =
                    self.check_field(index, spec, checked.check_item, checked.check_missing);
                match checked.outcomes.get(index) {
                    // Only if the fetch got to the items: after a failure of the whole
                    // response, the fetch line says why.
                    Some(FieldOutcome::Failed(error))
                        if field.is_ok()
                            && matches!(checked.fetch, Err(FetchError::Item { .. })) =>
                    {
                        // The store is fine but the channel failed this item (it closed
                        // early, say): the device's verdict is the one that counts.
                        FieldCheck { status: Status::from_item_error(*error), ..field }
                    }
                    _ => field,
                }
            })
            .collect();
        // Every key a row names: the rest of the cloud is "not asked for".
        let mut mentioned: Vec<(Place, &[u8])> = Vec::new();
        for field in &fields {
            mentioned.push((field.place(), field.spec.key.as_bytes()));
            if let Status::Elsewhere { found } = &field.status {
                mentioned.extend(found.iter().map(|place| (*place, field.spec.key.as_bytes())));
            }
            if let Some((place, key)) = &field.similar {
                mentioned.push((*place, key.as_bytes()));
            }
        }
        let unused = self
            .keys()
            .map(|(scope, store, key)| (Place::new(scope, store), key))
            .filter(|entry| !mentioned.contains(entry))
            .map(|(place, key)| (place, String::from_utf8_lossy(key).into_owned()))
            .collect();
        let values: usize = checked
            .schema
            .iter()
            .filter_map(|spec| self.get(spec.scope, spec.store, spec.key))
            .map(<[u8]>::len)
            .sum();
        let data = ReportData {
            name: checked.name,
            fields,
            fetch: checked.fetch,
            unused,
            response_bytes: response_bytes(checked.schema.len(), values),
            full_response_bytes: response_bytes(checked.schema.len(), checked.response_max_bytes),
            receive_buffer: self.receive_buffer,
        };
        CheckReport { data: Box::new(data) }
    }

    fn check_field(
        &self,
        index: usize,
        spec: &KeySpec,
        check_item: fn(usize, &[u8]) -> Result<(), ParseError>,
        check_missing: fn(usize) -> Result<(), ParseError>,
    ) -> FieldCheck {
        let place = Place::new(spec.scope, spec.store);
        let status = match self.entries.get(&(spec.scope, spec.store, spec.key.as_bytes().to_vec()))
        {
            Some(Entry::Value(text)) if text.len() > spec.max_len => {
                Status::TooLong { len: text.len(), max: spec.max_len }
            }
            Some(Entry::Value(text)) => match check_item(index, text) {
                Ok(()) => Status::Ok,
                Err(error) => Status::Invalid(error),
            },
            Some(Entry::Fault(Fault::ServerError)) => Status::ServerError,
            Some(Entry::Fault(Fault::UnknownResult(raw))) => {
                Status::Unreadable(ItemError::UnknownResult(*raw))
            }
            Some(Entry::Fault(Fault::ReadStatus(status))) => {
                Status::Unreadable(ItemError::Read(*status))
            }
            None => {
                let found: Vec<Place> = Place::ALL
                    .into_iter()
                    .filter(|other| *other != place)
                    .filter(|other| {
                        self.entries.contains_key(&(
                            other.scope,
                            other.store,
                            spec.key.as_bytes().to_vec(),
                        ))
                    })
                    .collect();
                if !found.is_empty() {
                    Status::Elsewhere { found }
                } else if spec.required {
                    Status::Missing
                } else if let Err(error) = check_missing(index) {
                    Status::DefaultInvalid(error)
                } else {
                    Status::DefaultUsed
                }
            }
        };
        let similar = match status {
            Status::Missing | Status::DefaultUsed | Status::DefaultInvalid(_) => {
                self.similar_key(spec.key)
            }
            _ => None,
        };
        FieldCheck { index, spec: *spec, status, similar }
    }

    /// A key of any store that differs from `key` only in case or in `-` against `_`.
    fn similar_key(&self, key: &str) -> Option<(Place, String)> {
        let wanted = normalize(key.as_bytes());
        self.keys()
            .find(|(_, _, other)| *other != key.as_bytes() && normalize(other) == wanted)
            .map(|(scope, store, other)| {
                (Place::new(scope, store), String::from_utf8_lossy(other).into_owned())
            })
    }
}

/// What [`Cloud::check`] takes from the struct, so that its body is not generic.
struct Checked {
    name: String,
    schema: &'static [KeySpec],
    check_item: fn(usize, &[u8]) -> Result<(), ParseError>,
    check_missing: fn(usize) -> Result<(), ParseError>,
    response_max_bytes: usize,
    /// Each field's outcome in the struct's own reporting fetch.
    outcomes: Vec<FieldOutcome>,
    fetch: Result<(), FetchError>,
}

fn normalize(key: &[u8]) -> Vec<u8> {
    key.iter().map(|b| if *b == b'_' { b'-' } else { b.to_ascii_lowercase() }).collect()
}

/// `boot::Settings` → `Settings` (generic arguments kept).
pub(crate) fn short_type_name(full: &str) -> String {
    let (path, generics) = full.split_at(full.find('<').unwrap_or(full.len()));
    let name = path.rsplit("::").next().unwrap_or(path);
    format!("{name}{generics}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn type_names_lose_their_path() {
        assert_eq!(short_type_name("boot::Settings"), "Settings");
        assert_eq!(short_type_name("Settings"), "Settings");
        assert_eq!(short_type_name("a::b::Wrap<c::D>"), "Wrap<c::D>");
    }

    #[test]
    fn similar_keys_ignore_case_and_dash_underscore() {
        assert_eq!(normalize(b"Broker_Host"), normalize(b"broker-host"));
        assert_ne!(normalize(b"broker.host"), normalize(b"broker-host"));
    }
}
