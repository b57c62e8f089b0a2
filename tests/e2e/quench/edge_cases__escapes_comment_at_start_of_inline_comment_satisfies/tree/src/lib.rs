unsafe { }  // SAFETY: pointer is valid
