
#[cfg(test)]
impl TestStruct {
    fn helper(&self) {}
}
