
#[cfg(test)]
pub mod tests {
    fn test() {}
}
