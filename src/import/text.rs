//! Text encodings of incoming attribute files: Excel on a Chinese Windows saves CSV in GBK, the
//! district platform writes DBF in GBK, others UTF-8 (with or without BOM).

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, GB18030, GBK, UTF_16BE, UTF_16LE};

/// What the user chose (`--encoding auto|utf8|gbk`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EncodingChoice {
    #[default]
    Auto,
    Utf8,
    /// GBK, read as GB18030 (its superset).
    Gbk,
}

impl EncodingChoice {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "utf8" | "utf-8" => Ok(Self::Utf8),
            "gbk" | "gb18030" | "gb2312" => Ok(Self::Gbk),
            other => Err(format!(
                "未知的文本编码 “{other}”，可用 auto、utf8、gbk (unknown text encoding “{other}”; use auto, utf8 or gbk)"
            )),
        }
    }
}

/// Decodes bytes to text: a BOM decides, else the choice, else detection (valid UTF-8 stays UTF-8,
/// otherwise chardetng among the Chinese encodings). Returns the text and the encoding's name.
pub fn decode(bytes: &[u8], choice: EncodingChoice) -> Result<(String, &'static str), String> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        if encoding == UTF_16LE || encoding == UTF_16BE {
            let (text, _) = encoding.decode_without_bom_handling(rest);
            return Ok((text.into_owned(), encoding.name()));
        }
        return utf8(rest);
    }
    match choice {
        EncodingChoice::Utf8 => utf8(bytes),
        EncodingChoice::Gbk => gbk(bytes),
        EncodingChoice::Auto => {
            if let Ok(text) = std::str::from_utf8(bytes) {
                return Ok((text.to_owned(), "UTF-8"));
            }
            let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            let guess = detector.guess(Some(b"cn"), Utf8Detection::Deny);
            // chardetng says "GBK" for both GB2312 and GBK text; GB18030 reads both and more.
            if guess == GBK || guess == GB18030 {
                let (text, _) = GB18030.decode_without_bom_handling(bytes);
                return Ok((text.into_owned(), "GBK"));
            }
            let (text, _) = guess.decode_without_bom_handling(bytes);
            Ok((text.into_owned(), guess.name()))
        }
    }
}

fn utf8(bytes: &[u8]) -> Result<(String, &'static str), String> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_owned(), "UTF-8")),
        Err(e) => {
            let at = e.valid_up_to();
            Err(format!(
                "不是有效的 UTF-8 文本：第 {at} 字节处出错，可试 --encoding gbk (not valid UTF-8 text: bad byte at offset {at}; try --encoding gbk)"
            ))
        }
    }
}

fn gbk(bytes: &[u8]) -> Result<(String, &'static str), String> {
    match GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok((text.into_owned(), "GBK")),
        None => {
            Err("不是有效的 GBK 文本，可试 --encoding utf8 或 auto (not valid GBK text; try --encoding utf8 or auto)"
                .to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_choices() {
        assert_eq!(EncodingChoice::parse("auto"), Ok(EncodingChoice::Auto));
        assert_eq!(EncodingChoice::parse("UTF-8"), Ok(EncodingChoice::Utf8));
        assert_eq!(EncodingChoice::parse("utf8"), Ok(EncodingChoice::Utf8));
        assert_eq!(EncodingChoice::parse("gbk"), Ok(EncodingChoice::Gbk));
        assert_eq!(EncodingChoice::parse("GB18030"), Ok(EncodingChoice::Gbk));
        assert!(EncodingChoice::parse("latin1").unwrap_err().contains("latin1"));
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let text = "姓名,角色\n张三,网格员\n";
        assert_eq!(decode(text.as_bytes(), EncodingChoice::Auto), Ok((text.to_owned(), "UTF-8")));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        // The BOM wins over a GBK choice and is not part of the text.
        assert_eq!(decode(&bom, EncodingChoice::Gbk), Ok((text.to_owned(), "UTF-8")));
    }

    #[test]
    fn utf16_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "楼栋".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes, EncodingChoice::Auto), Ok(("楼栋".to_owned(), "UTF-16LE")));
    }

    #[test]
    fn gbk_detected_and_round_trips() {
        let text = "姓名,角色,电话\n张三,网格员,13800000000\n李四,楼栋长,13900000000\n\
                    王五,网格长,13700000000\n楼栋,1号楼,幸福社区\n";
        let (bytes, _, lossy) = GBK.encode(text);
        assert!(!lossy);
        assert_eq!(decode(&bytes, EncodingChoice::Auto), Ok((text.to_owned(), "GBK")));
        assert_eq!(decode(&bytes, EncodingChoice::Gbk), Ok((text.to_owned(), "GBK")));
        let err = decode(&bytes, EncodingChoice::Utf8).unwrap_err();
        // "姓" is the first byte pair: the very first byte is already not UTF-8.
        assert!(err.contains("offset 0"), "{err}");
    }

    #[test]
    fn utf8_error_names_offset() {
        let err = decode(b"abc\xFFdef", EncodingChoice::Utf8).unwrap_err();
        assert!(err.contains("offset 3"), "{err}");
    }

    #[test]
    fn big5_and_garbage_do_not_panic() {
        let (big5, _, _) = encoding_rs::BIG5.encode("繁體中文的社區網格管理資料");
        assert!(decode(&big5, EncodingChoice::Auto).is_ok());
        let garbage: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
        assert!(decode(&garbage, EncodingChoice::Auto).is_ok());
        assert!(decode(&garbage, EncodingChoice::Utf8).is_err());
        let _ = decode(&garbage, EncodingChoice::Gbk);
        assert!(decode(&[], EncodingChoice::Auto).is_ok());
        assert!(decode(&[0xFE], EncodingChoice::Auto).is_ok());
    }
}
