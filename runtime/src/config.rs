//! The trait the derive implements, and every fetch shape built on it: by value, in place,
//! refresh, the reporting fetch ([`FetchReport`]), the two-phase fetch ([`Pending`]) and the
//! `async` one.

use core::fmt;
use core::marker::PhantomData;
use core::mem::{size_of, MaybeUninit};

#[cfg(feature = "async")]
use crate::asynch::{AsyncConfigChannel, FetchAsync};
use crate::channel::{self, ConfigChannel, Request};
use crate::error::{FetchError, ParseError};
use crate::fetch::bytes::{bytes_of, swap_bytes, wipe};
use crate::fetch::kind::FieldRow;
use crate::fetch::ops::{drops_fields, OpsTable};
use crate::fetch::read::{fetch_fields, receive_fields, refresh_fields, FetchPlan, ReportSink};
use crate::fetch::table::FieldEntry;
use crate::ffi::MvConfigKeyToFetch;
use crate::outcome::FieldOutcome;
use crate::schema::{secret_scratch_bytes, KeySpec};
use crate::tree::Subtree;

/// A settings struct fetched from the Microvisor cloud in one batched request.
///
/// Derive it with [`#[derive(MicrovisorConfig)]`](derive@crate::MicrovisorConfig), whose
/// documentation lists the attributes. The derive generates the tables, the read buffer's type
/// and [`MicrovisorConfig::check_item`]; everything else is provided here, once, for every
/// struct, over the runtime's non-generic cores.
///
/// # Fetch shapes
///
/// Every shape sends one request on the channel it is given, and closes that channel when it is
/// done, on success and on every error. A channel carries one request: open a new one for each
/// fetch. The shapes differ in where the settings are built and in how the wait is done.
///
/// - **At boot: [`fetch`](MicrovisorConfig::fetch).** It blocks until the response is read
///   and returns the settings by value, which moves the struct once:
///   `let settings = Settings::fetch(&mut channel)?;`
/// - **A large struct: [`fetch_into`](MicrovisorConfig::fetch_into).** It builds the
///   settings in a `MaybeUninit` you give, a `static` on the device, so nothing the size of the
///   struct passes through the stack: `let settings = Settings::fetch_into(&mut channel, slot)?;`
/// - **Periodically: [`refresh`](MicrovisorConfig::refresh) or
///   [`refresh_with`](MicrovisorConfig::refresh_with).** They fetch again into the live
///   settings, which change only if every item succeeded: all new or all old, never a mix.
///   `refresh` stages the new settings on the stack; `refresh_with` stages them in memory you
///   give (a `static`), which it leaves zeroed: `settings.refresh_with(&mut channel, staging)?;`
/// - **For the boot log: [`fetch_report`](MicrovisorConfig::fetch_report).** It reads and
///   judges every field, even after the first bad one, so that one log shows every bad key:
///   `for (spec, outcome) in report.bad_fields() { defmt::error!("{}: {}", spec.key, outcome) }`
/// - **In an event loop: [`send`](MicrovisorConfig::send), then [`Pending::receive`].**
///   `send` returns once the request is out, with a [`Pending`] token that holds the channel.
///   Call `receive` when the channel's `CHANNELDATAREADABLE` notification has arrived; before
///   that it answers `FetchError::Response(MvStatus::RESPONSENOTPRESENT)`.
/// - **In an async task: `fetch_async`** (feature `async`). It awaits the response, woken by
///   the notification, and is cancel-safe:
///   `let settings = Settings::fetch_async(&mut channel).await?;`
///
/// Each shape against the simulated cloud:
///
/// ```
/// use core::mem::MaybeUninit;
/// use microvisor_config::{MicrovisorConfig, Scope, Store};
/// use microvisor_config_sim::Cloud;
///
/// #[derive(MicrovisorConfig)]
/// #[config(scope = device, store = config, rename_all = "kebab-case")]
/// struct Settings {
///     broker_port: u16,
///     #[config(default = 60)]
///     keepalive: u16,
/// }
///
/// # fn main() -> Result<(), microvisor_config::FetchError> {
/// let mut cloud = Cloud::new();
/// cloud.insert(Scope::Device, Store::Config, "broker-port", "8883");
///
/// // At boot, in place: on the device `slot` is a static.
/// let mut slot = MaybeUninit::uninit();
/// let settings = Settings::fetch_into(&mut cloud.open_channel(), &mut slot)?;
/// assert_eq!((settings.broker_port, settings.keepalive), (8883, 60));
///
/// // Periodically: a bad value leaves the live settings as they were.
/// cloud.insert(Scope::Device, Store::Config, "keepalive", "soon");
/// assert!(settings.refresh(&mut cloud.open_channel()).is_err());
/// assert_eq!(settings.keepalive, 60);
///
/// // For the boot log: every bad key, not only the first.
/// let report = Settings::fetch_report(&mut cloud.open_channel());
/// let bad: Vec<_> = report.bad_fields().map(|(spec, _)| spec.key).collect();
/// assert_eq!(bad, ["keepalive"]);
///
/// // In an event loop: send now, receive once the notification has arrived.
/// cloud.insert(Scope::Device, Store::Config, "keepalive", "30").deliver_manually();
/// let pending = Settings::send(cloud.open_channel())?;
/// cloud.deliver(); // the simulated CHANNELDATAREADABLE
/// let fresh = pending.receive()?;
/// assert_eq!(fresh.keepalive, 30);
/// # Ok(()) }
/// ```
///
/// # Safety
///
/// Implement it only through the derive. The provided methods rely on the tables (`KEYS`,
/// `FIELD_ROWS`, `FIELD_OPS`) describing the struct as `FetchPlan::new` asks, which makes the
/// core write every field before it answers `Ok`, on every key of `KEYS` pointing at
/// `'static` UTF-8 text (string literals), and a refresh on the struct
/// having no `Drop` of its own and on `FIELD_OPS` naming the drop of every field whose drop
/// does more than zero its bytes (a refresh of a struct without one overwrites the old
/// settings).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a settings struct: it does not derive `MicrovisorConfig`",
    label = "not a settings struct",
    note = "a field with `#[config(nested)]`, like every fetch, needs a struct with \
            `#[derive(MicrovisorConfig)]`"
)]
pub unsafe trait MicrovisorConfig: Sized {
    /// The request: one entry per field, in field order, in one static array.
    const KEYS: &'static [MvConfigKeyToFetch];

    /// What the struct expects of each key, in field order.
    const SCHEMA: &'static [KeySpec];

    /// The sum of every field's `max_len`: the most value bytes one response carries. Size the
    /// channel's receive buffer from it: add the per-item overhead and round up to the 512-byte
    /// multiple Microvisor's demos use ([the crate docs](crate#on-the-device)).
    const RESPONSE_MAX_BYTES: usize;

    /// The read buffer a fetch places on the stack: the longest `max_len` plus one byte, the
    /// byte that tells a value that fits from one that was cut.
    const SCRATCH_BYTES: usize;

    /// Generated: `[u8; SCRATCH_BYTES]`, the read buffer's type, so that the provided methods
    /// can place it on the stack (only its size is used).
    #[doc(hidden)]
    type Scratch;

    /// One [`FieldOutcome`] per field: `[FieldOutcome; N]` for a struct of `N` fields.
    type Outcomes: AsRef<[FieldOutcome]> + AsMut<[FieldOutcome]>;

    /// Every field [`FieldOutcome::NotRead`].
    const NO_OUTCOMES: Self::Outcomes;

    /// Generated: one entry per distinct kind of field, from which the two tables below are
    /// computed at compile time.
    #[doc(hidden)]
    const FIELD_ENTRIES: &'static [FieldEntry];

    /// Generated: one row per field, in field order, for the fetch loop.
    #[doc(hidden)]
    const FIELD_ROWS: &'static [FieldRow];

    /// Generated: how each kind of field is filled; rows point into it.
    #[doc(hidden)]
    const FIELD_OPS: OpsTable;

    /// What a struct this one is nested in (`#[config(nested)]`) takes of it: its tables and
    /// checks, in one constant, so that a type that is not a settings struct is one error.
    #[doc(hidden)]
    const SUBTREE: Subtree = Subtree {
        schema: Self::SCHEMA,
        entries: Self::FIELD_ENTRIES,
        rows: Self::FIELD_ROWS,
        check_item: Self::check_item,
        check_missing: Self::check_missing,
    };

    /// What the non-generic fetch needs of this struct, in one constant.
    #[doc(hidden)]
    const PLAN: &'static FetchPlan = &{
        // SAFETY: the tables are this struct's own, generated together by the derive, its only
        // implementor (the trait's contract).
        unsafe {
            FetchPlan::new(
                Self::KEYS,
                Self::FIELD_ROWS,
                Self::FIELD_OPS,
                size_of::<Self>(),
                secret_scratch_bytes(Self::SCHEMA),
            )
        }
    };

    /// Fetches every field through `channel`: one request, one wait, one read per item. The
    /// channel is closed when this returns, on success and on error.
    ///
    /// The settings are returned by value; for a large struct, [`MicrovisorConfig::fetch_into`]
    /// builds them in place instead (in a `static`, say), which keeps them off the stack.
    ///
    /// # Errors
    ///
    /// A [`FetchError`]; an error about one item names its key.
    fn fetch<C: ConfigChannel>(channel: &mut C) -> Result<Self, FetchError> {
        let mut out = MaybeUninit::uninit();
        Self::fetch_into_dyn(channel, &mut out)?;
        // SAFETY: `fetch_into_dyn` answered `Ok`, so the core wrote every field (the plan's
        // contract, which the trait's holds).
        Ok(unsafe { out.assume_init() })
    }

    /// Fetches every field straight into `out`, each value parsed in its place: nothing the
    /// size of the settings passes through the stack. Returns the settings written there.
    /// On error `out` holds nothing: if the fetch stopped at an item, whatever was written is
    /// dropped, then its bytes are zeroed; an error before the items leaves it untouched.
    ///
    /// # Errors
    ///
    /// As [`MicrovisorConfig::fetch`].
    fn fetch_into<'o, C: ConfigChannel>(
        channel: &mut C,
        out: &'o mut MaybeUninit<Self>,
    ) -> Result<&'o mut Self, FetchError> {
        Self::fetch_into_dyn(channel, out)?;
        // SAFETY: as in `fetch`.
        Ok(unsafe { out.assume_init_mut() })
    }

    /// Fetches again into `self`, which is left untouched unless every item succeeded. The new
    /// settings are staged on the stack; [`MicrovisorConfig::refresh_with`] stages them
    /// elsewhere.
    ///
    /// # Errors
    ///
    /// As [`MicrovisorConfig::fetch`]; `self` keeps its old value.
    fn refresh<C: ConfigChannel>(&mut self, channel: &mut C) -> Result<(), FetchError> {
        self.refresh_with(channel, &mut MaybeUninit::uninit())
    }

    /// As [`MicrovisorConfig::refresh`], staging the new settings in `staging` (a `static`,
    /// say) until every item succeeded. Afterwards `staging` is all zeros, and nothing of the
    /// old settings is left anywhere (a `Secret` among them is gone).
    ///
    /// How the new settings replace the old ones depends on the fields, and is chosen at
    /// compile time. If none needs a drop of its own (a type without drop glue, the crate's
    /// types, and `Secret`s and `Option`s of such types), the new settings are moved over the
    /// old, every byte, and `staging` is zeroed: two calls, whatever the fields. If one does (a
    /// type of your own with a `Drop`, or a field parsed `with` a function whose type has drop
    /// glue), the two are swapped, the old settings dropped in `staging` by their drop glue,
    /// and `staging` zeroed.
    ///
    /// # Errors
    ///
    /// As [`MicrovisorConfig::fetch`]; `self` keeps its old value.
    fn refresh_with<C: ConfigChannel>(
        &mut self,
        channel: &mut C,
        staging: &mut MaybeUninit<Self>,
    ) -> Result<(), FetchError> {
        if const { drops_fields(Self::FIELD_OPS) } {
            let fresh: *mut Self = Self::fetch_into(channel, staging)?;
            let (live, fresh) = ((self as *mut Self).cast::<u8>(), fresh.cast::<u8>());
            // SAFETY: two whole values of one type, one borrowed mutably, the other in
            // `staging` (borrowed mutably too): valid for `size_of::<Self>()` bytes each, not
            // overlapping. A bitwise swap, as `core::mem::swap`, by a loop every struct shares.
            unsafe { swap_bytes(live, fresh, size_of::<Self>()) };
            // SAFETY: `staging` holds a whole value (the old settings, swapped in above),
            // dropped once here and not used again; then its bytes, which hold no value (through
            // a pointer taken after the drop's `&mut`, not `fresh`, which that borrow retired).
            unsafe {
                staging.assume_init_drop();
                wipe(staging.as_mut_ptr().cast(), size_of::<Self>());
            }
            Ok(())
        } else {
            let mut scratch = MaybeUninit::<Self::Scratch>::uninit();
            // SAFETY: `staging` is a `MaybeUninit<Self>`, `self` a whole value not overlapping
            // it, and the plan is this struct's. What the old settings' drop glue would do is
            // zero their secrets, which the move overwrites: no field needs a drop of its own
            // (`FIELD_OPS` names every one that does, the trait's contract), and the struct
            // itself has no `Drop` (the derive refuses one).
            unsafe {
                refresh_fields(
                    channel,
                    Self::PLAN,
                    (self as *mut Self).cast(),
                    staging.as_mut_ptr().cast(),
                    bytes_of(&mut scratch),
                )
            }
        }
    }

    /// Fetches, and reports the outcome of every field: after the first bad field the others
    /// are still read and judged, so one boot log shows every bad key.
    fn fetch_report<C: ConfigChannel>(channel: &mut C) -> FetchReport<Self> {
        FetchReport::fetch(channel)
    }

    /// The first half of a two-phase fetch, for event loops: sends the request and returns at
    /// once. Call [`Pending::receive`] when the channel's `CHANNELDATAREADABLE` notification
    /// has arrived. The channel may be owned or a `&mut` borrow.
    ///
    /// # Errors
    ///
    /// [`FetchError::Send`]; the channel is closed.
    fn send<C: ConfigChannel>(mut channel: C) -> Result<Pending<C, Self>, FetchError> {
        channel::send(&mut channel, Request::of::<Self>())?;
        Ok(Pending { channel, settings: PhantomData })
    }

    /// Fetches every field awaiting the response (feature `async`): woken by the channel's
    /// notification, and cancel-safe (dropping the future once polled closes the channel; one
    /// never polled has sent nothing).
    ///
    /// A timeout composes from outside (embassy's `with_timeout`, say): the future dropped on
    /// timeout closes its channel. On the host, the simulator's channel implements
    /// [`AsyncConfigChannel`] with its feature `async`.
    ///
    /// # Examples
    ///
    /// ```
    /// use microvisor_config::{AsyncConfigChannel, FetchError, MicrovisorConfig};
    ///
    /// #[derive(MicrovisorConfig)]
    /// #[config(scope = device, store = config)]
    /// struct Settings {
    ///     #[config(key = "broker-port")]
    ///     broker_port: u16,
    /// }
    ///
    /// // A task of any executor: the channel's notification wakes it.
    /// async fn configure(channel: &mut impl AsyncConfigChannel) -> Result<Settings, FetchError> {
    ///     Settings::fetch_async(channel).await
    /// }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`MicrovisorConfig::fetch`].
    #[cfg(feature = "async")]
    fn fetch_async<C: AsyncConfigChannel>(
        channel: &mut C,
    ) -> impl core::future::Future<Output = Result<Self, FetchError>> + '_ {
        fetch_async::<Self, C>(channel)
    }

    /// The body of [`MicrovisorConfig::fetch_into`] behind a `dyn` channel: one copy per
    /// struct, whatever the channel types, which places the read buffer and calls the shared
    /// core (`fetch_fields`) with the struct's plan.
    ///
    /// # Errors
    ///
    /// As [`MicrovisorConfig::fetch`].
    #[doc(hidden)]
    fn fetch_into_dyn(
        channel: &mut dyn ConfigChannel,
        out: &mut MaybeUninit<Self>,
    ) -> Result<(), FetchError> {
        let mut scratch = MaybeUninit::<Self::Scratch>::uninit();
        // SAFETY: `out` is a `MaybeUninit<Self>`, and the plan is this struct's.
        unsafe {
            fetch_fields(channel, Self::PLAN, out.as_mut_ptr().cast(), bytes_of(&mut scratch))
        }
    }

    /// Reads and parses a response that has arrived into `out`, field by field, closing the
    /// channel when done. `Ok` means every field of `out` is written; on `Err` none is left
    /// (those written are dropped). Call `fetch`, or [`Pending::receive`].
    ///
    /// # Errors
    ///
    /// As [`MicrovisorConfig::fetch`], but for sending and waiting.
    #[doc(hidden)]
    fn receive_into(
        channel: &mut dyn ConfigChannel,
        report: Option<&mut ReportSink<'_>>,
        out: &mut MaybeUninit<Self>,
    ) -> Result<(), FetchError> {
        let mut scratch = MaybeUninit::<Self::Scratch>::uninit();
        // SAFETY: `out` is a `MaybeUninit<Self>`, and the plan is this struct's.
        unsafe {
            receive_fields(
                channel,
                report,
                Self::PLAN,
                out.as_mut_ptr().cast(),
                bytes_of(&mut scratch),
            )
        }
    }

    /// Generated: parses `text` as field `index`'s value (with its `with` parser and
    /// `validate` check) and drops it: the verdict a cloud checker needs for each field. An
    /// index past the last field is `Ok`.
    ///
    /// # Errors
    ///
    /// Why `text` is not a valid value for that field.
    fn check_item(index: usize, text: &[u8]) -> Result<(), ParseError>;

    /// Generated: checks the value field `index` gets when its key is missing (its `default`,
    /// or `None` for an `Option`) with its `validate` check, as a fetch does when it writes
    /// that value. `Ok` for a field without a check or without such a value, and for an index
    /// past the last field.
    ///
    /// # Errors
    ///
    /// What the field's check says of that value.
    fn check_missing(index: usize) -> Result<(), ParseError>;
}

/// Receives a response that has arrived into a new value: the shared tail of the shapes that
/// return settings by value.
pub(crate) fn receive<T: MicrovisorConfig>(
    channel: &mut dyn ConfigChannel,
    report: Option<&mut ReportSink<'_>>,
) -> Result<T, FetchError> {
    let mut out = MaybeUninit::uninit();
    T::receive_into(channel, report, &mut out)?;
    // SAFETY: `receive_into` answered `Ok`, so the core wrote every field (the plan's contract,
    // which the trait's holds).
    Ok(unsafe { out.assume_init() })
}

/// A request that was sent and whose response is awaited: the token of a two-phase fetch.
///
/// It holds the channel, so it cannot be received on another one, and `receive` consumes it,
/// so it cannot be received twice. Dropping it closes the channel.
#[must_use = "the request is sent: call `receive` once the channel's CHANNELDATAREADABLE \
              notification has arrived (dropping it closes the channel)"]
pub struct Pending<C: ConfigChannel, T> {
    channel: C,
    settings: PhantomData<fn() -> T>,
}

impl<C: ConfigChannel, T: MicrovisorConfig> Pending<C, T> {
    /// Reads and parses the response. Call it once the channel's `CHANNELDATAREADABLE`
    /// notification has arrived.
    ///
    /// # Errors
    ///
    /// `FetchError::Response(MvStatus::RESPONSENOTPRESENT)` if the response has not arrived
    /// yet, else as [`MicrovisorConfig::fetch`]. The channel is closed either way.
    pub fn receive(mut self) -> Result<T, FetchError> {
        receive(&mut self.channel, None)
    }

    /// As [`Pending::receive`], building the settings in `out`.
    ///
    /// # Errors
    ///
    /// As [`Pending::receive`]; `out` then holds nothing.
    pub fn receive_into(mut self, out: &mut MaybeUninit<T>) -> Result<&mut T, FetchError> {
        T::receive_into(&mut self.channel, None, out)?;
        // SAFETY: `receive_into` answered `Ok`, so it wrote every field (the trait's contract).
        Ok(unsafe { out.assume_init_mut() })
    }

    /// Waits for the response with the channel's own wait, then receives it: the blocking
    /// second half.
    ///
    /// # Errors
    ///
    /// As [`MicrovisorConfig::fetch`].
    pub fn wait_and_receive(mut self) -> Result<T, FetchError> {
        channel::wait(&mut self.channel)?;
        receive(&mut self.channel, None)
    }

    /// The channel, to match a notification's tag against it.
    pub fn channel(&self) -> &C {
        &self.channel
    }
}

impl<C: ConfigChannel, T> Drop for Pending<C, T> {
    fn drop(&mut self) {
        self.channel.close();
    }
}

impl<C: ConfigChannel + fmt::Debug, T> fmt::Debug for Pending<C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pending").field("channel", &self.channel).finish()
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
/// use microvisor_config::{MicrovisorConfig, Scope, Store};
/// use microvisor_config_sim::Cloud;
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
///      \x20 broker-host (device config): not found in its store (upload it there, or make the field optional)\n"
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
        let result = channel::send(channel, Request::of::<T>())
            .and_then(|()| channel::wait(channel))
            .and_then(|()| {
                let mut sink = ReportSink::of::<T>(outcomes.as_mut());
                receive::<T>(channel, Some(&mut sink))
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

impl Request<'static> {
    /// The request of settings struct `T`: its `KEYS`, which point at string literals (the
    /// contract of the `MicrovisorConfig` trait).
    pub fn of<T: MicrovisorConfig>() -> Self {
        // SAFETY: the trait's contract: every key is a string literal.
        unsafe { Request::from_raw(T::KEYS) }
    }
}

impl<'a> ReportSink<'a> {
    /// The sink of a reporting fetch of `T`, recording into `outcomes` (a slot per field) and
    /// judging the fields after a failure by `T`'s generated checks.
    pub fn of<T: MicrovisorConfig>(outcomes: &'a mut [FieldOutcome]) -> Self {
        ReportSink {
            outcomes,
            check: T::check_item,
            check_missing: T::check_missing,
            schema: T::SCHEMA,
            finish: |reader, report, rows, from| reader.finish_report(report, rows, from),
        }
    }
}

/// Fetches `T` through `channel`, awaiting the response instead of blocking (feature `async`).
///
/// Cancel-safe: dropping the future once polled closes the channel; a future never polled has
/// sent nothing. Timeouts compose from outside (embassy's `with_timeout`, say): a future
/// dropped on timeout closes its channel. Polled again after it answered, it answers
/// `Wait(ChannelClosed)` rather than panic.
///
/// # Errors
///
/// As [`MicrovisorConfig::fetch`].
#[cfg(feature = "async")]
pub fn fetch_async<T: MicrovisorConfig, C: AsyncConfigChannel>(
    channel: &mut C,
) -> impl core::future::Future<Output = Result<T, FetchError>> + '_ {
    // A closure, not a `T` parameter: its type outlives the borrow whatever `T` is, as the
    // signature promises.
    FetchAsync::new(channel, Request::of::<T>(), |channel: &mut C| receive::<T>(channel, None))
}
