//! Runnable programs built on the WPPConnect crates: above all the reference backend
//! ([`backend`]), a starting point for a product, and small examples under `src/bin/`.

pub mod backend;
