// SAFETY: reason
// more context
unsafe { code }