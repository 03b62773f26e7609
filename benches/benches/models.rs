//! Parsing realistic `onmessage` webhook bodies into [`Event`] beside parsing the same bytes into
//! `serde_json::Value` (the baseline).
//!
//! `cargo bench -p wppconnect-benches --bench models`

#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
use wppconnect_models::Event;

/// A text message in a private chat, as the server posts it (2.2 KB).
const ONMESSAGE: &[u8] = include_bytes!("onmessage.json");
/// An image with the server's auto-download: the JPEG inline in `body`.
const ONMESSAGE_IMAGE: &[u8] = include_bytes!("onmessage-image.json");

fn parse(c: &mut Criterion) {
    for (name, body) in [
        ("parse_onmessage", ONMESSAGE),
        ("parse_onmessage_image", ONMESSAGE_IMAGE),
    ] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function("baseline_serde_json_value", |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)))
        });
        group.bench_function("event_from_slice", |b| {
            b.iter(|| Event::from_slice(black_box(body)))
        });
        group.bench_function("event_serialize_back", |b| {
            b.iter_batched(
                || Event::from_slice(body),
                |event| event.map(|e| serde_json::to_vec(&e)),
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, parse);
criterion_main!(benches);
