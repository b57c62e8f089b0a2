
fn always() {}

#[cfg(
    feature = "foo"
)]
fn feature_foo() {}

#[cfg(test)]
mod tests {
    fn test() {}
}
