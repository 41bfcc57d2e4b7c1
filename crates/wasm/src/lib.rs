//! WASM adapter (filled in by the form work).
