// SAFETY: old
fn other() {}
unsafe { code }