// TODO: First item
pub fn work() -> i32 {
    // TODO: Second item - over threshold!
    42
}
