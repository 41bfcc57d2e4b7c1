//! REST server of jixiao (filled in by the server work).

pub mod demo;
