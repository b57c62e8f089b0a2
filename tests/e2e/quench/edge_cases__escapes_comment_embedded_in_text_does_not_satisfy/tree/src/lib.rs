unsafe { }  // VIOLATION: missing // SAFETY: comment
