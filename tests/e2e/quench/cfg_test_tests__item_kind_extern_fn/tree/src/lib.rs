
#[cfg(test)]
extern "C" fn extern_helper() {
}
