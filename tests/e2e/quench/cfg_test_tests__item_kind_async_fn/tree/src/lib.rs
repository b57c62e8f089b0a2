
#[cfg(test)]
async fn async_helper() {
}
