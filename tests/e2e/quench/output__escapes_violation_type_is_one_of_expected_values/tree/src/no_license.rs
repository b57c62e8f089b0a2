// This file is missing the required license header.
// It should have SPDX-License-Identifier and Copyright lines.

/// A function in a file without license headers.
pub fn unlicensed_function() -> &'static str {
    "This code has no license header"
}
