//! A line of text formatted on the stack, for the server log: what fits, cut at a character and
//! marked rather than lost or refused.

use core::fmt::{self, Write};

/// The longest line formatted for the server log; a longer one is cut and ends in `...`.
pub const LOG_LINE_BYTES: usize = 128;

/// What marks a line cut.
const CUT: &str = "...";

/// A line being formatted: what fits, cut at a character boundary, with room kept for [`CUT`].
pub(crate) struct Line {
    bytes: [u8; LOG_LINE_BYTES],
    len: usize,
    cut: bool,
}

impl Line {
    pub(crate) const fn new() -> Self {
        Line { bytes: [0; LOG_LINE_BYTES], len: 0, cut: false }
    }

    /// The line, marked if it was cut.
    pub(crate) fn as_str(&mut self) -> &str {
        if self.cut {
            self.cut = false;
            let _ = self.write_str(CUT);
            self.cut = true;
        }
        // Whole characters only are ever written, so this is never the empty fallback.
        core::str::from_utf8(self.bytes.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}

impl Write for Line {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if self.cut {
            return Ok(());
        }
        let room =
            LOG_LINE_BYTES.saturating_sub(self.len + if text == CUT { 0 } else { CUT.len() });
        let mut take = text.len().min(room);
        if take < text.len() {
            self.cut = true;
            while !text.is_char_boundary(take) {
                take -= 1;
            }
        }
        let (from, to) = (text.as_bytes().iter().take(take), self.bytes.iter_mut().skip(self.len));
        for (byte, slot) in from.zip(to) {
            *slot = *byte;
        }
        self.len += take;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(args: fmt::Arguments<'_>) -> String {
        let mut line = Line::new();
        let _ = line.write_fmt(args);
        line.as_str().into()
    }

    /// A line that fits is as written; a longer one is cut at a character and marked, and is
    /// never longer than the line's bytes.
    #[test]
    fn a_long_line_is_cut_and_marked() {
        assert_eq!(
            formatted(format_args!("config fetched: all {} fields ok", 7)),
            "config fetched: all 7 fields ok"
        );
        let long = "é".repeat(LOG_LINE_BYTES);
        let cut = formatted(format_args!("key {long}"));
        assert!(cut.ends_with(CUT) && cut.starts_with("key é"), "{cut}");
        assert!(cut.len() <= LOG_LINE_BYTES && cut.len() > LOG_LINE_BYTES - 5, "{}", cut.len());
        let exact = "x".repeat(LOG_LINE_BYTES - CUT.len());
        assert_eq!(formatted(format_args!("{exact}")), exact);
    }
}
