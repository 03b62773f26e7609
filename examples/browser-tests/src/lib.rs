//! Browser tests of the reference backend's web console live in `tests/`.
