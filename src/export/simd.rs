//! The painter's hot loops compiled twice: for any x86-64 CPU (SSE2), and for those with
//! AVX2 (wider vectors, a rounding instruction for `floor`), picked at run time.
//!
//! Why: a release build targets every x86-64 CPU, so the loops that paint, composite and
//! compress a picture's pixels ran four 32-bit lanes wide where the machine has eight. Both copies are the same code (a generic body inlined into each): integer
//! arithmetic, and IEEE f32 operations without fused multiply-adds (Rust never contracts
//! them), give the same bits in either, so a picture is the same bytes on any machine.

/// Tests set this to run the copies for any CPU, to compare them with the AVX2 ones.
#[cfg(test)]
pub(crate) static BASELINE_ONLY: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Whether this CPU runs the AVX2 copies (checked once; the standard library caches it).
#[inline(always)]
pub(super) fn avx2() -> bool {
    #[cfg(test)]
    if BASELINE_ONLY.load(std::sync::atomic::Ordering::Relaxed) {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Defines `$name` to run `$body` (a function marked `#[inline(always)]`) with AVX2 where
/// the CPU has it: `wide!(fn name(args) -> R = body);`.
macro_rules! wide {
    ($(#[$m:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? = $body:path) => {
        $(#[$m])*
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                unsafe fn with_avx2($($arg: $ty),*) $(-> $ret)? {
                    $body($($arg),*)
                }
                if $crate::export::simd::avx2() {
                    // SAFETY: the CPU has AVX2 (checked just now).
                    return unsafe { with_avx2($($arg),*) };
                }
            }
            $body($($arg),*)
        }
    };
}
pub(super) use wide;
