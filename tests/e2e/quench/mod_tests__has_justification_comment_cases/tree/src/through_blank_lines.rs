// SAFETY: reason

unsafe { code }