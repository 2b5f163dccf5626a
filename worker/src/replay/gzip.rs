//! gzip both ways, with a ceiling on what decompression may produce (a small body must not
//! inflate into gigabytes).

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use crate::error::ApiError;

/// Whether `bytes` start with gzip's magic number (JSON never does).
pub(crate) fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// The decompressed bytes, at most `limit` of them (413 beyond), or 400 for broken gzip.
pub(crate) fn decompress(bytes: &[u8], limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    let read = GzDecoder::new(bytes)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| ApiError::BadRequest(format!("the body is not valid gzip: {e}")))?;
    if read > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    Ok(out)
}

/// gzip at a fast level: the worker compresses only what old browsers sent plain.
pub(crate) fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_limits() {
        let json = br#"{"events":[1,2,3]}"#.repeat(100);
        let gz = compress(&json);
        assert!(is_gzip(&gz) && !is_gzip(&json));
        assert!(gz.len() < json.len() / 5);
        assert_eq!(decompress(&gz, json.len()).unwrap(), json);
        assert_eq!(
            decompress(&gz, json.len() - 1).unwrap_err(),
            ApiError::PayloadTooLarge { limit: json.len() - 1 }
        );
        let bomb = compress(&vec![b' '; 10_000_000]);
        assert!(bomb.len() < 100_000, "a 100-fold bomb: {}", bomb.len());
        assert_eq!(decompress(&bomb, 1_000_000).unwrap_err().status(), 413);
        assert_eq!(decompress(&gz[..gz.len() / 2], usize::MAX / 2).unwrap_err().status(), 400);
    }
}
