
fn process() {
    // Check if line is in test code (file-level OR inline #[cfg(test)])
    let is_test = false;
}
