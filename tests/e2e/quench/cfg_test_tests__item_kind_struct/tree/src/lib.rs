
#[cfg(test)]
struct TestFixture {
    value: i32,
}
