//! Pages saved gzip-compressed under an `.html` name (a server's `Content-Encoding`
//! kept by a mirroring tool): decompressed before anything else reads them, within the
//! size limit.

use std::borrow::Cow;
use std::io::Read;

/// `bytes` decompressed when they are gzip data, else as they are. Decompressed data
/// larger than `limit` bytes is an error, as a file that large would be.
pub fn inflate(bytes: &[u8], limit: u64) -> Result<Cow<'_, [u8]>, String> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut out = Vec::new();
    let mut reader = flate2::read::MultiGzDecoder::new(bytes).take(limit.saturating_add(1));
    reader
        .read_to_end(&mut out)
        .map_err(|e| format!("gzip-compressed, and it does not decompress: {e}"))?;
    if out.len() as u64 > limit {
        return Err(format!(
            "gzip-compressed, and larger than {limit} bytes once decompressed (limits.max_file_bytes)"
        ));
    }
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_pages_are_decompressed_within_the_limit() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"<p>Hello</p>").unwrap();
        let bytes = gz.finish().unwrap();
        assert_eq!(&*inflate(&bytes, 1024).unwrap(), b"<p>Hello</p>");
        assert!(inflate(&bytes, 4)
            .unwrap_err()
            .contains("limits.max_file_bytes"));
        assert!(inflate(&[0x1f, 0x8b, 0, 1, 2], 1024)
            .unwrap_err()
            .contains("does not decompress"));
        assert_eq!(&*inflate(b"<p>plain</p>", 1024).unwrap(), b"<p>plain</p>");
    }
}
