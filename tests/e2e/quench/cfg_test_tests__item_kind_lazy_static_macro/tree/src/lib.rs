
#[cfg(test)]
lazy_static! {
    static ref DB: Mutex<MockDb> = Mutex::new(MockDb::new());
}
