//! One module per command.

pub(crate) mod call;
pub(crate) mod listen;
pub(crate) mod login;
pub(crate) mod send;
pub(crate) mod session;
