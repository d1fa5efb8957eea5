//! megarepo
