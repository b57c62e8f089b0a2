//! SAFETY: reason
unsafe { code }