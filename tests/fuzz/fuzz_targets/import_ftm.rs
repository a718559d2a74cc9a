//! The FtM importer on arbitrary bytes and on lines from a small FtM grammar. See
//! `lading_fuzz::import_ftm`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| lading_fuzz::import_ftm(data));
