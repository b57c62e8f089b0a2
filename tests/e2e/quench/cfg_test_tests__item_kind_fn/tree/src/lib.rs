
#[cfg(test)]
fn test_helper() -> i32 {
    42
}
