
fn source() {}

#[cfg(all(
    test,
    feature = "integration"
))]
mod integration_tests {
    fn test() {}
}
