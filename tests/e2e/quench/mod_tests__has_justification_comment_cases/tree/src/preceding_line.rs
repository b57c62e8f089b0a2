// SAFETY: reason
unsafe { code }