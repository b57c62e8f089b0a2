
/// Mode for handling #[cfg(test)] blocks in Rust files.
#[derive(Debug, Clone, Copy)]
pub enum CfgTestSplitMode {
    Count,
    Require,
}
