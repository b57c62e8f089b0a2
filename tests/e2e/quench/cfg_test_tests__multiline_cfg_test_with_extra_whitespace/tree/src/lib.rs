
fn main() {}

#[cfg(
        test
    )]
mod tests {
    fn test() {}
}
