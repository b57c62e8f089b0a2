//! This file is intentionally oversized to trigger cloc violations.
//!
//! It contains more than 800 lines to exceed the default max_lines limit.
//! Generated for testing purposes.

#![allow(dead_code)]

pub fn func_001() -> i32 { 001 }
pub fn func_002() -> i32 { 002 }
pub fn func_003() -> i32 { 003 }
