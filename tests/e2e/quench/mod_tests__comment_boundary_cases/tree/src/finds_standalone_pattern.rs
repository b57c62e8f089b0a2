// SAFETY: this is safe
unsafe { *ptr }