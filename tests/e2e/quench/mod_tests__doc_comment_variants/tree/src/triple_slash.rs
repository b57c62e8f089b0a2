/// SAFETY: reason
unsafe { code }