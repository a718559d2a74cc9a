//! What later primitives cover, for the bands' walk of [`super`]: a bit per pixel of a band
//! that an opaque primitive copies its colour onto (and, per group of [`GROUP_ROWS`] rows,
//! the bits set on all of them), and a cheap superset of a strip's pixels on each row
//! ([`Reach`]) that rules out its hidden rows, eight at a time where it can, before their
//! exact spans are worked out. Only which rows and pixels are skipped comes from here, never
//! a pixel's value: the picture is the same bits with or without it.

use super::paint::{BAND_ROWS, MARGIN, floor};
use super::{Prim, Shape};

/// Asks the CPU to bring a primitive into its cache (a hint: nothing else changes).
#[inline(always)]
pub(super) fn prefetch(p: &Prim) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let at: *const i8 = (p as *const Prim).cast();
        // SAFETY: SSE is part of every x86-64 CPU, and a prefetch never faults nor reads
        // anything the program sees (the addresses are the primitive's own bytes anyway).
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(at);
            _mm_prefetch::<_MM_HINT_T0>(at.wrapping_add(64));
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// The first pixel in `from..=to` whose bit is clear.
pub(super) fn first_clear(bits: &[u64], from: i32, to: i32) -> Option<i32> {
    let mut x = from;
    while x <= to {
        let free = !bits[(x >> 6) as usize] >> (x & 63);
        if free != 0 {
            let z = x + free.trailing_zeros() as i32;
            return (z <= to).then_some(z);
        }
        x = (x | 63) + 1;
    }
    None
}

/// The last pixel at or before `to` whose bit is clear (there must be one).
pub(super) fn last_clear(bits: &[u64], to: i32) -> i32 {
    let mut x = to;
    loop {
        let free = !bits[(x >> 6) as usize] << (63 - (x & 63));
        if free != 0 {
            return x - free.leading_zeros() as i32;
        }
        x = (x & !63) - 1;
    }
}

/// Sets the bits of pixels `from..=to`.
pub(super) fn set_bits(bits: &mut [u64], from: i32, to: i32) {
    let (a, b) = (from as usize, to as usize);
    for (k, word) in bits.iter_mut().enumerate().take(b / 64 + 1).skip(a / 64) {
        let lo = if k == a / 64 { a % 64 } else { 0 };
        let hi = if k == b / 64 { b % 64 } else { 63 };
        *word |= (u64::MAX >> (63 - hi)) & (u64::MAX << lo);
    }
}

/// A strip's pixels on each row, a superset of [`super::Strokes::row_spans`]'s `x0..=x1` (twice its
/// margin, far above the rounding of either), worked out with fewer steps: the bands' walk
/// over a pile of links uses it to skip the rows whose pixels later links all cover.
pub(super) struct Reach {
    s: [f32; 2],
    u: [f32; 2],
    /// 1 / u.x and the ends of the distance along the strip, ordered so that the pixels'
    /// centres run from `(along[0] - dy u.y) / u.x` to `(along[1] - dy u.y) / u.x`.
    inv_x: f32,
    along: [f32; 2],
    /// −1 / u.y and the ends of the distance across, ordered likewise.
    inv_y: f32,
    across: [f32; 2],
    /// Pixels of the picture the strip's box holds, as floats.
    within: [f32; 2],
}

impl Reach {
    /// For a strip not along an axis (those have few rows or are rare; `None`: the exact
    /// spans only).
    #[inline(always)]
    pub(super) fn of(p: &Prim, w: usize) -> Option<Reach> {
        let Shape::Strip {
            a: s,
            u,
            inv,
            len,
            hw,
            thin,
        } = p.shape
        else {
            return None;
        };
        if inv[0] == 0.0 || inv[1] == 0.0 {
            return None;
        }
        let m = 2.0 * MARGIN;
        let reach = if thin.is_some() { 1.0 } else { hw + 0.5 } + m;
        let along = [-0.5 - m, len + 0.5 + m];
        let across = [-reach, reach];
        let inv_y = -inv[1];
        Some(Reach {
            s,
            u,
            inv_x: inv[0],
            along: if inv[0] > 0.0 {
                along
            } else {
                [along[1], along[0]]
            },
            inv_y,
            across: if inv_y > 0.0 {
                across
            } else {
                [across[1], across[0]]
            },
            within: [p.bbox[0].max(0) as f32, p.bbox[2].min(w as i32 - 1) as f32],
        })
    }

    /// The bounds of the pixels' centres on row `y`: from along the strip and across it,
    /// the lower bounds, then the upper ones (each a linear function of the row).
    #[inline(always)]
    fn bounds(&self, y: i32) -> [f32; 4] {
        let dy = y as f32 + 0.5 - self.s[1];
        let (c_along, c_across) = (dy * self.u[1], dy * self.u[0]);
        [
            (self.along[0] - c_along) * self.inv_x,
            (self.across[0] - c_across) * self.inv_y,
            (self.along[1] - c_along) * self.inv_x,
            (self.across[1] - c_across) * self.inv_y,
        ]
    }

    /// The pixels `x0, x1` whose centres lie from `lo` to `hi` (past the strip's box:
    /// clamped to it; `max` and `min` drop a NaN, which gives the widest row, never a
    /// narrower one).
    #[inline(always)]
    fn pixels(&self, lo: f32, hi: f32) -> (i32, i32) {
        let (w0, w1) = (self.within[0], self.within[1]);
        let a = (self.s[0] - 0.5 + lo).max(w0 - 1.0).min(w1 + 1.0);
        let b = (self.s[0] - 0.5 + hi).max(w0 - 1.0).min(w1 + 1.0);
        ((-floor(-a)).max(w0 as i32), floor(b).min(w1 as i32))
    }

    /// Which of the rows `ya..ya + n` (at most 64, in a band from `y0` whose covered pixels
    /// are `covered`, `words` a row, `groups` those covered on every row of each group
    /// of [`GROUP_ROWS`], and `whole` those covered on all its rows) have every pixel the
    /// strip may touch covered (or none): bit `k` for row `ya + k`. All the rows are ruled
    /// out at once where the union of their pixels is covered on all the band's rows (the
    /// union: each bound's extreme over the first and last rows, as each is linear); else
    /// a group's rows together where their union is covered on all of them; else row by row.
    #[inline(always)]
    pub(super) fn hidden_rows(
        &self,
        ya: i32,
        n: usize,
        y0: i32,
        (covered, groups, whole): (&[u64], &[u64], &[u64]),
        words: usize,
    ) -> u64 {
        let n = n.min(BAND_ROWS);
        if n == 0 {
            return 0;
        }
        let all_rows = u64::MAX >> (64 - n);
        if self.union_hidden(ya, ya + n as i32 - 1, whole) {
            return all_rows;
        }
        let rel = (ya - y0) as usize;
        let mut hidden = 0u64;
        let mut k = 0;
        while k < n {
            let g = (rel + k) / GROUP_ROWS;
            let end = ((g + 1) * GROUP_ROWS - rel).min(n);
            if end - k >= 2
                && self.union_hidden(
                    ya + k as i32,
                    ya + end as i32 - 1,
                    &groups[g * words..][..words],
                )
            {
                hidden |= (u64::MAX >> (64 - (end - k))) << k;
                k = end;
                continue;
            }
            for k in k..end {
                let c = self.bounds(ya + k as i32);
                let (a, b) = self.pixels(c[0].max(c[1]), c[2].min(c[3]));
                let row = &covered[(rel + k) * words..][..words];
                let all = if a > b {
                    true
                } else if b - a < 64 {
                    // One word or two.
                    let (k0, k1) = ((a >> 6) as usize, (b >> 6) as usize);
                    let top = u64::MAX >> (63 - (b & 63));
                    let m0 = (u64::MAX << (a & 63)) & if k1 == k0 { top } else { u64::MAX };
                    let m1 = if k1 == k0 { 0 } else { top };
                    (row[k0] & m0 == m0) & (row[k1] & m1 == m1)
                } else {
                    first_clear(row, a, b).is_none()
                };
                hidden |= u64::from(all) << k;
            }
            k = end;
        }
        hidden
    }
}

impl Reach {
    /// Whether every pixel the strip may touch on rows `top..=bottom` is set in `bits`
    /// (or there are none).
    #[inline(always)]
    fn union_hidden(&self, top: i32, bottom: i32, bits: &[u64]) -> bool {
        let (t, b) = (self.bounds(top), self.bounds(bottom));
        let all: f32 = t.iter().chain(&b).sum();
        if all.is_nan() {
            return false;
        }
        let lo = t[0].min(b[0]).max(t[1].min(b[1]));
        let hi = t[2].max(b[2]).min(t[3].max(b[3]));
        let (a, b) = self.pixels(lo, hi);
        a > b || first_clear(bits, a, b).is_none()
    }
}

/// Rows of a band whose covered pixels are also kept together (see [`Reach::hidden_rows`]).
pub(super) const GROUP_ROWS: usize = 8;
