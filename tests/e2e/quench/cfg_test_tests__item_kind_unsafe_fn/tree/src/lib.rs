
#[cfg(test)]
unsafe fn unsafe_helper() {
}
