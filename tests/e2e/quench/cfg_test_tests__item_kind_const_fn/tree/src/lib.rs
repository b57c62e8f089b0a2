
#[cfg(test)]
const fn const_helper() -> i32 {
    42
}
