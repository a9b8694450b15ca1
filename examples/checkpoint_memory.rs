//! The timeline's checkpoint memory (issue 17): plays a scenario (default: the page's reference
//! workload, `quickstart`) for N simulated seconds in 100 ms frames as the page does, keeping
//! checkpoints as the page's timeline does, and prints the bytes the checkpoints hold (a
//! counting allocator: bytes allocated by cloning each checkpoint's session, and the live heap)
//! and how long jumping back 60 simulated seconds takes natively.
//!
//! `cargo run --release --example checkpoint_memory -- [SECONDS] [PRESET]`
#[cfg(not(target_arch = "wasm32"))]
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use kafka_sim::engine::time::{MILLIS, SECONDS};
use kafka_sim::view_model::session::Session;
use kafka_sim::view_model::timeline::Timeline;

// A counting allocator, natively only (the wasm build has the library's
// `wasm_heap::GeometricHeap` as its global allocator, and a binary has one).
#[cfg(not(target_arch = "wasm32"))]
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

#[cfg(not(target_arch = "wasm32"))]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new, Ordering::Relaxed);
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.realloc(p, l, new) }
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static A: Counting = Counting;

fn main() {
    let secs: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3600);
    let name = std::env::args()
        .nth(2)
        .unwrap_or_else(|| "quickstart".into());
    let mut sc = kafka_sim::scenario_file::presets::preset(&name).expect("a preset name");
    sc.duration_ms = sc.duration_ms.max(secs * 1000);
    let mut s = Session::new(sc);
    let mut tl = Timeline::new(&s);
    let t0 = std::time::Instant::now();
    let mut report_at = 300;
    while s.engine().now() < secs * SECONDS {
        let t = s.engine().now() + 100 * MILLIS;
        s.run_to(t);
        tl.observe(&mut s);
        if s.engine().now() >= report_at * SECONDS {
            report_at += 300;
            let before = LIVE.load(Ordering::Relaxed);
            let one = s.clone();
            let per = LIVE.load(Ordering::Relaxed) - before;
            drop(one);
            println!(
                "t = {:>5} s: {} checkpoints ({:.0} MB estimated), one session clone {:.2} MB (estimated {:.2} MB; the session {:.2} MB), live heap {:.1} MB",
                s.engine().now() / SECONDS,
                tl.checkpoint_times().len(),
                tl.checkpoint_bytes() as f64 / 1e6,
                per as f64 / 1e6,
                kafka_sim::view_model::timeline::clone_bytes(&s) as f64 / 1e6,
                kafka_sim::view_model::timeline::approx_bytes(&s) as f64 / 1e6,
                LIVE.load(Ordering::Relaxed) as f64 / 1e6
            );
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let before = LIVE.load(Ordering::Relaxed);
    let one = s.clone();
    let per = LIVE.load(Ordering::Relaxed) - before;
    drop(one);
    let live = LIVE.load(Ordering::Relaxed);
    println!(
        "{name}, {secs} simulated s in {wall:.1} s wall: {} checkpoints; one session clone {:.2} MB; live heap with the checkpoints {:.1} MB",
        tl.checkpoint_times().len(),
        per as f64 / 1e6,
        live as f64 / 1e6
    );
    let end = s.engine().now();
    let times = tl.checkpoint_times();
    println!(
        "checkpoints at 0 s and from {} s to {} s",
        times.get(1).copied().unwrap_or(0) / SECONDS,
        times.last().copied().unwrap_or(0) / SECONDS
    );
    let (mut s2, mut tl2) = (s.clone(), tl.clone());
    let t1 = std::time::Instant::now();
    tl2.seek(&mut s2, end - 60 * SECONDS);
    println!(
        "jump back 60 s: {:.1} ms (native release)",
        t1.elapsed().as_secs_f64() * 1e3
    );
    drop((s2, tl2));
    let estimated = tl.checkpoint_bytes();
    let before = LIVE.load(Ordering::Relaxed);
    drop(tl);
    let freed = before - LIVE.load(Ordering::Relaxed);
    println!(
        "the checkpoints held {:.1} MB beyond the run (freed when dropped; estimated {:.1} MB)",
        freed as f64 / 1e6,
        estimated as f64 / 1e6
    );
}
