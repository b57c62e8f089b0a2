pub fn g(a: Option<i32>, b: Option<i32>) -> i32 { a.unwrap() + b.unwrap() }
