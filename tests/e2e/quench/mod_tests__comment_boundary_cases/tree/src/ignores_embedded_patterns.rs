code  // VIOLATION: missing // SAFETY: comment
more code