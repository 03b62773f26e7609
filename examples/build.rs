//! Rebuilds when a migration or a console file changes: `sqlx::migrate!` embeds `migrations/`
//! and `include_dir!` embeds `web/js/` at compile time.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=web");
}
