//! `#[repr(C)]` mirrors of the Microvisor system-call types used by config fetch, channels and
//! notifications, with the vendor header's type and field names.
//!
//! Every enumeration that the device writes back is a transparent `u32` newtype with named
//! constants rather than a Rust `enum`: a value that a newer Microvisor adds is then data the
//! crate can carry in an error, not undefined behaviour. On the device every enum of these calls
//! is four bytes wide (the header pins each with a `..._MAX = 0xffffffff` member).
//!
//! The functions themselves are declared `extern "C"` in `sys` for the device target only. Each
//! is a non-secure-callable entry at a fixed address: the runtime's build script writes
//! `microvisor.x`, a linker script that defines them, for a firmware's `-Tmicrovisor.x`; the
//! vendor's `mv_syscalls.o` defines the same symbols, and a firmware may link that instead
//! (docs/PROTOCOL.md, "Linking").

use core::fmt;

macro_rules! u32_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $value:expr, )* }
    ) => {
        $(#[$meta])*
        #[repr(transparent)]
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name(pub u32);

        impl $name {
            $( $(#[$vmeta])* pub const $variant: Self = Self($value); )*

            /// The header's name of this value, or `None` for a value this crate does not know.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $value => Some(stringify!($variant)), )*
                    _ => None,
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(name) => write!(f, "{}::{}", stringify!($name), name),
                    None => write!(f, "{}({:#x})", stringify!($name), self.0),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, "unknown value {:#x}", self.0),
                }
            }
        }
    };
}

u32_enum! {
    /// The status every system call returns.
    MvStatus {
        /// The call succeeded.
        OKAY = 0,
        /// The clock has not been set.
        TIMENOTSET = 1,
        /// A pointer argument is invalid.
        PARAMETERFAULT = 2,
        /// A buffer size is invalid.
        INVALIDBUFFERSIZE = 3,
        /// A peripheral access fault.
        PERIPHERALACCESSFAULT = 4,
        /// The buffer is already in use.
        BUFFERALREADYINUSE = 5,
        /// The interrupt is invalid.
        INVALIDINTERRUPT = 6,
        /// The handle is invalid.
        INVALIDHANDLE = 7,
        /// More than 32 notification buffers.
        TOOMANYNOTIFICATIONBUFFERS = 8,
        /// The vector is invalid.
        INVALIDVECTOR = 9,
        /// The service is unavailable.
        UNAVAILABLE = 0xa,
        /// The structure version is not supported.
        UNSUPPORTEDSTRUCTUREVERSION = 0xb,
        /// Too many channels are open (four at most).
        TOOMANYCHANNELS = 0xc,
        /// The channel endpoint is unknown.
        UNKNOWNCHANNELENDPOINT = 0xd,
        /// The channel type is unknown.
        UNKNOWNCHANNELTYPE = 0xe,
        /// The channel is closed.
        CHANNELCLOSED = 0xf,
        /// The network is not connected.
        NETWORKNOTCONNECTED = 0x10,
        /// More than eight channel opens in a second: wait one second.
        RATELIMITED = 0x11,
        /// A buffer is not aligned as required.
        INVALIDBUFFERALIGNMENT = 0x12,
        /// A nested pointer was bad; the channel is unusable and must be closed.
        LATEFAULT = 0x13,
        /// No response has arrived yet.
        RESPONSENOTPRESENT = 0x14,
        /// The item index is out of range.
        INDEXINVALID = 0x15,
        /// The offset is invalid.
        OFFSETINVALID = 0x16,
        /// This channel already carried its one request.
        REQUESTALREADYSENT = 0x17,
        /// The request was not successful.
        REQUESTUNSUCCESSFUL = 0x18,
        /// The log message is too long.
        LOGMESSAGETOOLONG = 0x19,
        /// The server disabled logging.
        LOGGINGDISABLEDBYSERVER = 0x1a,
        /// The request names too many keys.
        TOOMANYCONFIGKEYS = 0x1b,
        /// The config store is unknown.
        UNKNOWNCONFIGSTORE = 0x1c,
        /// The config scope is unknown.
        UNKNOWNCONFIGSCOPE = 0x1d,
        /// A key holds a byte outside printable ASCII.
        INVALIDCONFIGKEY = 0x1e,
        /// Authentication failed.
        INVALIDAUTHENTICATION = 0x1f,
        /// The wrong data was requested.
        WRONGDATAREQUESTED = 0x20,
        /// Microvisor had an internal error.
        INTERNALERROR = 0x21,
        /// Too many elements.
        TOOMANYELEMENTS = 0x22,
        /// A required element is missing.
        REQUIREDELEMENTMISSING = 0x23,
        /// Microvisor is busy.
        MICROVISORBUSY = 0x24,
        /// An address is out of range.
        ADDRESSOUTOFRANGE = 0x25,
        /// An input is too long.
        INPUTTOOLONG = 0x26,
    }
}

impl MvStatus {
    /// `OKAY` as `Ok`, any other status as `Err`: a system call's answer, for `?`.
    #[inline]
    pub const fn ok(self) -> Result<(), MvStatus> {
        if self.0 == MvStatus::OKAY.0 {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// Whether `mvSendConfigFetchRequest` answering this status leaves the channel without a
    /// request: after any other status Microvisor counts the request as sent, and another is
    /// `REQUESTALREADYSENT` (the vendor's header on that call). The device channel and the
    /// simulator both go by this.
    pub const fn leaves_request_unsent(self) -> bool {
        // A bit test of a mask: a `match` of four values compiles to a wider mask and a range
        // check.
        // A status of 32 or more here would not compile: the shift would overflow.
        const UNSENT: u32 = 1 << MvStatus::PARAMETERFAULT.0
            | 1 << MvStatus::INVALIDHANDLE.0
            | 1 << MvStatus::INVALIDBUFFERSIZE.0
            | 1 << MvStatus::CHANNELCLOSED.0;
        match UNSENT.checked_shr(self.0) {
            Some(bits) => bits & 1 != 0,
            None => false,
        }
    }
}

u32_enum! {
    /// The kind of event in a [`MvNotification`].
    MvEventType {
        /// No event: an empty record.
        NOEVENT = 0,
        /// The network status changed.
        NETWORKSTATUSCHANGED = 1,
        /// A channel has data to read (for config fetch: the response arrived).
        CHANNELDATAREADABLE = 2,
        /// A channel has room to write.
        CHANNELDATAWRITESPACE = 3,
        /// A channel is not connected.
        CHANNELNOTCONNECTED = 4,
        /// An update was downloaded.
        UPDATEDOWNLOADED = 5,
    }
}

u32_enum! {
    /// The kind of channel to open.
    MvChannelType {
        /// Raw bytes.
        OPAQUEBYTES = 0,
        /// MQTT.
        MQTT = 1,
        /// HTTP.
        HTTP = 2,
        /// Config fetch.
        CONFIGFETCH = 3,
    }
}

u32_enum! {
    /// Which scope a key lives in.
    MvConfigKeyFetchScope {
        /// Shared by every device of the account.
        ACCOUNT = 0,
        /// This device only.
        DEVICE = 1,
    }
}

u32_enum! {
    /// Which store a key lives in. (The vendor's web page calls `CONFIG` "STORE"; the header
    /// says `CONFIG`.)
    MvConfigKeyFetchStore {
        /// Secrets: readable by the device, never through the REST API.
        SECRET = 0,
        /// Configs.
        CONFIG = 1,
    }
}

u32_enum! {
    /// The result of a whole config-fetch response.
    MvConfigFetchResult {
        /// The response is complete.
        OK = 0,
        /// The response did not fit the channel's receive buffer.
        RESPONSETOOLARGE = 1,
    }
}

u32_enum! {
    /// The result of one item of a config-fetch response.
    MvConfigKeyFetchResult {
        /// The item holds the value.
        OK = 0,
        /// The key is not in the store.
        KEYNOTFOUND = 1,
        /// The server failed to read the key.
        SERVERERROR = 2,
    }
}

u32_enum! {
    /// Why a channel closed.
    MvClosureReason {
        /// Not closed.
        NONE = 0,
        /// The server closed the channel.
        CHANNELCLOSEDBYSERVER = 1,
        /// The server reset the channel.
        CHANNELRESETBYSERVER = 2,
        /// The network went away.
        NETWORKDISCONNECTED = 3,
        /// The connection was terminated.
        CONNECTIONTERMINATED = 4,
        /// The channel is not open yet.
        NOTYETOPEN = 5,
        /// The application closed it.
        CLOSEDBYAPPLICATION = 6,
        /// It ended unexpectedly.
        UNEXPECTEDLYTERMINATED = 7,
    }
}

u32_enum! {
    /// The state of a network request (`mvGetNetworkStatus`).
    MvNetworkStatus {
        /// The application asked to stay offline.
        DELIBERATELYOFFLINE = 0,
        /// Connected: channels can open.
        CONNECTED = 1,
        /// Connecting.
        CONNECTING = 2,
        /// The link is up but the connection is not.
        DISCONNECTEDWITHLINKUP = 3,
    }
}

/// An opaque handle of a notification center. Zero is never a valid handle.
pub type MvNotificationHandle = u32;
/// An opaque handle of a network request. Zero is never a valid handle.
pub type MvNetworkHandle = u32;
/// An opaque handle of a channel. Zero is never a valid handle.
pub type MvChannelHandle = u32;

/// A borrowed byte string: pointer and length.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MvSizedString {
    /// The first byte.
    pub data: *const u8,
    /// The number of bytes.
    pub length: u32,
}

/// A caller-owned buffer that a call fills, writing the byte count through `length`.
#[repr(C)]
#[derive(Debug)]
pub struct MvSizedStringBuffer {
    /// The buffer.
    pub data: *mut u8,
    /// Its capacity in bytes.
    pub size: u32,
    /// Where the call writes the number of bytes it wrote.
    pub length: *mut u32,
}

/// One key of a config-fetch request.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MvConfigKeyToFetch {
    /// Account or device.
    pub scope: MvConfigKeyFetchScope,
    /// Config or secret.
    pub store: MvConfigKeyFetchStore,
    /// The key text, printable ASCII, at most 100 bytes.
    pub key: MvSizedString,
}

// SAFETY: a key names immutable, 'static text (the derive builds it from string literals); the
// raw pointer is never written through, so sharing it across threads is sound. This lets a
// request table live in a `static` in flash.
unsafe impl Sync for MvConfigKeyToFetch {}

/// The argument of `mvSendConfigFetchRequest`.
#[repr(C)]
#[derive(Debug)]
pub struct MvConfigKeyFetchParams {
    /// The number of keys.
    pub num_items: u32,
    /// The first key.
    pub keys_to_fetch: *const MvConfigKeyToFetch,
}

/// What `mvReadConfigFetchResponseData` writes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MvConfigResponseData {
    /// The overall result.
    pub result: MvConfigFetchResult,
    /// The number of items in the response.
    pub num_items: u32,
}

/// The argument of `mvReadConfigResponseItem`. The header puts `item_index` first (the vendor's
/// web page shows `result` first; the header is what the device links).
#[repr(C)]
#[derive(Debug)]
pub struct MvConfigResponseReadItemParams {
    /// Which item, in request order.
    pub item_index: u32,
    /// Where the call writes the item's result.
    pub result: *mut MvConfigKeyFetchResult,
    /// Where the call copies the value.
    pub buf: MvSizedStringBuffer,
}

/// One record of a notification buffer.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MvNotification {
    /// Microvisor's microsecond clock when the event happened.
    pub microseconds: u64,
    /// What happened.
    pub event_type: MvEventType,
    /// The tag the application gave the source (for a channel: its `notification_tag`).
    pub tag: u32,
}

/// The argument of `mvSetupNotifications`.
#[repr(C)]
#[derive(Debug)]
pub struct MvNotificationSetup {
    /// The interrupt Microvisor pends on a new record.
    pub irq: u32,
    /// The record buffer (at least 32 bytes, a whole number of records).
    pub buffer: *mut MvNotification,
    /// Its size in bytes.
    pub buffer_size: u32,
}

/// The argument of `mvRequestNetwork` (version 1).
#[repr(C)]
#[derive(Debug)]
pub struct MvRequestNetworkParams {
    /// Always 1.
    pub version: u32,
    /// Where network events go.
    pub notification_handle: MvNotificationHandle,
    /// The tag of those events.
    pub notification_tag: u32,
}

/// The argument of `mvOpenChannel` (version 1).
#[repr(C)]
#[derive(Debug)]
pub struct MvOpenChannelParams {
    /// Always 1.
    pub version: u32,
    /// Where the channel's events go.
    pub notification_handle: MvNotificationHandle,
    /// The tag of those events.
    pub notification_tag: u32,
    /// The network to use.
    pub network_handle: MvNetworkHandle,
    /// What Microvisor receives into.
    pub receive_buffer: *mut u8,
    /// Its size.
    pub receive_buffer_len: u32,
    /// What Microvisor sends from.
    pub send_buffer: *mut u8,
    /// Its size.
    pub send_buffer_len: u32,
    /// The kind of channel.
    pub channel_type: MvChannelType,
    /// The endpoint (empty for config fetch).
    pub endpoint: MvSizedString,
}

/// The version of [`MvOpenChannelParams`] and [`MvRequestNetworkParams`] this crate fills.
pub const PARAMS_VERSION_1: u32 = 1;

/// Compile-time proof that the mirrors have the header's sizes and offsets on the 32-bit device.
#[cfg(target_pointer_width = "32")]
const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(size_of::<MvSizedString>() == 8);
    assert!(offset_of!(MvSizedString, length) == 4);
    assert!(size_of::<MvSizedStringBuffer>() == 12);
    assert!(offset_of!(MvSizedStringBuffer, size) == 4);
    assert!(offset_of!(MvSizedStringBuffer, length) == 8);
    assert!(size_of::<MvConfigKeyToFetch>() == 16);
    assert!(offset_of!(MvConfigKeyToFetch, scope) == 0);
    assert!(offset_of!(MvConfigKeyToFetch, store) == 4);
    assert!(offset_of!(MvConfigKeyToFetch, key) == 8);
    assert!(size_of::<MvConfigKeyFetchParams>() == 8);
    assert!(offset_of!(MvConfigKeyFetchParams, keys_to_fetch) == 4);
    assert!(size_of::<MvConfigResponseData>() == 8);
    assert!(offset_of!(MvConfigResponseData, num_items) == 4);
    assert!(size_of::<MvConfigResponseReadItemParams>() == 20);
    assert!(offset_of!(MvConfigResponseReadItemParams, item_index) == 0);
    assert!(offset_of!(MvConfigResponseReadItemParams, result) == 4);
    assert!(offset_of!(MvConfigResponseReadItemParams, buf) == 8);
    assert!(size_of::<MvNotification>() == 16);
    assert!(offset_of!(MvNotification, event_type) == 8);
    assert!(offset_of!(MvNotification, tag) == 12);
    assert!(size_of::<MvNotificationSetup>() == 12);
    assert!(offset_of!(MvNotificationSetup, buffer) == 4);
    assert!(offset_of!(MvNotificationSetup, buffer_size) == 8);
    assert!(size_of::<MvRequestNetworkParams>() == 12);
    assert!(size_of::<MvOpenChannelParams>() == 44);
    assert!(offset_of!(MvOpenChannelParams, notification_handle) == 4);
    assert!(offset_of!(MvOpenChannelParams, notification_tag) == 8);
    assert!(offset_of!(MvOpenChannelParams, network_handle) == 12);
    assert!(offset_of!(MvOpenChannelParams, receive_buffer) == 16);
    assert!(offset_of!(MvOpenChannelParams, receive_buffer_len) == 20);
    assert!(offset_of!(MvOpenChannelParams, send_buffer) == 24);
    assert!(offset_of!(MvOpenChannelParams, send_buffer_len) == 28);
    assert!(offset_of!(MvOpenChannelParams, channel_type) == 32);
    assert!(offset_of!(MvOpenChannelParams, endpoint) == 36);
};

/// The system calls, as the vendor's header declares them. Only the device links them.
#[cfg(target_os = "none")]
pub mod sys {
    use super::*;

    extern "C" {
        /// Sets up a notification center.
        pub fn mvSetupNotifications(
            setup: *const MvNotificationSetup,
            handle: *mut MvNotificationHandle,
        ) -> MvStatus;
        /// Asks for the network.
        pub fn mvRequestNetwork(
            params: *const MvRequestNetworkParams,
            handle: *mut MvNetworkHandle,
        ) -> MvStatus;
        /// Opens a channel.
        pub fn mvOpenChannel(
            params: *const MvOpenChannelParams,
            handle: *mut MvChannelHandle,
        ) -> MvStatus;
        /// Sends a config-fetch request; returns at once.
        pub fn mvSendConfigFetchRequest(
            handle: MvChannelHandle,
            params: *const MvConfigKeyFetchParams,
        ) -> MvStatus;
        /// Reads the overall result and item count of a response.
        pub fn mvReadConfigFetchResponseData(
            handle: MvChannelHandle,
            data: *mut MvConfigResponseData,
        ) -> MvStatus;
        /// Copies one item of a response.
        pub fn mvReadConfigResponseItem(
            handle: MvChannelHandle,
            params: *const MvConfigResponseReadItemParams,
        ) -> MvStatus;
        /// Closes a channel, zeroing the handle on success.
        pub fn mvCloseChannel(handle: *mut MvChannelHandle) -> MvStatus;
        /// Tells why a channel closed.
        pub fn mvGetChannelClosureReason(
            handle: MvChannelHandle,
            reason: *mut MvClosureReason,
        ) -> MvStatus;
        /// Reads Microvisor's free-running microsecond clock.
        pub fn mvGetMicroseconds(microseconds: *mut u64) -> MvStatus;
        /// Reads the state of a network request.
        pub fn mvGetNetworkStatus(
            handle: MvNetworkHandle,
            status: *mut MvNetworkStatus,
        ) -> MvStatus;
        /// Gives a network request up, zeroing the handle on success.
        pub fn mvReleaseNetwork(handle: *mut MvNetworkHandle) -> MvStatus;
        /// Hands Microvisor the buffer server log messages queue in.
        pub fn mvServerLoggingInit(buffer: *mut u8, length: u32) -> MvStatus;
        /// Queues one message for the server log.
        pub fn mvServerLog(message: *const u8, length: u16) -> MvStatus;
    }
}

#[cfg(test)]
mod tests {
    use super::MvStatus;

    /// `OKAY` is `Ok`, every other status an `Err` that carries it, unknown ones too.
    #[test]
    fn only_okay_is_ok() {
        assert_eq!(MvStatus::OKAY.ok(), Ok(()));
        for status in [MvStatus::PARAMETERFAULT, MvStatus::CHANNELCLOSED, MvStatus(0x27)] {
            assert_eq!(status.ok(), Err(status));
        }
    }

    /// The mask's bit test answers for exactly the four statuses it is made of, and for no
    /// other: every status up to 300 is checked, past the mask's 32 bits, where a shift by the
    /// status would wrap on the device.
    #[test]
    fn four_statuses_leave_the_request_unsent() {
        let unsent = [
            MvStatus::PARAMETERFAULT,
            MvStatus::INVALIDHANDLE,
            MvStatus::INVALIDBUFFERSIZE,
            MvStatus::CHANNELCLOSED,
        ];
        for status in (0..=300).chain([u32::MAX - 1, u32::MAX]).map(MvStatus) {
            assert_eq!(status.leaves_request_unsent(), unsent.contains(&status), "{status:?}");
        }
    }
}
