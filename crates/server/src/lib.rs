//! REST server (filled in by the server work).
