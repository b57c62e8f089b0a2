
#[cfg(test)]
pub(in crate::module) fn test_helper() {
}
