pub fn safe_fn() -> i32 {
    42  // No violations
}
