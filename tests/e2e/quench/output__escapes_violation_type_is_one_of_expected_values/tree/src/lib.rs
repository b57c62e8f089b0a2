//! Library root for violations fixture.

pub mod oversized;
pub mod escapes;
pub mod missing_tests;
pub mod no_license;
