//! The session loader on arbitrary bytes and on mutated valid sessions. See
//! `lading_fuzz::session`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| lading_fuzz::session(data));
