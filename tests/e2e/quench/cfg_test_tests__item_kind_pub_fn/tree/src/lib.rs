
#[cfg(test)]
pub fn test_helper() {
}
