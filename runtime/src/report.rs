//! A fetch that reports the outcome of every field, without allocating: for the boot log of a
//! device that failed to configure itself, every bad key in one go.

use core::fmt;

use crate::channel::{ConfigChannel, KeySpec};
use crate::config::{self, MicrovisorConfig};
use crate::error::{FetchError, ItemError};
use crate::fetch::{self, ReportSink};

/// How one field of a reporting fetch turned out.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldOutcome {
    /// The value was read and is valid.
    Ok,
    /// The key is not set; the field's default (or `None`) was used.
    Defaulted,
    /// The item could not be used (a required key missing, a server error, too long,
    /// invalid, ...).
    Failed(ItemError),
    /// The fetch stopped before this field: the request, the wait or the response failed as
    /// a whole (see the report's result).
    NotRead,
}

impl FieldOutcome {
    /// Whether the field is fine (read, or defaulted).
    pub const fn is_ok(&self) -> bool {
        matches!(self, FieldOutcome::Ok | FieldOutcome::Defaulted)
    }
}

impl fmt::Display for FieldOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldOutcome::Ok => f.write_str("ok"),
            FieldOutcome::Defaulted => f.write_str("not set, default used"),
            FieldOutcome::Failed(error) => fmt::Display::fmt(error, f),
            FieldOutcome::NotRead => f.write_str("not read"),
        }
    }
}

/// The result of [`MicrovisorConfig::fetch_report`]: the settings or the first error, and the
/// outcome of every field, in a fixed-size array the derive sizes.
///
/// Its `Display` prints one line per field that is not fine (or one line saying all are).
///
/// # Examples
///
/// ```
/// use microvisor_config::{sim::Cloud, MicrovisorConfig, Scope, Store};
///
/// #[derive(MicrovisorConfig)]
/// #[config(scope = device, store = config)]
/// struct Settings {
///     #[config(key = "broker-port")]
///     port: u16,
///     #[config(key = "broker-host")]
///     host: microvisor_config::heapless::String<64>,
/// }
///
/// let mut cloud = Cloud::new();
/// cloud.insert(Scope::Device, Store::Config, "broker-port", "88x3");
/// let report = Settings::fetch_report(&mut cloud.open_channel());
/// assert!(report.result().is_err());
/// assert_eq!(
///     report.to_string(),
///     "config fetch failed: 2 of 2 fields bad\n\
///      \x20 broker-port (device config): invalid value: not a decimal integer (unexpected byte at 2)\n\
///      \x20 broker-host (device config): not found in its store (upload it, or make the field optional)\n"
/// );
/// ```
pub struct FetchReport<T: MicrovisorConfig> {
    result: Result<T, FetchError>,
    outcomes: T::Outcomes,
}

impl<T: MicrovisorConfig> FetchReport<T> {
    /// Fetches through `channel`, recording every field.
    pub(crate) fn fetch(channel: &mut dyn ConfigChannel) -> Self {
        let mut outcomes = T::NO_OUTCOMES;
        let result = fetch::send(channel, crate::Request::of::<T>())
            .and_then(|()| fetch::wait(channel))
            .and_then(|()| {
                let mut sink = ReportSink::of::<T>(outcomes.as_mut());
                config::receive::<T>(channel, Some(&mut sink))
            });
        FetchReport { result, outcomes }
    }

    /// The settings, or the first error met.
    pub fn result(&self) -> Result<&T, &FetchError> {
        self.result.as_ref()
    }

    /// The settings, or the first error met.
    ///
    /// # Errors
    ///
    /// The first error the fetch met.
    pub fn into_result(self) -> Result<T, FetchError> {
        self.result
    }

    /// Whether every field is fine.
    pub fn is_ok(&self) -> bool {
        self.result.is_ok()
    }

    /// Each field's schema and outcome, in field order.
    pub fn fields(&self) -> impl Iterator<Item = (&'static KeySpec, &FieldOutcome)> + '_ {
        T::SCHEMA.iter().zip(self.outcomes.as_ref())
    }

    /// The fields that are not fine.
    pub fn bad_fields(&self) -> impl Iterator<Item = (&'static KeySpec, &FieldOutcome)> + '_ {
        self.fields().filter(|(_, outcome)| !outcome.is_ok())
    }
}

impl<T: MicrovisorConfig> fmt::Display for FetchReport<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = T::SCHEMA.len();
        let bad = self.bad_fields().count();
        match &self.result {
            Ok(_) => return writeln!(f, "config fetched: all {total} fields ok"),
            Err(error) if bad == 0 || self.fields().all(|(_, o)| *o == FieldOutcome::NotRead) => {
                return writeln!(f, "config fetch failed: {error}");
            }
            Err(_) => writeln!(f, "config fetch failed: {bad} of {total} fields bad")?,
        }
        for (spec, outcome) in self.bad_fields() {
            writeln!(
                f,
                "  {} ({} {}): {outcome}",
                spec.key,
                spec.scope.as_str(),
                spec.store.as_str()
            )?;
        }
        Ok(())
    }
}

impl<T: MicrovisorConfig + fmt::Debug> fmt::Debug for FetchReport<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FetchReport")
            .field("result", &self.result)
            .field("outcomes", &self.outcomes.as_ref())
            .finish()
    }
}
