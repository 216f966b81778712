//! Operating-system errors in words a user reads.
//!
//! `std::io::Error` displays as "No such file or directory (os error 2)": the
//! error number means nothing to the office manager reading it, and the
//! capital reads oddly after "cannot read x:". Messages take the reason
//! from here instead.

/// The reason of `e`, without the "(os error N)" suffix, lower-cased at the
/// start.
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => &text[..i],
        _ => text.as_str(),
    };
    let mut chars = text.chars();
    match chars.next() {
        // Keep acronyms as they are ("I/O error", "EOF").
        Some(c) if c.is_uppercase() && chars.next().is_some_and(char::is_lowercase) => c
            .to_lowercase()
            .chain(text[c.len_utf8()..].chars())
            .collect(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_lose_their_number_and_capital() {
        let e = std::io::Error::from_raw_os_error(2);
        assert_eq!(io_reason(&e), "no such file or directory");
        let e = std::io::Error::from_raw_os_error(40);
        assert_eq!(io_reason(&e), "too many levels of symbolic links");
        assert_eq!(
            io_reason(&std::io::Error::other("it is a directory")),
            "it is a directory"
        );
        assert_eq!(io_reason(&std::io::Error::other("I/O error")), "I/O error");
    }
}
