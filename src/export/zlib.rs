//! A PNG's image data (one zlib stream) compressed in strips on all cores.
//!
//! Why: encoding a 4,000 px picture with the png crate's fast mode (fdeflate) took a fifth
//! of its time, on one core. This is the same compression, cut into independent pieces:
//! fdeflate writes one deflate block with a fixed Huffman code made for filtered PNG rows
//! (every byte a literal, runs of zero bytes as matches at distance 1). Here each strip of
//! rows is such a block, not final, followed by an empty stored block so that it ends on a
//! byte (what zlib calls a sync flush); the strips are compressed in parallel and joined,
//! then an empty final block and the Adler-32 of the whole data (combined from the strips')
//! end the stream. A match never reaches back into the strip before, so any decoder reads
//! the joined stream as one.
//!
//! Deterministic: the strips are cut by row count (never by thread count) and each is a
//! pure function of its rows, so the same pixels give the same bytes on any machine.
//!
//! The code lengths and the block header are fdeflate's (MIT or Apache-2.0, like Lading).

use rayon::prelude::*;

use super::simd::wide;

/// Code length of each literal/length symbol (fdeflate's `HUFFMAN_LENGTHS`): short codes for
/// bytes near 0 and 255, which is what PNG filters leave.
const LENGTHS: [u8; 286] = [
    2, 3, 4, 5, 5, 6, 6, 7, 7, 7, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 10, 10, 10, 10, 10, 10, 10,
    10, 10, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 11, 11, 11, 11, 11, 11, 11,
    11, 11, 11, 10, 11, 10, 10, 10, 10, 10, 10, 10, 10, 10, 9, 9, 9, 9, 9, 8, 9, 8, 8, 8, 8, 8, 7,
    7, 7, 6, 6, 6, 5, 4, 3, 12, 12, 12, 9, 9, 11, 10, 11, 11, 10, 11, 11, 11, 11, 11, 11, 12, 11,
    12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 9,
];

/// The codes of [`LENGTHS`], canonical, bit-reversed (deflate writes codes from their top
/// bit into a stream read from the bottom bit of each byte).
const CODES: [u16; 286] = codes(&LENGTHS);

/// The zlib header (2 bytes), then a dynamic block's header that sets up [`LENGTHS`] and a
/// single distance code (of one bit, `0`, for distance 1): 51 bytes and the low 5 bits of
/// the last (fdeflate's, whose first bit marks the block final; [`block`] clears it).
const HEADER: [u8; 54] = [
    120, 1, 237, 192, 3, 160, 36, 89, 150, 198, 241, 255, 119, 238, 141, 200, 204, 167, 114, 75,
    99, 174, 109, 219, 182, 109, 219, 182, 109, 219, 182, 109, 105, 140, 158, 150, 74, 175, 158,
    50, 51, 34, 238, 249, 118, 183, 106, 122, 166, 135, 59, 107, 213, 15,
];

/// Deflate's length symbols: the shortest length of symbols 257.. and their extra bits.
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];

/// For a match of length 3..=258 (index: length − 3): its symbol's code and length, with
/// the extra bits' count (the distance code, one `0` bit, follows them).
const MATCH: [(u16, u8, u8); 256] = matches();

const fn codes(lengths: &[u8; 286]) -> [u16; 286] {
    let mut out = [0u16; 286];
    let mut code = 0u32;
    let mut len = 1;
    while len <= 15 {
        let mut i = 0;
        while i < lengths.len() {
            if lengths[i] == len {
                out[i] = (code as u16).reverse_bits() >> (16 - len);
                code += 1;
            }
            i += 1;
        }
        code <<= 1;
        len += 1;
    }
    out
}

const fn matches() -> [(u16, u8, u8); 256] {
    let mut out = [(0u16, 0u8, 0u8); 256];
    let mut length = 3usize;
    while length <= 258 {
        // The last symbol whose base is at most the length (258 has its own).
        let mut s = 0;
        while s + 1 < 29 && LENGTH_BASE[s + 1] as usize <= length && LENGTH_BASE[s + 1] < 258 {
            s += 1;
        }
        if length == 258 {
            s = 28;
        }
        let sym = 257 + s;
        out[length - 3] = (CODES[sym], LENGTHS[sym], LENGTH_EXTRA[s]);
        length += 1;
    }
    out
}

/// Bits written from the bottom of each byte up.
struct Bits {
    out: Vec<u8>,
    buffer: u64,
    nbits: u32,
}

impl Bits {
    #[inline(always)]
    fn put(&mut self, bits: u64, n: u32) {
        debug_assert!(n <= 48 && self.nbits < 64);
        self.buffer |= bits << self.nbits;
        self.nbits += n;
        if self.nbits >= 64 {
            self.out.extend_from_slice(&self.buffer.to_le_bytes());
            self.nbits -= 64;
            // The bits of `bits` that did not fit (none when it fit exactly).
            self.buffer = bits.checked_shr(n - self.nbits).unwrap_or(0);
        }
    }

    /// Pads with zero bits to a whole byte and writes out what is buffered.
    fn align(&mut self) {
        let bytes = self.nbits.div_ceil(8) as usize;
        self.out
            .extend_from_slice(&self.buffer.to_le_bytes()[..bytes]);
        self.buffer = 0;
        self.nbits = 0;
    }

    #[inline(always)]
    fn literal(&mut self, b: u8) {
        self.put(u64::from(CODES[b as usize]), u32::from(LENGTHS[b as usize]));
    }

    /// A run of `run` (≥ 1) zero bytes: a literal 0, then matches at distance 1.
    fn zeros(&mut self, run: u32) {
        self.literal(0);
        let mut left = run - 1;
        while left >= 258 {
            let (code, len, _) = MATCH[255];
            self.put(u64::from(code), u32::from(len) + 1);
            left -= 258;
        }
        // Up to four zeros cost less as literals (2 bits each) than as a match.
        if left > 4 {
            let (code, len, extra) = MATCH[left as usize - 3];
            // The extra bits are the length minus its symbol's base; bases − 3 are multiples
            // of 2^extra, so they are the low bits of length − 3.
            let value = u64::from((left - 3) & ((1 << extra) - 1));
            self.put(u64::from(code), u32::from(len));
            self.put(value, u32::from(extra) + 1);
        } else {
            for _ in 0..left {
                self.literal(0);
            }
        }
    }
}

/// Compresses `data` as one non-final block with the fixed code, then an empty stored block
/// (the next block starts on a byte), appended to `out`.
#[inline(always)]
fn block_body(data: &[u8], out: Vec<u8>) -> Vec<u8> {
    let mut bits = Bits {
        out,
        buffer: 0,
        nbits: 0,
    };
    bits.out.push(HEADER[2] & !1);
    bits.out.extend_from_slice(&HEADER[3..53]);
    bits.put(u64::from(HEADER[53]), 5);
    let mut run = 0u32;
    let mut chunks = data.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        if word == 0 {
            run += 8;
            continue;
        }
        // Zero bytes at the start continue the run; those at the end start the next.
        let lead = word.trailing_zeros() / 8;
        let tail = word.leading_zeros() / 8;
        if run + lead > 0 {
            bits.zeros(run + lead);
        }
        let rest = &chunk[lead as usize..8 - tail as usize];
        if rest.len() == 8 {
            // Four literals at a time (at most 48 bits).
            for quad in rest.chunks_exact(4) {
                let (n0, n1, n2, n3) = (
                    u32::from(LENGTHS[quad[0] as usize]),
                    u32::from(LENGTHS[quad[1] as usize]),
                    u32::from(LENGTHS[quad[2] as usize]),
                    u32::from(LENGTHS[quad[3] as usize]),
                );
                let v = u64::from(CODES[quad[0] as usize])
                    | u64::from(CODES[quad[1] as usize]) << n0
                    | u64::from(CODES[quad[2] as usize]) << (n0 + n1)
                    | u64::from(CODES[quad[3] as usize]) << (n0 + n1 + n2);
                bits.put(v, n0 + n1 + n2 + n3);
            }
        } else {
            for &b in rest {
                bits.literal(b);
            }
        }
        run = tail;
    }
    for &b in chunks.remainder() {
        if b == 0 {
            run += 1;
        } else {
            if run > 0 {
                bits.zeros(run);
                run = 0;
            }
            bits.literal(b);
        }
    }
    if run > 0 {
        bits.zeros(run);
    }
    // End of block, then a stored block (not final, type 00) of no bytes.
    bits.put(u64::from(CODES[256]), u32::from(LENGTHS[256]));
    bits.put(0, 3);
    bits.align();
    bits.out.extend_from_slice(&[0, 0, 0xff, 0xff]);
    bits.out
}

wide!(fn block(data: &[u8], out: Vec<u8>) -> Vec<u8> = block_body);

const ADLER_BASE: u64 = 65_521;

/// The Adler-32 of `a`'s data followed by `b`'s data of `len` bytes.
fn adler_combine(a: u32, b: u32, len: usize) -> u32 {
    let (a1, b1) = (u64::from(a & 0xffff), u64::from(a >> 16));
    let (a2, b2) = (u64::from(b & 0xffff), u64::from(b >> 16));
    let n = len as u64 % ADLER_BASE;
    let sum = (a1 + a2 + ADLER_BASE - 1) % ADLER_BASE;
    let high = (b1 + b2 + n * ((a1 + ADLER_BASE - 1) % ADLER_BASE)) % ADLER_BASE;
    (high << 16 | sum) as u32
}

/// A zlib stream of the bytes that `fill(first, end, buffer)` appends for rows `first..end`,
/// `rows` in all, compressed in strips of about `strip_bytes` bytes (`row_bytes` a row) on
/// all cores.
pub fn compress(
    rows: usize,
    row_bytes: usize,
    strip_bytes: usize,
    fill: impl Fn(usize, usize, &mut Vec<u8>) + Sync,
) -> Vec<u8> {
    let strip_rows = (strip_bytes / row_bytes.max(1)).max(1);
    let cuts: Vec<usize> = (0..rows.div_ceil(strip_rows))
        .map(|k| k * strip_rows)
        .chain([rows])
        .collect();
    compress_cut(&cuts, row_bytes, fill)
}

/// A zlib stream of the bytes that `fill(first, end, buffer)` appends for rows `first..end`,
/// compressed on all cores in the strips that begin at `cuts` (ascending; the last is the
/// end), each a block of its own: the same bytes on any number of cores.
pub fn compress_cut(
    cuts: &[usize],
    row_bytes: usize,
    fill: impl Fn(usize, usize, &mut Vec<u8>) + Sync,
) -> Vec<u8> {
    let joined = std::sync::Mutex::new((Joiner::default(), Vec::new()));
    compress_each(cuts, row_bytes, fill, |k, strip| {
        let mut guard = joined.lock().unwrap_or_else(|e| e.into_inner());
        let (joiner, out) = &mut *guard;
        let _ = joiner.push(k, strip, |bytes| {
            out.extend_from_slice(bytes);
            Ok::<(), std::convert::Infallible>(())
        });
    });
    let (joiner, mut out) = joined.into_inner().unwrap_or_else(|e| e.into_inner());
    out.extend_from_slice(&joiner.finish());
    out
}

/// One strip compressed: a deflate block (not final) ending on a byte, the Adler-32 of the
/// strip's data and the data's length.
pub struct Strip {
    bytes: Vec<u8>,
    adler: u32,
    len: usize,
}

/// Compresses the strips that begin at `cuts` (ascending; the last is the end) on all
/// cores, the bytes of rows `first..end` made by `fill(first, end, buffer)`, and hands each
/// to `done(strip number, strip)` as soon as it is compressed (in any order; join them with
/// a [`Joiner`]).
pub fn compress_each(
    cuts: &[usize],
    row_bytes: usize,
    fill: impl Fn(usize, usize, &mut Vec<u8>) + Sync,
    done: impl Fn(usize, Strip) + Sync,
) {
    // One strip a job: a worker that runs out of strips takes the next one from another's
    // share, instead of waiting while that share's last strips (the legend's, the
    // labels', several milliseconds each) are done one after another.
    cuts.par_windows(2)
        .enumerate()
        .with_max_len(1)
        .for_each(|(k, c)| {
            let (first, end) = (c[0], c[1]);
            let strip = DATA.with_borrow_mut(|data| {
                data.clear();
                data.reserve((end - first) * row_bytes);
                fill(first, end, data);
                let mut adler = simd_adler32::Adler32::new();
                adler.write(data);
                let bytes = block(data, Vec::with_capacity(data.len() / 4 + 64));
                Strip {
                    bytes,
                    adler: adler.finish(),
                    len: data.len(),
                }
            });
            done(k, strip);
        });
}

/// Joins strips handed over in any order into one zlib stream, passing its bytes on in
/// order as soon as the strips before have come: the header with the first strip, each
/// strip's block, then [`Joiner::finish`]'s end.
#[derive(Default)]
pub struct Joiner {
    /// The strips passed on so far.
    next: usize,
    /// Strips that came before one they follow.
    waiting: std::collections::BTreeMap<usize, Strip>,
    /// The Adler-32 of the data passed on so far (after [`Joiner::next`] is 0: none yet).
    adler: u32,
}

impl Joiner {
    /// Takes strip `k` (numbered from 0); passes every strip now in order to `emit`, the
    /// first one with the stream's header before it. Stops at `emit`'s first error.
    pub fn push<E>(
        &mut self,
        k: usize,
        strip: Strip,
        mut emit: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        self.waiting.insert(k, strip);
        while let Some(strip) = self.waiting.remove(&self.next) {
            if self.next == 0 {
                let mut first = Vec::with_capacity(strip.bytes.len() + 2);
                first.extend_from_slice(&HEADER[..2]);
                first.extend_from_slice(&strip.bytes);
                emit(&first)?;
                self.adler = 1;
            } else {
                emit(&strip.bytes)?;
            }
            self.adler = adler_combine(self.adler, strip.adler, strip.len);
            self.next += 1;
        }
        Ok(())
    }

    /// The stream's end, once every strip was passed on (the header too when there were
    /// none): an empty final block with the fixed codes (`03 00`), then the checksum.
    pub fn finish(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8);
        let adler = if self.next == 0 {
            out.extend_from_slice(&HEADER[..2]);
            1
        } else {
            self.adler
        };
        out.extend_from_slice(&[3, 0]);
        out.extend_from_slice(&adler.to_be_bytes());
        out
    }
}

thread_local! {
    /// A strip's uncompressed bytes, kept for the thread's next strip.
    static DATA: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adler(data: &[u8]) -> u32 {
        let mut a = simd_adler32::Adler32::new();
        a.write(data);
        a.finish()
    }

    #[test]
    fn adler_checksums_combine() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        for cut in [0, 1, 5551, 5552, 100_000, 199_999, 200_000] {
            let (a, b) = data.split_at(cut);
            assert_eq!(adler_combine(adler(a), adler(b), b.len()), adler(&data));
        }
    }

    /// The stream decoded by the png crate, as the image data of a grey picture whose rows
    /// are `row_bytes` long (a filter byte, 0, and the pixels), back as rows.
    fn inflate(z: &[u8], rows: usize, row_bytes: usize) -> Vec<u8> {
        let mut file = Vec::new();
        {
            let mut e = ::png::Encoder::new(&mut file, row_bytes as u32 - 1, rows as u32);
            e.set_color(::png::ColorType::Grayscale);
            let mut w = e.write_header().unwrap();
            w.write_chunk(::png::chunk::IDAT, z).unwrap();
            w.finish().unwrap();
        }
        let mut d = ::png::Decoder::new(std::io::Cursor::new(file))
            .read_info()
            .unwrap();
        let mut pixels = vec![0; d.output_buffer_size().unwrap()];
        d.next_frame(&mut pixels).unwrap();
        pixels
            .chunks_exact(row_bytes - 1)
            .flat_map(|r| std::iter::once(0).chain(r.iter().copied()))
            .collect()
    }

    /// Rows of bytes like filtered picture rows: long zero runs, small values, noise.
    fn sample_rows(rows: usize, row_bytes: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(rows * row_bytes);
        let mut seed = 12345u32;
        for y in 0..rows {
            for x in 0..row_bytes {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let noise = (seed >> 16) as u8;
                v.push(match (y % 7, x % 300) {
                    _ if x == 0 => 0,
                    (0, _) => 0,
                    (1, 0..=120) => 0,
                    (2, _) => noise,
                    (3, 100..=140) => noise % 5,
                    (4, 7..=270) => 0,
                    _ if x % 13 == 0 => 255,
                    _ => (x % 3) as u8 * (y % 2) as u8,
                });
            }
        }
        v
    }

    #[test]
    fn the_joined_strips_are_one_zlib_stream_of_the_data() {
        for (rows, row_bytes, strip) in [
            (1, 2, 1),
            (3, 5, 7),
            (50, 301, 301 * 4),
            (97, 1203, 5000),
            (40, 999, 1 << 20),
            (2, 70_000, 1),
            (5, 2, 3),
        ] {
            let data = sample_rows(rows, row_bytes);
            let z = compress(rows, row_bytes, strip, |a, b, out| {
                out.extend_from_slice(&data[a * row_bytes..b * row_bytes]);
            });
            let back = inflate(&z, rows, row_bytes);
            assert!(back == data, "{rows} × {row_bytes} by {strip}");
            // The same bytes however the strips are scheduled.
            let again = compress(rows, row_bytes, strip, |a, b, out| {
                out.extend_from_slice(&data[a * row_bytes..b * row_bytes]);
            });
            assert_eq!(z, again);
        }
        // Runs longer than a match, at every offset within a word.
        for lead in 0..9 {
            let mut data = vec![0u8];
            data.extend(std::iter::repeat_n(1, lead));
            data.extend(std::iter::repeat_n(0, 1000));
            data.push(9);
            let z = compress(1, data.len(), 1 << 20, |_, _, out| {
                out.extend_from_slice(&data)
            });
            assert_eq!(inflate(&z, 1, data.len()), data);
        }
    }
}
