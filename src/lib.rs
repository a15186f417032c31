//! The suite's library holds nothing: it is here so that the README's examples are compiled and
//! run as doctests, with the simulator as a user's tests would have it.
#![doc = include_str!("../README.md")]
