
fn source() {}

#[cfg(test)]
mod tests {
    fn test() {}
}

#[cfg(test)]
fn helper() {
}

#[cfg(test)]
thread_local! {
    static MOCK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
struct Fixture {
    x: i32,
}
