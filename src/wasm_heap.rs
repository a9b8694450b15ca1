//! The page's heap grows in large steps (wasm32 only).
//!
//! On `wasm32-unknown-unknown` the standard allocator (dlmalloc) grows the WebAssembly memory by
//! as little as each allocation needs, a page or two of 64 KiB at a time. A big cluster
//! allocates steadily (its logs keep their batches: about 25 MB per simulated second at 30
//! brokers × 1,000 partitions), and in V8 a `memory.grow` costs more the larger the memory is
//! (measured in Node: growing by 88 MB in 64 KiB blocks took 178 ms from 1.4 MB, by 178 MB from
//! 180 MB took 944 ms, with most of the run's time then in the garbage collector), so the run
//! slows down as it goes.
//!
//! [`GeometricHeap`] wraps the standard allocator and keeps count of the bytes in use; when they
//! pass three quarters of the heap, it grows the heap by half its size (between [`MIN_STEP`]
//! and [`MAX_STEP`]) in one allocation that it frees at once: the allocator takes it from the
//! memory in one `memory.grow` and keeps it as free space, as a vector grows its buffer.
//! Measured in Node on `benches/scaling/scale-30x1000.json` (5 simulated s, 3 runs each,
//! alternately): 9.5 s → 4.7–5.1 s, with 197 MB of memory instead of 152 MB; at 3 × 6 (10
//! simulated s, 18 MB) no measurable change. What it costs: up to a third of the heap unused,
//! and an addition and a comparison per allocation.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Bytes the heap grows by at least.
pub const MIN_STEP: usize = 16 << 20;
/// Bytes the heap grows by at most in one step (a 2 GB heap grows by 256 MB, not 1 GB).
pub const MAX_STEP: usize = 256 << 20;

/// The allocator of the wasm build: see the module documentation.
pub struct GeometricHeap;

/// Bytes in use, as the allocator was asked (sizes of live allocations).
static IN_USE: AtomicUsize = AtomicUsize::new(0);
/// Bytes in use above which [`GeometricHeap::grow`] looks at the heap (three quarters of it at
/// the last look).
static THRESHOLD: AtomicUsize = AtomicUsize::new(0);

#[cfg(target_arch = "wasm32")]
extern "C" {
    /// Where the heap begins (after the stack and static data), set by the linker.
    static __heap_base: u8;
}

/// Bytes of the heap: the WebAssembly memory past [`__heap_base`] (its ceiling before it
/// grows).
fn heap_bytes() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        // Only the symbol's address is taken (no read).
        let base = std::ptr::addr_of!(__heap_base) as usize;
        (core::arch::wasm32::memory_size(0) * (64 << 10)).saturating_sub(base)
    }
    #[cfg(not(target_arch = "wasm32"))]
    usize::MAX
}

/// The step when `in_use` bytes (after the coming allocation) pass three quarters of a heap of
/// `heap` bytes: half the heap, between [`MIN_STEP`] and [`MAX_STEP`]; `None` while there is
/// room.
pub fn step_for(in_use: usize, heap: usize) -> Option<usize> {
    (in_use > heap / 4 * 3).then(|| (heap / 2).clamp(MIN_STEP, MAX_STEP))
}

impl GeometricHeap {
    /// Grows the heap ahead of an allocation of `extra` bytes if it is getting full. The fast
    /// path is one comparison with the threshold of the last check.
    #[inline]
    fn reserve(extra: usize) {
        if IN_USE.load(Relaxed).saturating_add(extra) > THRESHOLD.load(Relaxed) {
            Self::grow(extra);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(extra: usize) {
        let (in_use, heap) = (IN_USE.load(Relaxed).saturating_add(extra), heap_bytes());
        let Some(step) = step_for(in_use, heap) else {
            // The allocator grew the heap by itself since the last check.
            THRESHOLD.store(heap / 4 * 3, Relaxed);
            return;
        };
        // The heap's free bytes plus the step, so the heap ends up a step larger.
        let fill = heap.saturating_sub(in_use).saturating_add(step);
        // One allocation: the allocator extends its heap for it in one `memory.grow`, and on
        // free it joins the heap's free space. If it fails (the memory's limit is near), the
        // allocation that asked goes on as it would have without this wrapper.
        if let Ok(layout) = Layout::from_size_align(fill, 8) {
            // SAFETY: a non-zero size; freed at once with the same layout.
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                unsafe { System.dealloc(p, layout) };
            }
        }
        THRESHOLD.store(heap_bytes() / 4 * 3, Relaxed);
    }
}

// SAFETY: every call is passed on to `System` unchanged; the wrapper only counts bytes and
// makes `System` grow its heap in advance.
unsafe impl GlobalAlloc for GeometricHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::reserve(layout.size());
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            IN_USE.fetch_add(layout.size(), Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::reserve(layout.size());
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            IN_USE.fetch_add(layout.size(), Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Self::reserve(new_size.saturating_sub(layout.size()));
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            IN_USE.fetch_add(new_size, Relaxed);
            IN_USE.fetch_sub(layout.size(), Relaxed);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heap_grows_by_half_past_three_quarters() {
        let mb = 1 << 20;
        assert_eq!(step_for(10 * mb, 64 * mb), None);
        assert_eq!(step_for(48 * mb, 64 * mb), None);
        assert_eq!(step_for(48 * mb + 1, 64 * mb), Some(32 * mb));
        // A small memory grows by at least MIN_STEP.
        assert_eq!(step_for(2 * mb, 2 * mb), Some(MIN_STEP));
        assert_eq!(step_for(300 * mb, 256 * mb), Some(128 * mb));
        // A big one by at most MAX_STEP.
        assert_eq!(step_for(2000 * mb, 2048 * mb), Some(MAX_STEP));
    }
}
