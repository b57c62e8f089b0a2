
#[cfg(test)]
thread_local! {
    static MOCK: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}
