
fn source() {}

#[cfg(test)]
mod tests {
    #[test]
    fn it_works() {}
}
