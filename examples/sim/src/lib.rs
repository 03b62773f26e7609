//! A simulator of WPPConnect Server (being built: see issue 6).
