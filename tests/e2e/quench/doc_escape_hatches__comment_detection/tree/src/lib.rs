// SAFETY: The lock is held for the duration of this block
unsafe {                    // ✓ Comment found on preceding line
    critical_section();
}

unsafe { quick_op(); }      // SAFETY: Single atomic op  ✓ Comment on same line

// SAFETY: Pointer guaranteed valid by constructor invariant
//
// Additional context about why this is safe...
unsafe {                    // ✓ Comment found (searching upward through blanks/comments)
    indirect_call();
}

fn other_code() {}
unsafe {                    // ✗ No comment (search stopped at `fn other_code`)
    risky_call();
}
