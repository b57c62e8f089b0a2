
#[cfg(test)]
trait TestTrait {
    fn method(&self);
}
