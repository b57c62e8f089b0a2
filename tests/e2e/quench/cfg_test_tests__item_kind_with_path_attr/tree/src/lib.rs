
#[cfg(test)]
#[path = "tests.rs"]
mod tests {
    fn test() {}
}
