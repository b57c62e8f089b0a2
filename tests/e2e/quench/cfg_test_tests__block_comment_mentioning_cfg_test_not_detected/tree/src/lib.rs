
fn process() {
    /* This function handles #[cfg(test)] blocks
       and other conditional compilation */
    let x = 42;
}
