//! megarepo
pub mod study;
