pub fn f() { None::<i32>.unwrap() } // using .unwrap() here
