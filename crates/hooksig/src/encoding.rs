//! Signature text to bytes and back.
//!
//! Decoding and comparing are branch-free in the values of the received signature
//! and of the expected MAC: every character is decoded with arithmetic (no table, no
//! branch), validity is accumulated as a mask, and the result is a `subtle::Choice`.
//! Only lengths, which are public, decide branches. The valgrind test at the end of
//! this file checks that with memcheck.

use base64ct::{Base64, Base64UrlUnpadded, Encoding as _};
use subtle::{Choice, ConstantTimeEq};

use crate::scheme::Encoding;

/// The longest MAC, HMAC-SHA512's, in bytes.
pub(crate) const MAX_MAC_LEN: usize = 64;

impl Encoding {
    /// Returns whether `text` encodes exactly `expected`, in constant time.
    ///
    /// A text of the wrong length for `expected` (hex; base64 with or without
    /// padding) does not match; nothing else about it is looked at before the end.
    pub(crate) fn matches(self, text: &[u8], expected: &[u8]) -> Choice {
        let len = expected.len();
        let mut decoded = [0u8; MAX_MAC_LEN];
        let decoded = &mut decoded[..len];
        let invalid = match self {
            Encoding::Hex if text.len() == 2 * len => decode_hex(text, decoded),
            Encoding::Base64 | Encoding::Base64url => {
                let url = self == Encoding::Base64url;
                let unpadded = (4 * len).div_ceil(3);
                if text.len() == unpadded {
                    decode_base64(text, decoded, url)
                } else if text.len() == len.div_ceil(3) * 4 {
                    let (body, padding) = text.split_at(unpadded);
                    // Every padding character must be `=`.
                    let pad = padding
                        .iter()
                        .fold(0u16, |acc, &c| acc | u16::from(c ^ b'='));
                    decode_base64(body, decoded, url) | pad
                } else {
                    return Choice::from(0);
                }
            }
            Encoding::Hex => return Choice::from(0),
        };
        // One mask for the whole comparison, then one `Choice`: a `Choice` per byte
        // costs an optimisation barrier per byte, and this runs per candidate.
        let differ = decoded
            .iter()
            .zip(expected)
            .fold(invalid, |acc, (a, b)| acc | u16::from(a ^ b));
        differ.ct_eq(&0)
    }

    /// Encodes a MAC the way the provider writes it (lower-case hex; padded base64;
    /// unpadded base64url).
    pub(crate) fn encode(self, mac: &[u8]) -> String {
        match self {
            Encoding::Hex => base16ct::lower::encode_string(mac),
            Encoding::Base64 => Base64::encode_string(mac),
            Encoding::Base64url => Base64UrlUnpadded::encode_string(mac),
        }
    }
}

/// Returns `value - low + c + 1` when `low <= c <= high`, else 0; without a branch.
#[inline(always)]
fn in_range(c: i32, low: i32, high: i32, value: i32) -> i32 {
    // (low - 1 - c) and (c - high - 1) are both negative exactly inside the range.
    (((low - 1 - c) & (c - high - 1)) >> 16) & (c - low + value + 1)
}

/// One hex digit (either case) to 0..=15, or -1 for anything else.
#[inline(always)]
fn hex_digit(c: u8) -> i32 {
    let c = i32::from(c);
    -1 + in_range(c, 0x30, 0x39, 0) + in_range(c, 0x41, 0x46, 10) + in_range(c, 0x61, 0x66, 10)
}

/// One base64 character to 0..=63, or -1; `url` picks `-_` over `+/` (public).
#[inline(always)]
fn base64_digit(c: u8, url: bool) -> i32 {
    let c = i32::from(c);
    let (c62, c63) = if url { (0x2d, 0x5f) } else { (0x2b, 0x2f) };
    -1 + in_range(c, 0x41, 0x5a, 0)
        + in_range(c, 0x61, 0x7a, 26)
        + in_range(c, 0x30, 0x39, 52)
        + in_range(c, c62, c62, 62)
        + in_range(c, c63, c63, 63)
}

/// Decodes `2 * out.len()` hex digits; returns non-zero when any was invalid.
fn decode_hex(text: &[u8], out: &mut [u8]) -> u16 {
    let mut invalid = 0i32;
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let (hi, lo) = (hex_digit(pair[0]), hex_digit(pair[1]));
        // A -1 digit sets the sign bit; a valid one never does.
        invalid |= hi | lo;
        *byte = ((hi << 4) | lo) as u8;
    }
    (invalid >> 31) as u16 & 1
}

/// Decodes unpadded base64 of exactly `out.len()` bytes; returns non-zero when a
/// character was invalid or the unused trailing bits were not zero (non-canonical).
fn decode_base64(text: &[u8], out: &mut [u8], url: bool) -> u16 {
    let mut invalid = 0i32;
    // Whole groups: 4 characters to 3 bytes.
    let groups = text.len() / 4;
    for (src, dst) in text.chunks_exact(4).zip(out.chunks_exact_mut(3)) {
        let (a, b, c, d) = (
            base64_digit(src[0], url),
            base64_digit(src[1], url),
            base64_digit(src[2], url),
            base64_digit(src[3], url),
        );
        // A -1 digit sets bits above the low six; a valid one never does.
        invalid |= (a | b | c | d) & !0x3f;
        let n = (a << 18) | (b << 12) | (c << 6) | d;
        dst[0] = (n >> 16) as u8;
        dst[1] = (n >> 8) as u8;
        dst[2] = n as u8;
    }
    // The tail: 2 or 3 characters to 1 or 2 bytes; the rest of its bits must be zero.
    let (src, dst) = (&text[groups * 4..], &mut out[groups * 3..]);
    let mut n = 0i32;
    for &c in src {
        let digit = base64_digit(c, url);
        invalid |= digit & !0x3f;
        n = (n << 6) | (digit & 0x3f);
    }
    let bits = 6 * src.len() as u32;
    let spare = bits % 8;
    for (i, byte) in dst.iter_mut().enumerate() {
        *byte = (n >> (bits - 8 * (i as u32 + 1))) as u8;
    }
    invalid |= n & ((1 << spare) - 1);
    // 1 when any bit is set, without a comparison.
    ((invalid | invalid.wrapping_neg()) >> 31) as u16 & 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(encoding: Encoding, text: &str, expected: &[u8]) -> bool {
        encoding.matches(text.as_bytes(), expected).into()
    }

    #[test]
    fn round_trips_every_encoding_and_length() {
        for len in [1, 2, 3, 20, 32, 64] {
            let mac: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(37)).collect();
            for encoding in [Encoding::Hex, Encoding::Base64, Encoding::Base64url] {
                let text = encoding.encode(&mac);
                assert!(matches(encoding, &text, &mac), "{encoding:?} {text}");
                let mut other = mac.clone();
                other[len - 1] ^= 1;
                assert!(!matches(encoding, &text, &other), "{encoding:?} {text}");
            }
        }
    }

    #[test]
    fn hex_accepts_either_case_and_base64_either_padding() {
        assert!(matches(Encoding::Hex, "aBcD", &[0xab, 0xcd]));
        assert!(matches(Encoding::Base64, "aGk=", b"hi"));
        assert!(matches(Encoding::Base64, "aGk", b"hi"));
        assert!(matches(Encoding::Base64url, "-_8", &[0xfb, 0xff]));
        assert!(matches(Encoding::Base64url, "-_8=", &[0xfb, 0xff]));
    }

    #[test]
    fn wrong_length_alphabet_padding_or_trailing_bits_do_not_match() {
        assert!(!matches(Encoding::Hex, "abc", &[0xab, 0xc0]));
        assert!(!matches(Encoding::Hex, "zzzz", &[0xff, 0xff]));
        assert!(!matches(Encoding::Base64, "+_8", &[0xfb, 0xff]));
        assert!(!matches(Encoding::Base64url, "+/8", &[0xfb, 0xff]));
        assert!(!matches(Encoding::Base64, "aGk==", b"hi"));
        assert!(!matches(Encoding::Base64, "aGk.", b"hi"));
        // "aGl" decodes to "hi" plus a set trailing bit: not canonical.
        assert!(!matches(Encoding::Base64, "aGl", b"hi"));
    }

    #[test]
    fn every_character_decodes_as_the_reference_decoders_do() {
        for c in 0..=255u8 {
            let reference = (c as char).to_digit(16).filter(|_| c.is_ascii());
            assert_eq!(hex_digit(c), reference.map_or(-1, |d| d as i32), "{c:#x}");
            for url in [false, true] {
                let text = [b'A', b'A', c, b'A'];
                let ours = base64_digit(c, url);
                let theirs = if url {
                    base64ct::Base64Url::decode_vec(std::str::from_utf8(&text).unwrap_or("!"))
                } else {
                    base64ct::Base64::decode_vec(std::str::from_utf8(&text).unwrap_or("!"))
                };
                assert_eq!(ours >= 0, theirs.is_ok(), "{c:#x} url={url}");
                if let Ok(bytes) = theirs {
                    // The third character lands in bits 6..12 of the 24-bit group.
                    let group = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]);
                    assert_eq!((group >> 6) & 0x3f, ours as u32, "{c:#x} url={url}");
                }
            }
        }
    }
}

/// Memcheck as a constant-time checker: the received signature and the expected MAC
/// are marked undefined, so any branch or memory index that depends on them is an
/// error. `make test` runs this under valgrind (`make test-ct-valgrind`); without
/// valgrind the client requests do nothing and it checks results only.
#[cfg(all(test, target_arch = "x86_64", target_os = "linux"))]
#[allow(unsafe_code)]
mod valgrind {
    use super::*;

    const MAKE_MEM_UNDEFINED: usize = 0x4d43_0001;
    const MAKE_MEM_DEFINED: usize = 0x4d43_0002;
    const COUNT_ERRORS: usize = 0x1201;
    const RUNNING_ON_VALGRIND: usize = 0x1001;

    /// Issues a valgrind client request; outside valgrind it returns `default`.
    fn request(default: usize, code: usize, addr: usize, len: usize) -> usize {
        let args: [usize; 6] = [code, addr, len, 0, 0, 0];
        let mut result = default;
        // SAFETY: the documented x86_64 client-request sequence: four rotations of rdi
        // by 128 bits in all (a no-op) and `xchg rbx, rbx` (a no-op); valgrind reads the
        // six words at rax and writes its answer to rdx. Natively nothing changes.
        unsafe {
            core::arch::asm!(
                "rol rdi, 3", "rol rdi, 13", "rol rdi, 61", "rol rdi, 51",
                "xchg rbx, rbx",
                inout("rdx") result,
                in("rax") args.as_ptr(),
                inout("rdi") 0usize => _,
                options(nostack, preserves_flags),
            );
        }
        result
    }

    fn mark<T: ?Sized>(value: &T, code: usize) {
        let _ = request(
            0,
            code,
            core::ptr::from_ref(value).cast::<u8>() as usize,
            core::mem::size_of_val(value),
        );
    }

    #[test]
    fn decode_and_compare_do_not_branch_on_secret_or_received_bytes() {
        let under_valgrind = request(0, RUNNING_ON_VALGRIND, 0, 0) > 0;
        let mac: Vec<u8> = (0u8..32).map(|i| i.wrapping_mul(91) ^ 0x5a).collect();
        let before = request(0, COUNT_ERRORS, 0, 0);
        for encoding in [Encoding::Hex, Encoding::Base64, Encoding::Base64url] {
            let good = encoding.encode(&mac).into_bytes();
            // The other accepted form: upper-case hex, or base64 with padding.
            let other = match encoding {
                Encoding::Hex => good.to_ascii_uppercase(),
                _ if good.ends_with(b"=") => good[..good.len() - 1].to_vec(),
                _ => [&good[..], b"="].concat(),
            };
            let mut bad = good.clone();
            bad[0] = if bad[0] == b'a' { b'b' } else { b'a' };
            let garbage = vec![b'!'; good.len()];
            for (text, want) in [
                (&good, true),
                (&other, true),
                (&bad, false),
                (&garbage, false),
            ] {
                let (text, expected) = (text.clone(), mac.clone());
                mark(&text[..], MAKE_MEM_UNDEFINED);
                mark(&expected[..], MAKE_MEM_UNDEFINED);
                let result = encoding.matches(&text, &expected);
                // Declassify the answer only: it is what verify acts on.
                mark(&result, MAKE_MEM_DEFINED);
                assert_eq!(bool::from(result), want, "{encoding:?}");
            }
        }
        let after = request(0, COUNT_ERRORS, 0, 0);
        assert_eq!(
            after, before,
            "memcheck saw secret-dependent branches or indexes"
        );
        if std::env::var_os("HOOKSIG_EXPECT_VALGRIND").is_some() {
            assert!(
                under_valgrind,
                "HOOKSIG_EXPECT_VALGRIND is set but valgrind is not running"
            );
        }
    }
}
