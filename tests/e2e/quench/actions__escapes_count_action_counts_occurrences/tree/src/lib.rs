// TODO: Refactor this later
pub fn work() -> i32 {
    // TODO: Add error handling
    42
}
