
fn source() {}

#[cfg(test)]
mod tests {
    fn test() {}
}

#[cfg(test)]
fn helper() {
}

#[cfg(test)]
struct Fixture {
    x: i32,
}
