//! Unit tests of the PDF writer.
