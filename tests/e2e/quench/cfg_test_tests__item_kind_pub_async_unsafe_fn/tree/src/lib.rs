
#[cfg(test)]
pub async unsafe fn complex_fn() {
}
