// The import frees every record on a thread other than the one that parsed it, which
// glibc's allocator makes slow; mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    #[cfg(feature = "purge-at-once")]
    return_freed_memory_at_once();
    leadbox::cli::main()
}

/// mimalloc keeps freed memory for a second before giving it back to the system; this makes
/// it give it back at once (the option `MIMALLOC_PURGE_DELAY=0`, which an environment
/// variable still overrides). It takes an FFI call with a number of mimalloc's own, so it is
/// a feature of its own, off by default: BENCHMARKS.md has what it saves.
#[cfg(feature = "purge-at-once")]
#[allow(unsafe_code)]
fn return_freed_memory_at_once() {
    use std::ffi::{c_int, c_long};
    /// mimalloc 3's `mi_option_purge_delay`. Its default, 1000 ms, identifies it.
    const PURGE_DELAY: c_int = 15;
    const PURGE_DELAY_DEFAULT: c_long = 1000;
    extern "C" {
        fn mi_option_get(option: c_int) -> c_long;
        fn mi_option_set(option: c_int, value: c_long);
    }
    // SAFETY: plain C functions of the mimalloc linked in as the allocator, taking and
    // returning integers. The option is changed only while it holds purge_delay's default,
    // so a mimalloc that numbers its options differently is left as it is.
    unsafe {
        if mi_option_get(PURGE_DELAY) == PURGE_DELAY_DEFAULT {
            mi_option_set(PURGE_DELAY, 0);
        }
    }
}
