//! Layouts → PDF with printpdf: vector shapes, the bundled CJK font embedded as a subset, real text
//! (extractable, searchable), Chinese document title.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use printpdf::{
    Color, DictItem, ExternalStream, ExternalXObject, FontId, ImageCompression, ImageOptimizationOptions,
    LineDashPattern, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Polygon, PolygonRing, Pt, Px, RawImage, RawImageData, RawImageFormat, Rgb, TextItem, TextRenderingMode,
    WindingOrder, XObjectId, XObjectTransform,
};

use crate::layers::{MapImage, Rgba, Shape, TextRole};

use super::layout::{Align, Item, Layout, MapFrame, PT_PER_MM, PosMm, RectMm, StrokeMm, TextMeasure};

/// Largest image side printed; larger images are left out (see `image`).
const MAX_IMAGE_SIDE_PX: u32 = 4096;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("内置字体无法读取 (the bundled font could not be parsed)")]
    Font,
}

/// The bundled font, parsed once, with its metrics for measuring text.
pub struct PdfFont {
    parsed: ParsedFont,
    units_per_em: f32,
}

impl PdfFont {
    pub fn bundled() -> Result<Self, PdfError> {
        let parsed = ParsedFont::from_bytes(crate::CJK_FONT, 0, &mut Vec::new()).ok_or(PdfError::Font)?;
        let units_per_em = f32::from(parsed.font_metrics.units_per_em.max(1));
        Ok(Self { parsed, units_per_em })
    }

    /// The bundled font parsed once per process, for measuring map labels where no font is passed
    /// down; `None` if it cannot be parsed.
    pub fn shared() -> Option<&'static Self> {
        static FONT: std::sync::OnceLock<Option<PdfFont>> = std::sync::OnceLock::new();
        FONT.get_or_init(|| Self::bundled().ok()).as_ref()
    }
}

impl TextMeasure for PdfFont {
    fn width_mm(&self, text: &str, size_pt: f32) -> f32 {
        let units: f32 = text
            .chars()
            .map(|c| {
                self.parsed
                    .lookup_glyph_index(c as u32)
                    .map_or(self.units_per_em, |g| f32::from(self.parsed.get_horizontal_advance(g)))
            })
            .sum();
        units / self.units_per_em * size_pt / PT_PER_MM
    }
}

/// How the pages are written, beyond the layouts themselves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PdfStyle {
    /// Every colour and image as its luminance grey (DeviceGray): what a black-and-white printer
    /// will make of the page, previewed on screen.
    pub greyscale: bool,
}

/// Paper is white: transparency is blended onto it, which prints the same and keeps files simple.
fn colour(c: Rgba, style: PdfStyle) -> Color {
    let a = f32::from(c[3]) / 255.0;
    let ch = |v: u8| (f32::from(v) / 255.0) * a + (1.0 - a);
    if style.greyscale {
        let g = f32::from(super::palette::grey([c[0], c[1], c[2]])) / 255.0;
        return Color::Greyscale(printpdf::Greyscale { percent: g * a + (1.0 - a), icc_profile: None });
    }
    Color::Rgb(Rgb { r: ch(c[0]), g: ch(c[1]), b: ch(c[2]), icc_profile: None })
}

/// RGB(A) pixels with every pixel replaced by its luminance grey (alpha kept).
fn grey_pixels(pixels: &mut [u8], channels: usize) {
    if channels < 3 {
        return;
    }
    for px in pixels.chunks_exact_mut(channels) {
        let g = super::palette::grey([px[0], px[1], px[2]]);
        px[..3].fill(g);
    }
}

/// An image as the style prints it.
fn styled_image(mut image: RawImage, style: PdfStyle) -> RawImage {
    if style.greyscale {
        let channels = match image.data_format {
            RawImageFormat::RGB8 => 3,
            RawImageFormat::RGBA8 => 4,
            _ => 0,
        };
        if let RawImageData::U8(px) = &mut image.pixels {
            grey_pixels(px, channels);
        }
    }
    image
}

struct PageWriter<'a> {
    ops: Vec<Op>,
    page_h_mm: f32,
    /// Added to every position (a tiled sheet shows a shifted part of a larger page).
    offset: PosMm,
    font: &'a PdfFont,
    font_id: FontId,
    style: PdfStyle,
    /// Images already in the document, by content hash: a photo on many boards is stored once.
    images: &'a mut HashMap<u64, Option<(XObjectId, f32, f32)>>,
}

impl PageWriter<'_> {
    fn pt(&self, p: PosMm) -> Point {
        Point { x: Mm(p[0] + self.offset[0]).into(), y: Mm(self.page_h_mm - p[1] - self.offset[1]).into() }
    }

    fn ring(&self, points: &[PosMm]) -> PolygonRing {
        PolygonRing { points: points.iter().map(|&p| LinePoint { p: self.pt(p), bezier: false }).collect() }
    }

    fn stroke_style(&mut self, s: &StrokeMm) {
        self.ops.push(Op::SetOutlineColor { col: colour(s.color, self.style) });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(s.width_pt) });
        let dash = match s.dash_pt {
            Some([d, g]) => LineDashPattern::new(0.0, &[d, g]),
            None => LineDashPattern::new(0.0, &[]),
        };
        self.ops.push(Op::SetLineDashPattern { dash });
    }

    fn polygon(&mut self, rings: &[Vec<PosMm>], fill: Option<Rgba>, stroke: Option<&StrokeMm>) {
        let mode = match (fill, stroke) {
            (Some(f), Some(s)) => {
                self.ops.push(Op::SetFillColor { col: colour(f, self.style) });
                self.stroke_style(s);
                PaintMode::FillStroke
            }
            (Some(f), None) => {
                self.ops.push(Op::SetFillColor { col: colour(f, self.style) });
                PaintMode::Fill
            }
            (None, Some(s)) => {
                self.stroke_style(s);
                PaintMode::Stroke
            }
            (None, None) => return,
        };
        let rings = rings.iter().filter(|r| r.len() >= 2).map(|r| self.ring(r)).collect();
        self.ops.push(Op::DrawPolygon { polygon: Polygon { rings, mode, winding_order: WindingOrder::EvenOdd } });
    }

    fn line(&mut self, points: &[PosMm], stroke: &StrokeMm) {
        self.stroke_style(stroke);
        let points = points.iter().map(|&p| LinePoint { p: self.pt(p), bezier: false }).collect();
        self.ops.push(Op::DrawLine { line: printpdf::Line { points, is_closed: false } });
    }

    #[allow(clippy::too_many_arguments)]
    fn text(
        &mut self,
        pos: PosMm,
        text: &str,
        size_pt: f32,
        align: Align,
        color: Rgba,
        bold: bool,
        halo: Option<Rgba>,
    ) {
        if text.is_empty() {
            return;
        }
        let width = self.font.width_mm(text, size_pt);
        let x = match align {
            Align::Left => pos[0],
            Align::Center => pos[0] - width / 2.0,
            Align::Right => pos[0] - width,
        };
        // Baseline: the CJK em box sits about 0.88 em above it.
        let baseline = [x, pos[1] + size_pt / PT_PER_MM * 0.88];
        let cursor = self.pt(baseline);
        let style = self.style;
        let pass = |ops: &mut Vec<Op>, mode: TextRenderingMode, fill: Rgba, outline: Option<(Rgba, f32)>| {
            ops.push(Op::StartTextSection);
            ops.push(Op::SetFont { font: PdfFontHandle::External(self.font_id.clone()), size: Pt(size_pt) });
            ops.push(Op::SetFillColor { col: colour(fill, style) });
            if let Some((c, w)) = outline {
                ops.push(Op::SetOutlineColor { col: colour(c, style) });
                ops.push(Op::SetOutlineThickness { pt: Pt(w) });
                ops.push(Op::SetLineDashPattern { dash: LineDashPattern::new(0.0, &[]) });
            }
            ops.push(Op::SetTextRenderingMode { mode });
            ops.push(Op::SetTextCursor { pos: cursor });
            ops.push(Op::ShowText { items: vec![TextItem::Text(text.to_string())] });
            ops.push(Op::EndTextSection);
        };
        let mut ops = std::mem::take(&mut self.ops);
        if let Some(h) = halo {
            pass(&mut ops, TextRenderingMode::FillStroke, h, Some((h, size_pt * 0.28)));
        }
        if bold {
            pass(&mut ops, TextRenderingMode::FillStroke, color, Some((color, size_pt * 0.045)));
        } else {
            pass(&mut ops, TextRenderingMode::Fill, color, None);
        }
        self.ops = ops;
    }

    fn items(&mut self, doc: &mut PdfDocument, items: &[Item]) {
        for item in items {
            match item {
                Item::Text { pos, text, size_pt, align, color, bold } => {
                    self.text(*pos, text, *size_pt, *align, *color, *bold, None)
                }
                Item::Polygon { rings, fill, stroke } => self.polygon(rings, *fill, stroke.as_ref()),
                Item::Line { points, stroke } => self.line(points, stroke),
                Item::Image { rect, data } => self.image(doc, rect, data),
                Item::Map(m) => self.map(doc, m),
                Item::Sheet { source, offset, clip } => {
                    self.ops.push(Op::SaveGraphicsState);
                    let clip_ring = self.ring(&clip.corners());
                    self.ops.push(Op::DrawPolygon {
                        polygon: Polygon {
                            rings: vec![clip_ring],
                            mode: PaintMode::Clip,
                            winding_order: WindingOrder::NonZero,
                        },
                    });
                    let saved = self.offset;
                    self.offset = [saved[0] + offset[0], saved[1] + offset[1]];
                    self.items(doc, &source.items);
                    self.offset = saved;
                    self.ops.push(Op::RestoreGraphicsState);
                }
            }
        }
    }

    fn image(&mut self, doc: &mut PdfDocument, rect: &RectMm, data: &[u8]) {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        data.hash(&mut hasher);
        let entry = self.images.entry(hasher.finish()).or_insert_with(|| {
            // Photos are stored downscaled, but a document may come from elsewhere: never decode a
            // huge image (a few hundred KB of PNG can claim 11000 × 11000 pixels).
            let (w, h) = image::ImageReader::new(std::io::Cursor::new(data))
                .with_guessed_format()
                .ok()?
                .into_dimensions()
                .ok()?;
            if w.max(h) > MAX_IMAGE_SIDE_PX {
                return None;
            }
            // A JPEG stays a JPEG (DCT passthrough): re-encoding a photo losslessly made it ten
            // times larger. Only one larger than its printed size at 300 dpi is scaled down (and
            // encoded as JPEG again), once.
            // (A greyscale print converts the pixels, so it decodes the photo like any other.)
            if !self.style.greyscale
                && let Some((jpeg, jw, jh)) = print_jpeg(data, [w, h], rect)
            {
                return Some((doc.add_xobject(&dct_xobject(jpeg, jw, jh)), jw as f32, jh as f32));
            }
            let image = styled_image(RawImage::decode_from_bytes(data, &mut Vec::new()).ok()?, self.style);
            let size = (image.width as f32, image.height as f32);
            Some((doc.add_image(&image), size.0, size.1))
        });
        // An undecodable photo is left out; the board still prints.
        let Some((id, iw, ih)) = entry.clone() else { return };
        // Fit, keeping the aspect ratio, centred in the rectangle; images are placed by their
        // bottom-left corner.
        let k = (rect.w / iw).min(rect.h / ih);
        let (dw, dh) = (iw * k, ih * k);
        let bottom_left = self.pt([rect.x + (rect.w - dw) / 2.0, rect.y + (rect.h - dh) / 2.0 + dh]);
        self.place_image(id, bottom_left, [dw, dh], [iw, ih]);
    }

    /// Draws an embedded image of `px` pixels as `size_mm`, its bottom-left corner at `bottom_left`.
    fn place_image(&mut self, id: XObjectId, bottom_left: Point, size_mm: [f32; 2], px: [f32; 2]) {
        self.ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(bottom_left.x),
                translate_y: Some(bottom_left.y),
                rotate: None,
                scale_x: Some(size_mm[0] * PT_PER_MM / px[0]),
                scale_y: Some(size_mm[1] * PT_PER_MM / px[1]),
                dpi: Some(72.0),
                no_auto_scale: false,
            },
        });
    }

    /// A map raster (the heatmap) over its rectangle; the alpha channel becomes the PDF's soft mask.
    fn map_image(&mut self, doc: &mut PdfDocument, m: &MapFrame, rect: &crate::layers::MapRect, image: &MapImage) {
        let style = self.style;
        let entry = self.images.entry(image.key).or_insert_with(|| {
            let raw = RawImage {
                pixels: RawImageData::U8(image.rgba.clone()),
                width: image.width,
                height: image.height,
                data_format: RawImageFormat::RGBA8,
                tag: Vec::new(),
            };
            let raw = styled_image(raw, style);
            Some((doc.add_image(&raw), image.width as f32, image.height as f32))
        });
        let Some((id, iw, ih)) = entry.clone() else { return };
        let top_left = m.page_from_map([rect.min[0], rect.max[1]]);
        let bottom_right = m.page_from_map([rect.max[0], rect.min[1]]);
        let (dw, dh) = (bottom_right[0] - top_left[0], bottom_right[1] - top_left[1]);
        if dw <= 0.0 || dh <= 0.0 {
            return;
        }
        let bottom_left = self.pt([top_left[0], bottom_right[1]]);
        self.place_image(id, bottom_left, [dw, dh], [iw, ih]);
    }

    fn map(&mut self, doc: &mut PdfDocument, m: &MapFrame) {
        self.ops.push(Op::SaveGraphicsState);
        let clip = self.ring(&m.frame.corners());
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon { rings: vec![clip], mode: PaintMode::Clip, winding_order: WindingOrder::NonZero },
        });
        let device_per_m = MapFrame::device_per_m(m.scale);
        for shape in &m.shapes {
            match shape {
                Shape::Fill { rings, color, .. } => {
                    let rings: Vec<Vec<PosMm>> =
                        rings.iter().map(|r| r.iter().map(|&p| m.page_from_map(p)).collect()).collect();
                    self.polygon(&rings, Some(*color), None);
                }
                Shape::Rings { rings, stroke } => {
                    let s = StrokeMm {
                        width_pt: stroke.device_width(device_per_m),
                        color: stroke.color,
                        dash_pt: stroke.dash,
                    };
                    for ring in rings.iter() {
                        let mut pts: Vec<PosMm> = ring.iter().map(|&p| m.page_from_map(p)).collect();
                        pts.extend(pts.first().copied());
                        self.line(&pts, &s);
                    }
                }
                Shape::Path { points, stroke } => {
                    let s = StrokeMm {
                        width_pt: stroke.device_width(device_per_m),
                        color: stroke.color,
                        dash_pt: stroke.dash,
                    };
                    let pts: Vec<PosMm> = points.iter().map(|&p| m.page_from_map(p)).collect();
                    self.ops.push(Op::SetLineJoinStyle { join: printpdf::LineJoinStyle::Round });
                    self.ops.push(Op::SetLineCapStyle { cap: printpdf::LineCapStyle::Round });
                    self.line(&pts, &s);
                }
                Shape::Dot { pos, size, color } => {
                    let c = m.page_from_map(*pos);
                    let h = size / PT_PER_MM / 2.0;
                    self.polygon(&[RectMm::new(c[0] - h, c[1] - h, 2.0 * h, 2.0 * h).corners()], Some(*color), None);
                }
                Shape::Image { rect, image } => self.map_image(doc, m, rect, image),
                Shape::Text { pos, text, size, color, halo, role } => {
                    let c = m.page_from_map(*pos);
                    let lines: Vec<&str> = text.lines().collect();
                    let line_h = size / PT_PER_MM * 1.2;
                    let top = c[1] - line_h * lines.len() as f32 / 2.0;
                    // The clip hides what sticks out, but the text layer would keep it (search, copy):
                    // a label not wholly inside the frame is left out.
                    let w = lines.iter().map(|l| self.font.width_mm(l, *size)).fold(0.0, f32::max);
                    let text_box = RectMm::new(c[0] - w / 2.0, top, w, line_h * lines.len() as f32);
                    if !rect_inside(&text_box, &m.frame) {
                        continue;
                    }
                    for (i, line) in lines.iter().enumerate() {
                        let bold = *role == TextRole::GridLabel && i == 0;
                        self.text([c[0], top + line_h * i as f32], line, *size, Align::Center, *color, bold, *halo);
                    }
                }
            }
        }
        self.ops.push(Op::RestoreGraphicsState);
    }
}

/// Whether `inner` lies wholly inside `outer` (a hair of slack for rounding).
fn rect_inside(inner: &RectMm, outer: &RectMm) -> bool {
    let e = 0.01;
    outer.x - e <= inner.x
        && outer.y - e <= inner.y
        && inner.right() <= outer.right() + e
        && inner.bottom() <= outer.bottom() + e
}

/// The JPEG to embed for a photo printed in `rect`: the data itself when it is a baseline-decodable
/// RGB or grey JPEG no larger than needed at 300 dpi, else downscaled and encoded again; `None`
/// for other formats (PNG) and for JPEG colour spaces passthrough cannot carry (CMYK).
fn print_jpeg(data: &[u8], px: [u32; 2], rect: &RectMm) -> Option<(Vec<u8>, u32, u32)> {
    use image::ImageDecoder;
    if !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let decoder = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(data)).ok()?;
    let colour = decoder.color_type();
    if !matches!(colour, image::ColorType::Rgb8 | image::ColorType::L8) || has_adobe_cmyk(data) {
        return None;
    }
    // The pixels needed to fill the printed size at 300 dpi, keeping the aspect ratio.
    let [w, h] = px;
    let fit = (rect.w / w as f32).min(rect.h / h as f32);
    let needed_w = (w as f32 * fit / 25.4 * PRINT_DPI).ceil() as u32;
    if needed_w >= w {
        return Some((data.to_vec(), w, h));
    }
    let img = image::load_from_memory_with_format(data, image::ImageFormat::Jpeg).ok()?;
    let small = img.resize(needed_w.max(1), u32::MAX, image::imageops::FilterType::Lanczos3);
    let small = if colour == image::ColorType::L8 {
        image::DynamicImage::ImageLuma8(small.to_luma8())
    } else {
        image::DynamicImage::ImageRgb8(small.to_rgb8())
    };
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88);
    enc.encode_image(&small).ok()?;
    Some((out, small.width(), small.height()))
}

/// Print resolution photos are kept at.
const PRINT_DPI: f32 = 300.0;

/// An Adobe APP14 marker with 4 components means CMYK/YCCK, which the decoder reports as RGB.
fn has_adobe_cmyk(data: &[u8]) -> bool {
    // Scan the markers before the first scan for SOFn with 4 components.
    let mut i = 2;
    while i + 4 <= data.len() && data[i] == 0xFF {
        let marker = data[i + 1];
        let len = u16::from_be_bytes([data[i + 2], data[i + 3]]) as usize;
        if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
            return data.get(i + 9).is_some_and(|&n| n == 4);
        }
        if marker == 0xDA {
            break;
        }
        i += 2 + len;
    }
    false
}

/// An image XObject holding JPEG data as is (/DCTDecode).
fn dct_xobject(jpeg: Vec<u8>, w: u32, h: u32) -> ExternalXObject {
    let grey = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&jpeg))
        .map(|d| image::ImageDecoder::color_type(&d) == image::ColorType::L8)
        .unwrap_or(false);
    let space: &[u8] = if grey { b"DeviceGray" } else { b"DeviceRGB" };
    let dict = [
        ("Type", DictItem::Name(b"XObject".to_vec())),
        ("Subtype", DictItem::Name(b"Image".to_vec())),
        ("Width", DictItem::Int(i64::from(w))),
        ("Height", DictItem::Int(i64::from(h))),
        ("ColorSpace", DictItem::Name(space.to_vec())),
        ("BitsPerComponent", DictItem::Int(8)),
        ("Filter", DictItem::Name(b"DCTDecode".to_vec())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    ExternalXObject {
        stream: ExternalStream { dict, content: jpeg, compress: false },
        width: Some(Px(w as usize)),
        height: Some(Px(h as usize)),
        dpi: None,
    }
}

/// Writes the pages as one PDF document titled `title`.
pub fn write_pdf(layouts: &[Layout], title: &str, font: &PdfFont) -> Vec<u8> {
    write_pdf_monitored(layouts, title, font, crate::Lang::ZhCn, &()).unwrap_or_default()
}

/// [`write_pdf`], reporting each page (status in `lang`) and the final save to `monitor`; `None`
/// when it was cancelled.
pub fn write_pdf_monitored(
    layouts: &[Layout],
    title: &str,
    font: &PdfFont,
    lang: crate::Lang,
    monitor: &dyn crate::jobs::Monitor,
) -> Option<Vec<u8>> {
    write_pdf_styled(layouts, title, font, lang, PdfStyle::default(), monitor)
}

/// [`write_pdf_monitored`] in a given [`PdfStyle`].
pub fn write_pdf_styled(
    layouts: &[Layout],
    title: &str,
    font: &PdfFont,
    lang: crate::Lang,
    style: PdfStyle,
    monitor: &dyn crate::jobs::Monitor,
) -> Option<Vec<u8>> {
    let mut doc = PdfDocument::new(title);
    doc.metadata.info.creator = format!("网格通 Wangge {}", env!("CARGO_PKG_VERSION"));
    doc.metadata.info.producer = "Wangge (printpdf)".into();
    let font_id = doc.add_font(&font.parsed);
    let mut pages = Vec::with_capacity(layouts.len());
    let mut images = HashMap::new();
    let n = layouts.len();
    for (i, layout) in layouts.iter().enumerate() {
        if monitor.is_cancelled() {
            return None;
        }
        // Drawing the pages is about two thirds of the time, saving (font subset, compression) the rest.
        let status = format!("{} {}/{n}", lang.tr(crate::T::ExportDrawing), i + 1);
        monitor.report(0.65 * i as f32 / n.max(1) as f32, &status);
        let mut w = PageWriter {
            ops: Vec::new(),
            page_h_mm: layout.page.height_mm,
            offset: [0.0, 0.0],
            font,
            font_id: font_id.clone(),
            style,
            images: &mut images,
        };
        w.items(&mut doc, &layout.items);
        pages.push(PdfPage::new(Mm(layout.page.width_mm), Mm(layout.page.height_mm), w.ops));
    }
    // Photos stay lossless (Flate), never re-encoded as JPEG: staff faces and line art keep their quality.
    let images = ImageOptimizationOptions {
        format: Some(ImageCompression::Flate),
        auto_optimize: Some(false),
        quality: None,
        ..Default::default()
    };
    let options = PdfSaveOptions { subset_fonts: true, image_optimization: Some(images), ..Default::default() };
    if monitor.is_cancelled() {
        return None;
    }
    monitor.report(0.65, lang.tr(crate::T::ExportSaving));
    let mut warnings = Vec::new();
    let bytes = doc.with_pages(pages).save(&options, &mut warnings);
    let bytes = fix_document_info(bytes, jiff::ZonedDateTime::now());
    monitor.report(1.0, lang.tr(crate::T::ExportSaving));
    Some(bytes)
}

/// What printpdf 0.12 writes wrong in every file, put right in the saved bytes: the dates are
/// 1970-01-01 (now `made`, local time with its offset), an empty `GTS_PDFXVersion` makes readers
/// call the file PDF/X (removed), and the font subset tag is the same in every file (now derived
/// from the subset's own bytes, as ISO 32000 intends: different subsets, different tags). The bytes
/// are returned as they were if they cannot be parsed back.
fn fix_document_info(bytes: Vec<u8>, made: jiff::ZonedDateTime) -> Vec<u8> {
    use lopdf::Object;
    use lopdf_044 as lopdf;
    let Ok(mut pdf) = lopdf::Document::load_mem(&bytes) else { return bytes };
    let offset = made.offset().seconds();
    let sign = if offset < 0 { '-' } else { '+' };
    let stamp = format!(
        "D:{}{sign}{:02}'{:02}'",
        made.strftime("%Y%m%d%H%M%S"),
        offset.unsigned_abs() / 3600,
        offset.unsigned_abs() % 3600 / 60
    );
    let info = pdf.trailer.get(b"Info").and_then(Object::as_reference).ok();
    if let Some(info) = info
        && let Ok(dict) = pdf.get_object_mut(info).and_then(Object::as_dict_mut)
    {
        dict.remove(b"GTS_PDFXVersion");
        for key in [&b"CreationDate"[..], b"ModDate"] {
            dict.set(key, Object::string_literal(stamp.clone()));
        }
    }
    // One tag per embedded font program, from a hash of its bytes.
    let mut renames: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for obj in pdf.objects.values() {
        let Ok(d) = obj.as_dict() else { continue };
        let Ok(name) = d.get(b"FontName").and_then(Object::as_name) else { continue };
        let Some(plus) = name.iter().position(|&b| b == b'+') else { continue };
        let program = [&b"FontFile2"[..], b"FontFile3", b"FontFile"]
            .iter()
            .find_map(|k| d.get(k).and_then(Object::as_reference).ok())
            .and_then(|r| pdf.get_object(r).ok())
            .and_then(|o| o.as_stream().ok());
        let Some(program) = program else { continue };
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        program.content.hash(&mut hasher);
        let mut h = hasher.finish();
        let tag: Vec<u8> = (0..6)
            .map(|_| {
                let c = b'A' + (h % 26) as u8;
                h /= 26;
                c
            })
            .collect();
        renames.push((name[..plus].to_vec(), tag));
    }
    for obj in pdf.objects.values_mut() {
        let Ok(d) = obj.as_dict_mut() else { continue };
        for key in [&b"BaseFont"[..], b"FontName"] {
            if let Ok(Object::Name(name)) = d.get_mut(key)
                && let Some(plus) = name.iter().position(|&b| b == b'+')
                && let Some((_, tag)) = renames.iter().find(|(old, _)| old[..] == name[..plus])
            {
                name.splice(..plus, tag.iter().copied());
            }
        }
    }
    let mut out = Vec::with_capacity(bytes.len());
    match pdf.save_to(&mut out) {
        Ok(()) => out,
        Err(_) => bytes,
    }
}
