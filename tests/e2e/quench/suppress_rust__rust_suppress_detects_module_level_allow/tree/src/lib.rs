#![allow(dead_code)]

fn unused_function() {}
