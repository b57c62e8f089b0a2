
pub fn main() {
    println!("Hello");
}
