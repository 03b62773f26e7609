//! Parsing a realistic `onmessage` webhook body into [`Event`] beside parsing the same bytes into
//! `serde_json::Value` (the baseline).
//!
//! `cargo bench -p wppconnect-benches --bench models`

#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
use wppconnect_models::Event;

const ONMESSAGE: &[u8] = include_bytes!("onmessage.json");

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_onmessage");
    group.throughput(Throughput::Bytes(ONMESSAGE.len() as u64));
    group.bench_function("baseline_serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(ONMESSAGE)))
    });
    group.bench_function("event_from_slice", |b| {
        b.iter(|| Event::from_slice(black_box(ONMESSAGE)))
    });
    group.bench_function("event_to_value_round_trip", |b| {
        b.iter_batched(
            || Event::from_slice(ONMESSAGE),
            |event| event.map(|e| e.to_value()),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
