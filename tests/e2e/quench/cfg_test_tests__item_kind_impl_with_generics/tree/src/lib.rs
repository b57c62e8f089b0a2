
#[cfg(test)]
impl<T> TestStruct<T> {
    fn helper(&self) {}
}
