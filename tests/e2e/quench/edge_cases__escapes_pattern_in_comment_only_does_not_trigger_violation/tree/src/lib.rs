
// Don't use unsafe { } blocks without a SAFETY comment
pub fn safe_function() -> i32 {
    42
}
