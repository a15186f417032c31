//! The C baseline's common interface (bench/c-baseline/config_fetch.h).

/// `struct cf_error`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CfError {
    /// `enum cf_error_code`.
    pub code: u32,
    /// The item, for item errors.
    pub index: u32,
    /// The Microvisor status or the number that goes with the code.
    pub status: u32,
}

/// The interrupt the C baseline's notifications pend (`CF_IRQ`).
pub const CF_IRQ: u32 = 52;

extern "C" {
    /// `cf_notifications_setup`.
    pub fn cf_notifications_setup() -> u32;
    /// `cf_notification_isr`: the handler of `CF_IRQ`.
    pub fn cf_notification_isr();
}
