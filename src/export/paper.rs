//! Paper sizes: ISO A0–A4, portrait or landscape, or a custom size in millimetres.

use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PageSize {
    pub width_mm: f32,
    pub height_mm: f32,
}

impl PageSize {
    pub fn landscape(self) -> Self {
        Self { width_mm: self.width_mm.max(self.height_mm), height_mm: self.width_mm.min(self.height_mm) }
    }

    pub fn portrait(self) -> Self {
        Self { width_mm: self.width_mm.min(self.height_mm), height_mm: self.width_mm.max(self.height_mm) }
    }

    pub fn oriented(self, landscape: bool) -> Self {
        if landscape { self.landscape() } else { self.portrait() }
    }

    /// The ISO name ("A1") when the size is one, for titles and sheet labels.
    pub fn name(&self) -> String {
        let p = self.portrait();
        ISO.iter()
            .find(|(_, w, h)| (p.width_mm - w).abs() < 0.5 && (p.height_mm - h).abs() < 0.5)
            .map_or_else(|| format!("{:.0}×{:.0} mm", self.width_mm, self.height_mm), |(n, _, _)| (*n).to_string())
    }
}

const ISO: [(&str, f32, f32); 5] =
    [("A0", 841.0, 1189.0), ("A1", 594.0, 841.0), ("A2", 420.0, 594.0), ("A3", 297.0, 420.0), ("A4", 210.0, 297.0)];

#[derive(Debug, thiserror::Error, PartialEq)]
#[error(
    "纸张规格无效 (unknown paper size) {0:?}: 请用 A0–A4 或 宽x高 毫米，如 600x900 (use A0–A4 or WIDTHxHEIGHT in mm)"
)]
pub struct BadPaper(pub String);

impl FromStr for PageSize {
    type Err = BadPaper;

    /// "A1" (portrait), "a3", or "600x900" / "600×900" in millimetres (50–5000 mm).
    fn from_str(s: &str) -> Result<Self, BadPaper> {
        let t = s.trim();
        if let Some((_, w, h)) = ISO.iter().find(|(n, _, _)| n.eq_ignore_ascii_case(t)) {
            return Ok(Self { width_mm: *w, height_mm: *h });
        }
        let lower = t.to_ascii_lowercase().replace('×', "x");
        let (w, h) = lower.trim_end_matches("mm").split_once('x').ok_or_else(|| BadPaper(s.into()))?;
        let parse = |v: &str| v.trim().parse::<f32>().ok().filter(|v| (50.0..=5000.0).contains(v));
        match (parse(w), parse(h)) {
            (Some(width_mm), Some(height_mm)) => Ok(Self { width_mm, height_mm }),
            _ => Err(BadPaper(s.into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_and_custom_sizes() {
        assert_eq!("A1".parse(), Ok(PageSize { width_mm: 594.0, height_mm: 841.0 }));
        assert_eq!("a4".parse::<PageSize>().unwrap().landscape(), PageSize { width_mm: 297.0, height_mm: 210.0 });
        assert_eq!("600x900".parse(), Ok(PageSize { width_mm: 600.0, height_mm: 900.0 }));
        assert_eq!("600×900mm".parse(), Ok(PageSize { width_mm: 600.0, height_mm: 900.0 }));
        assert!("B5".parse::<PageSize>().is_err());
        assert!("10x10".parse::<PageSize>().is_err());
        assert_eq!("A2".parse::<PageSize>().unwrap().landscape().name(), "A2");
    }
}
