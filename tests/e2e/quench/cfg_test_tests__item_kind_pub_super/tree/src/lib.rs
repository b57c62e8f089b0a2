
#[cfg(test)]
pub(super) fn test_helper() {
}
