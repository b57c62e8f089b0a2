
#[cfg(test)]
pub(crate) struct TestFixture {
    value: i32,
}
