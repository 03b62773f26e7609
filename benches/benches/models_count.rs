//! Parses the `onmessage` fixture 10 000 times, either into `Event` or into `serde_json::Value`,
//! for instruction counting, which does not depend on what else the machine is doing:
//!
//! ```sh
//! cargo bench -p wppconnect-benches --bench models_count --no-run
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/deps/models_count-* value
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/deps/models_count-* event
//! ```

#![allow(missing_docs)]

use std::hint::black_box;

use wppconnect_models::Event;

const ONMESSAGE: &[u8] = include_bytes!("onmessage.json");
const ROUNDS: usize = 10_000;

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let mut ok = 0usize;
    for _ in 0..ROUNDS {
        ok += match mode.as_str() {
            "event" => usize::from(Event::from_slice(black_box(ONMESSAGE)).is_ok()),
            "value" => usize::from(
                serde_json::from_slice::<serde_json::Value>(black_box(ONMESSAGE)).is_ok(),
            ),
            _ => return,
        };
    }
    println!("{mode}: {ok} of {ROUNDS} parsed");
}
