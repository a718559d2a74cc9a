//! The CSV importer, every kind, on arbitrary bytes. See `lading_fuzz::import_csv`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| lading_fuzz::import_csv(data));
