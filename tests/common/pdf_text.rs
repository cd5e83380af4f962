//! PDF reading shared by the print tests (included with `#[path]`; not a test target of its own).

use lopdf::Document as Pdf;

/// The glyph-code → text map of the (single, subset) font, from its ToUnicode CMap. lopdf's own
/// `extract_text` rejects printpdf's CMap header, so the few lines of bfchar/bfrange are read here.
pub fn to_unicode(pdf: &Pdf) -> std::collections::HashMap<u16, String> {
    let mut map = std::collections::HashMap::new();
    for obj in pdf.objects.values() {
        let Ok(stream) = obj.as_stream() else { continue };
        let Ok(data) = stream.decompressed_content().or_else(|_| Ok::<_, ()>(stream.content.clone())) else { continue };
        let text = String::from_utf8_lossy(&data);
        if !text.contains("begincmap") {
            continue;
        }
        let hex = |s: &str| u32::from_str_radix(s.trim_matches(|c| c == '<' || c == '>'), 16).ok();
        let mut mode = "";
        for line in text.lines() {
            let line = line.trim();
            if line.ends_with("beginbfchar") || line.ends_with("beginbfrange") {
                mode = if line.ends_with("beginbfchar") { "char" } else { "range" };
                continue;
            }
            if line.starts_with("end") {
                mode = "";
                continue;
            }
            let parts: Vec<&str> = line.split_whitespace().collect();
            match (mode, parts.as_slice()) {
                ("char", [code, uni]) => {
                    if let (Some(c), Some(u)) = (hex(code), hex(uni)) {
                        map.insert(c as u16, char::from_u32(u).map(String::from).unwrap_or_default());
                    }
                }
                ("range", [lo, hi, start]) => {
                    if let (Some(lo), Some(hi), Some(start)) = (hex(lo), hex(hi), hex(start)) {
                        for (k, c) in (lo..=hi).enumerate() {
                            map.insert(
                                c as u16,
                                char::from_u32(start + k as u32).map(String::from).unwrap_or_default(),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
    map
}

/// Every `<hex> Tj` of the document decoded, one line per text object, and the page sizes in mm.
#[allow(dead_code)] // Not every print test reads whole pages.
pub fn pdf_text(bytes: &[u8]) -> (String, Vec<(f64, f64)>) {
    let pdf = Pdf::load_mem(bytes).unwrap();
    let map = to_unicode(&pdf);
    let mut out = String::new();
    let mut sizes = Vec::new();
    let num = |o: &lopdf::Object| o.as_float().map(f64::from).or_else(|_| o.as_i64().map(|v| v as f64)).unwrap();
    for (_, id) in pdf.get_pages() {
        let media = pdf.get_dictionary(id).unwrap().get(b"MediaBox").unwrap().as_array().unwrap().clone();
        sizes.push((num(&media[2]) * 25.4 / 72.0, num(&media[3]) * 25.4 / 72.0));
        let content = pdf.get_page_content(id).unwrap();
        let content = String::from_utf8_lossy(&content);
        for chunk in content.split("Tj").collect::<Vec<_>>().iter().rev().skip(1).rev() {
            let Some(start) = chunk.rfind('<') else { continue };
            let hex = chunk[start + 1..].trim_end().trim_end_matches('>');
            for c in (0..hex.len() / 4).filter_map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).ok()) {
                out.push_str(map.get(&c).map_or("?", String::as_str));
            }
            out.push('\n');
        }
    }
    (out, sizes)
}
