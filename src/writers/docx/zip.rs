//! The package's zip container: stored (uncompressed) entries, in the order
//! given, each with the fixed DOS timestamp 1980-01-01 00:00, so the same
//! parts always give the same bytes.
//!
//! Stored, not deflated: the parts are small, the bytes stay plain in a diff
//! or a `grep`, and the tests read the parts without an inflater. No zip64:
//! a part or a package past 4 GiB is refused with [`ZipTooLarge`].

/// A part or the whole package does not fit the classic zip format's 32-bit sizes.
#[derive(Debug)]
pub struct ZipTooLarge(pub String);

/// DOS date of 1980-01-01 (year 0, month 1, day 1); the time is 00:00:00.
const DOS_DATE: u16 = 0x21;
const VERSION: u16 = 20;

/// Zip file of `entries` (name, data), in that order.
pub fn store(entries: &[(String, Vec<u8>)]) -> Result<Vec<u8>, ZipTooLarge> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let count = u16::try_from(entries.len())
        .map_err(|_| ZipTooLarge(format!("{} parts", entries.len())))?;
    for (name, data) in entries {
        let too_large = || ZipTooLarge(name.clone());
        let offset = u32::try_from(out.len()).map_err(|_| too_large())?;
        let size = u32::try_from(data.len()).map_err(|_| too_large())?;
        let name_len = u16::try_from(name.len()).map_err(|_| too_large())?;
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let crc = crc.sum();

        out.extend_from_slice(&0x0403_4b50_u32.to_le_bytes());
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // flags
        out.extend_from_slice(&0u16.to_le_bytes()); // method: stored
        out.extend_from_slice(&0u16.to_le_bytes()); // time
        out.extend_from_slice(&DOS_DATE.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra length
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        central.extend_from_slice(&0x0201_4b50_u32.to_le_bytes());
        central.extend_from_slice(&VERSION.to_le_bytes()); // made by
        central.extend_from_slice(&VERSION.to_le_bytes()); // needed
        central.extend_from_slice(&0u16.to_le_bytes()); // flags
        central.extend_from_slice(&0u16.to_le_bytes()); // method
        central.extend_from_slice(&0u16.to_le_bytes()); // time
        central.extend_from_slice(&DOS_DATE.to_le_bytes());
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&name_len.to_le_bytes());
        central.extend_from_slice(&[0; 12]); // extra, comment, disk, internal + external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let too_large = || ZipTooLarge("the package".into());
    let cd_offset = u32::try_from(out.len()).map_err(|_| too_large())?;
    let cd_size = u32::try_from(central.len()).map_err(|_| too_large())?;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50_u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // disk numbers
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment length
    Ok(out)
}
