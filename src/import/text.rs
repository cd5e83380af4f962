//! Text encodings of incoming attribute files: Excel on a Chinese Windows saves CSV in GBK, the
//! district platform writes DBF in GBK, others UTF-8 (with or without BOM).

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
        let _ = s;
        todo!("text helper")
    }
}

/// Decodes bytes to text: a BOM decides, else the choice, else detection (valid UTF-8 stays UTF-8,
/// otherwise chardetng among the Chinese encodings). Returns the text and the encoding's name.
pub fn decode(bytes: &[u8], choice: EncodingChoice) -> Result<(String, &'static str), String> {
    let _ = (bytes, choice);
    todo!("text helper")
}
