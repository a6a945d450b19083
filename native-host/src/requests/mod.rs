//! One module per protocol method.

pub mod hello;
pub mod token_list;
