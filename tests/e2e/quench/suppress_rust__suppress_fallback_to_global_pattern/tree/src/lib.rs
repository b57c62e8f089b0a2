// REASON: needed for testing
#[allow(unused_variables)]
fn test_fn() { let x = 1; }