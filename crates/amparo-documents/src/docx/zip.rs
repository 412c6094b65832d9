//! A ZIP archive of stored (uncompressed) members: all a DOCX container needs, written by hand so the
//! letters need no archive library. Letters are a few kilobytes; compression would save nothing that
//! matters.

/// The DOS date of 1 January 1980, the earliest a ZIP can say: members carry no real time, so the
/// same letter gives the same bytes.
const DOS_DATE: u16 = (1 << 5) | 1;

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Writes `members` (name, bytes) as a ZIP archive. A name or member past ZIP's 32-bit limits is
/// refused.
pub(crate) fn stored(members: &[(&str, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let small = |n: usize, what: &str| u32::try_from(n).map_err(|_| format!("{what} too large for a ZIP"));
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in members {
        let offset = small(out.len(), "archive")?;
        let (size, crc) = (small(data.len(), name)?, crc32(data));
        let name_len = u16::try_from(name.len()).map_err(|_| format!("{name}: name too long"))?;
        let common = |buffer: &mut Vec<u8>| {
            buffer.extend(20u16.to_le_bytes()); // version needed: 2.0
            buffer.extend(0u16.to_le_bytes()); // flags
            buffer.extend(0u16.to_le_bytes()); // method: stored
            buffer.extend(0u16.to_le_bytes()); // time
            buffer.extend(DOS_DATE.to_le_bytes());
            buffer.extend(crc.to_le_bytes());
            buffer.extend(size.to_le_bytes()); // compressed
            buffer.extend(size.to_le_bytes()); // uncompressed
            buffer.extend(name_len.to_le_bytes());
            buffer.extend(0u16.to_le_bytes()); // extra field
        };
        out.extend(0x0403_4b50u32.to_le_bytes());
        common(&mut out);
        out.extend(name.as_bytes());
        out.extend(data);

        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes()); // version made by
        common(&mut central);
        central.extend(0u16.to_le_bytes()); // comment
        central.extend(0u16.to_le_bytes()); // disk
        central.extend(0u16.to_le_bytes()); // internal attributes
        central.extend(0u32.to_le_bytes()); // external attributes
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let count = u16::try_from(members.len()).map_err(|_| String::from("too many members for a ZIP"))?;
    let (central_offset, central_size) = (small(out.len(), "archive")?, small(central.len(), "directory")?);
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend(central_size.to_le_bytes());
    out.extend(central_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_crc_is_zips_crc32() {
        // The check value of CRC-32/ISO-HDLC.
        assert_eq!(super::crc32(b"123456789"), 0xCBF4_3926);
    }
}
