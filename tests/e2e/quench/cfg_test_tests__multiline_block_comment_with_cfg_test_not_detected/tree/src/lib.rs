
/*
 * Documentation about test handling:
 * - Use #[cfg(test)] for test modules
 * - Keep tests in separate files
 */
fn main() {}
