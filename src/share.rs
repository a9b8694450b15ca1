//! Share links: a scenario's JSON packed into a URL-safe string, `v1.` + base64url (no padding)
//! of the raw-deflated (level 9) UTF-8 text. Decoding never panics and never inflates more than
//! [`MAX_DECODED_BYTES`].

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// Version prefix of the current format.
pub const PREFIX: &str = "v1.";
/// Largest decompressed scenario accepted, in bytes.
pub const MAX_DECODED_BYTES: usize = crate::scenario_file::caps::MAX_FILE_BYTES;
/// Longest share string accepted before any decoding (a deflated scenario is far smaller).
pub const MAX_ENCODED_CHARS: usize = 2 * MAX_DECODED_BYTES;

/// Why a share string could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    /// The string does not start with a known version prefix (`v1.`).
    UnknownVersion,
    /// The string is longer than [`MAX_ENCODED_CHARS`].
    TooLong,
    /// Not valid base64url.
    Base64,
    /// Not valid deflate data.
    Inflate,
    /// Inflates to more than [`MAX_DECODED_BYTES`].
    TooLarge,
    /// Inflates to bytes that are not UTF-8.
    NotUtf8,
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ShareError::UnknownVersion => {
                "it is not a KafkaSim share link (expected it to start with `v1.`)"
            }
            ShareError::TooLong => "it is too long",
            ShareError::Base64 => "it is damaged (not valid base64url)",
            ShareError::Inflate => "it is damaged (its data does not decompress)",
            ShareError::TooLarge => "the shared scenario is larger than 1 MiB",
            ShareError::NotUtf8 => "it is damaged (its data is not text)",
        })
    }
}

impl std::error::Error for ShareError {}

/// Packs scenario JSON into a share string.
pub fn encode_share(json: &str) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Unpacks a share string (surrounding whitespace is ignored). The result is the JSON text; parse
/// it with [`crate::scenario_file::parse_scenario`].
pub fn decode_share(s: &str) -> Result<String, ShareError> {
    let s = s.trim();
    if s.len() > MAX_ENCODED_CHARS {
        return Err(ShareError::TooLong);
    }
    let body = s.strip_prefix(PREFIX).ok_or(ShareError::UnknownVersion)?;
    let packed = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| ShareError::Base64)?;
    let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_DECODED_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
            _ => ShareError::Inflate,
        })?;
    String::from_utf8(raw).map_err(|_| ShareError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for json in [
            "",
            "{}",
            "{\"name\": \"quickstart\", \"seed\": 42}",
            "é ✓ 🦀",
        ] {
            let s = encode_share(json);
            assert!(s.starts_with(PREFIX));
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
                "{s}"
            );
            assert_eq!(decode_share(&s).unwrap(), json);
        }
        let big = "{\"description\": \"".to_string() + &"x".repeat(100_000) + "\"}";
        assert_eq!(decode_share(&encode_share(&big)).unwrap(), big);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let cases = [
            "",
            "v1.",
            "v1",
            "v2.AAAA",
            "hello",
            "v1.!!!!",
            "v1.A",
            "v1.AAAA",
            "v1.////",
            "v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "v1.\u{0}\u{1}",
            "v1.🦀🦀",
        ];
        for c in cases {
            assert!(decode_share(c).is_err(), "{c:?}");
        }
        // Valid base64 of random bytes.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in 0..200usize {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            let _ = decode_share(&format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(&bytes)));
        }
        // Non-UTF-8 payload.
        let packed = miniz_oxide::deflate::compress_to_vec(&[0xff, 0xfe, 0x00], 9);
        let s = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed));
        assert_eq!(decode_share(&s), Err(ShareError::NotUtf8));
    }

    #[test]
    fn decompression_bombs_are_bounded() {
        let bomb = vec![b' '; MAX_DECODED_BYTES + 1];
        let s = format!(
            "{PREFIX}{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&bomb, 9))
        );
        assert!(s.len() < 10_000);
        assert_eq!(decode_share(&s), Err(ShareError::TooLarge));
        assert_eq!(
            decode_share(&"v1.".repeat(MAX_ENCODED_CHARS)),
            Err(ShareError::TooLong)
        );
    }
}
