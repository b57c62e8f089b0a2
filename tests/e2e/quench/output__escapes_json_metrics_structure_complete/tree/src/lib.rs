pub fn safe() -> i32 {
    // TODO: Refactor this
    42
}
