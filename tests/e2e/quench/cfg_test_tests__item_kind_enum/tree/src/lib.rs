
#[cfg(test)]
enum TestEnum {
    A,
    B,
}
