//! Runnable programs built on the WPPConnect crates (being built: see issue 6).
