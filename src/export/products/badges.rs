//! Staff badges (工作牌): cards of 85.6 × 54 mm or hanging badges of 90 × 120 mm, with photo, name,
//! role, grid and phone and a QR code of the phone as a vCard, laid out on A4 with crop marks; with
//! `badge_back`, a back page after each sheet, mirrored for long-edge duplex, with the duties and
//! the hotline. Only staff data is printed.

use std::sync::Arc;

use crate::Document;
use crate::i18n::{Lang, T, staff_title};
use crate::model::{Community, Staff, StaffRole};

use super::super::ExportOptions;
use super::super::layout::{
    ACCENT, Align, BLACK, DARK, GREY, Item, Layout, PT_PER_MM, PosMm, RectMm, StrokeMm, TextMeasure, WHITE, fit_text,
    shrink_to_fit, wrap,
};
use super::super::paper::PageSize;
use super::boards::silhouette;
use super::{footer, role_name, standard_duties, title};

/// The two badge formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BadgeSize {
    /// ID-1 card, 85.6 × 54 mm, landscape (a card holder or lanyard sleeve).
    #[default]
    Card,
    /// Hanging badge, 90 × 120 mm, portrait, with a larger photo.
    Hanging,
}

impl BadgeSize {
    pub const ALL: [Self; 2] = [Self::Card, Self::Hanging];

    /// The CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Card => "card",
            Self::Hanging => "hanging",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// Width and height in millimetres.
    pub fn size_mm(self) -> [f32; 2] {
        match self {
            Self::Card => [85.6, 54.0],
            Self::Hanging => [90.0, 120.0],
        }
    }

    pub fn label(self) -> T {
        match self {
            Self::Card => T::BadgeSizeCard,
            Self::Hanging => T::BadgeSizeHanging,
        }
    }
}

/// Badges are always cut from A4 portrait.
const A4: PageSize = PageSize { width_mm: 210.0, height_mm: 297.0 };
/// Paper edge kept free of cards and marks (office printers leave ~4 mm white).
const MARGIN_MM: f32 = 10.0;
/// Between cards: room for the crop marks of both neighbours and for the scissors.
const GAP_MM: f32 = 8.0;
/// A crop mark starts this far from the card's corner …
const MARK_OFFSET_MM: f32 = 1.5;
/// … and is this long: marks of neighbours facing each other in a gap never meet.
const MARK_LEN_MM: f32 = 2.3;
/// Coloured bands run this far past the cut, so a slightly wide cut leaves no white edge.
const BLEED_MM: f32 = 1.0;

/// The stroke of the crop marks (and nothing else on a badge page).
pub const CROP_MARK: StrokeMm = StrokeMm::solid(0.4, BLACK);
/// The stroke of each card's outline (the cut line, a light hairline).
pub const CARD_EDGE: StrokeMm = StrokeMm::solid(0.25, [205, 205, 205, 255]);

/// Where the badges of one sheet go on `page`: as many as fit inside the margins with gaps of at
/// least `GAP_MM`, the block centred on the page, row by row from the top left.
pub fn badge_slots(page: PageSize, size: BadgeSize) -> Vec<RectMm> {
    let [w, h] = size.size_mm();
    let fit = |room: f32, len: f32| ((room - 2.0 * MARGIN_MM + GAP_MM) / (len + GAP_MM)).floor().max(0.0) as usize;
    let (cols, rows) = (fit(page.width_mm, w), fit(page.height_mm, h));
    let span = |n: usize, len: f32| n as f32 * len + n.saturating_sub(1) as f32 * GAP_MM;
    let x0 = (page.width_mm - span(cols, w)) / 2.0;
    let y0 = (page.height_mm - span(rows, h)) / 2.0;
    (0..rows)
        .flat_map(|r| (0..cols).map(move |c| (r, c)))
        .map(|(r, c)| RectMm::new(x0 + c as f32 * (w + GAP_MM), y0 + r as f32 * (h + GAP_MM), w, h))
        .collect()
}

/// The slot on the back page behind `front`: mirrored left ↔ right, as a long-edge duplex turns the sheet.
pub fn badge_back_slot(page: PageSize, front: RectMm) -> RectMm {
    RectMm::new(page.width_mm - front.right(), front.y, front.w, front.h)
}

/// The crop marks of a card: at each corner a short line along each edge, outside the card.
pub fn crop_marks(r: RectMm) -> Vec<[PosMm; 2]> {
    let (near, far) = (MARK_OFFSET_MM, MARK_OFFSET_MM + MARK_LEN_MM);
    let mut out = Vec::with_capacity(8);
    for (x, sx) in [(r.x, -1.0), (r.right(), 1.0)] {
        for (y, sy) in [(r.y, -1.0), (r.bottom(), 1.0)] {
            out.push([[x + sx * near, y], [x + sx * far, y]]);
            out.push([[x, y + sy * near], [x, y + sy * far]]);
        }
    }
    out
}

/// A vCard 3.0 with the name, the phone, the community as organisation and the role as title.
pub fn vcard(name: &str, phone: &str, org: &str, role: &str) -> String {
    let esc =
        |s: &str| s.trim().replace('\\', "\\\\").replace(',', "\\,").replace(';', "\\;").replace(['\r', '\n'], " ");
    let mut v = format!("BEGIN:VCARD\r\nVERSION:3.0\r\nN:{};;;;\r\nFN:{}\r\n", esc(name), esc(name));
    if !phone.trim().is_empty() {
        v.push_str(&format!("TEL;TYPE=CELL:{}\r\n", esc(phone)));
    }
    v.push_str(&format!("ORG:{}\r\nTITLE:{}\r\nEND:VCARD\r\n", esc(org), esc(role)));
    v
}

/// A QR code's modules, row by row (`true` dark), and its width in modules.
struct Qr {
    width: usize,
    dark: Vec<bool>,
}

impl Qr {
    fn new(text: &str) -> Option<Self> {
        let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
        let dark = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
        Some(Self { width: code.width(), dark })
    }

    /// Black squares in `r` (a square), with a quiet zone of two modules inside it; each run of
    /// dark modules in a row is one rectangle.
    fn draw(&self, l: &mut Layout, r: RectMm) {
        let module = r.w / (self.width + 4) as f32;
        let origin = [r.x + 2.0 * module, r.y + 2.0 * module];
        for (y, row) in self.dark.chunks(self.width).enumerate() {
            let mut x = 0;
            while x < row.len() {
                if !row[x] {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < row.len() && row[x] {
                    x += 1;
                }
                let run = RectMm::new(
                    origin[0] + start as f32 * module,
                    origin[1] + y as f32 * module,
                    (x - start) as f32 * module,
                    module,
                );
                l.rect(run, Some(BLACK), None);
            }
        }
    }
}

/// What one badge says, in the print language.
struct Badge<'a> {
    staff: &'a Staff,
    /// "网格长 · 党委书记": the role, and the title when it says more.
    role_line: String,
    /// The grid ("网格：第一网格") or a liaison officer's compounds; none for the leadership.
    place: Option<String>,
    qr: Option<Qr>,
    duties: String,
}

impl<'a> Badge<'a> {
    fn new(c: &Community, lang: Lang, s: &'a Staff, with_qr: bool) -> Self {
        let role = role_name(lang, s.role);
        let title = staff_title(lang, &s.title);
        // The title alone when it already names the role (专职网格员, not 网格员 · 专职网格员).
        let says_role = title.to_lowercase().contains(&role.to_lowercase());
        let role_line = if title.is_empty() || title == role {
            role.to_string()
        } else if says_role {
            title
        } else {
            format!("{role} · {title}")
        };
        let place = if s.role.is_liaison() {
            let names: Vec<&str> =
                s.compound_ids.iter().filter_map(|id| c.compound(*id)).map(|k| k.name.as_str()).collect();
            (!names.is_empty()).then(|| format!("{}{}", lang.tr(T::BadgeCompounds), names.join("、")))
        } else {
            s.grid_id.and_then(|g| c.grid(g)).map(|g| format!("{}{}", lang.tr(T::BadgeGrid), g.name))
        };
        let qr = with_qr.then(|| Qr::new(&vcard(&s.name, &s.phone, &c.info.name, role))).flatten();
        let duties = if s.duties.trim().is_empty() {
            match s.role {
                StaffRole::CommunityLeader => lang.tr(T::BadgeLeaderDuties),
                r if r.is_liaison() => lang.tr(T::BadgeLiaisonDuties),
                r => standard_duties(lang, r).unwrap_or_default(),
            }
            .to_string()
        } else {
            s.duties.trim().to_string()
        };
        Self { staff: s, role_line, place, qr, duties }
    }
}

/// The staff in the staffing chart's order: the leadership, each grid's leader and workers, anyone
/// of a grid role without a grid, then the liaison officers. Everyone once.
fn badge_order(c: &Community) -> Vec<&Staff> {
    let mut out: Vec<&Staff> = c.staff.iter().filter(|s| s.role == StaffRole::CommunityLeader).collect();
    for g in &c.grids {
        out.extend(c.grid_staff(g.id).into_iter().filter(|s| matches!(s.role, StaffRole::GridLeader)));
        out.extend(c.grid_staff(g.id).into_iter().filter(|s| matches!(s.role, StaffRole::GridWorker)));
    }
    let placed: std::collections::HashSet<_> = out.iter().map(|s| s.id).collect();
    out.extend(
        c.staff
            .iter()
            .filter(|s| matches!(s.role, StaffRole::GridLeader | StaffRole::GridWorker) && !placed.contains(&s.id)),
    );
    out.extend(c.staff.iter().filter(|s| s.role.is_liaison()));
    out
}

/// The badge sheets: a front page per sheet, each followed by its back page when asked for.
pub fn badges(doc: &Document, opts: &ExportOptions, measure: &dyn TextMeasure) -> Vec<Layout> {
    let c = &doc.community;
    let lang = opts.lang;
    let slots = badge_slots(A4, opts.badge_size);
    let badges: Vec<Badge> = badge_order(c).into_iter().map(|s| Badge::new(c, lang, s, opts.badge_qr)).collect();
    let per_sheet = slots.len().max(1);
    let sheets = badges.len().div_ceil(per_sheet).max(1);
    let mut pages = Vec::new();
    for i in 0..sheets {
        let on_sheet = badges.iter().skip(i * per_sheet).take(per_sheet);
        let mut front = sheet_page(doc, opts, lang.tr(T::BadgeFront), i, sheets);
        for (b, r) in on_sheet.clone().zip(&slots) {
            card_outline(&mut front, *r);
            match opts.badge_size {
                BadgeSize::Card => card_front(&mut front, measure, c, lang, b, *r),
                BadgeSize::Hanging => hanging_front(&mut front, measure, c, lang, b, *r),
            }
        }
        pages.push(front);
        if opts.badge_back {
            let mut back = sheet_page(doc, opts, lang.tr(T::BadgeBackSide), i, sheets);
            for (b, r) in on_sheet.zip(&slots) {
                let r = badge_back_slot(A4, *r);
                card_outline(&mut back, r);
                badge_back(&mut back, measure, c, lang, b, r, opts.badge_size);
            }
            pages.push(back);
        }
    }
    pages
}

/// An A4 page with the caption (title, side, sheet number, cutting hint) and the footer.
fn sheet_page(doc: &Document, opts: &ExportOptions, side: &str, i: usize, n: usize) -> Layout {
    let mut l = Layout::new(A4);
    let lang = opts.lang;
    let caption = format!("{} · {side} {}/{n} · {}", title(doc, opts), i + 1, lang.tr(T::BadgeCutHint));
    l.text_styled([A4.width_mm / 2.0, 8.0], caption, 8.0, Align::Center, GREY, false);
    footer(&mut l, MARGIN_MM, 1.0, doc, opts);
    l
}

/// The card's cut line as a hairline and its crop marks.
fn card_outline(l: &mut Layout, r: RectMm) {
    l.rect(r, Some(WHITE), Some(CARD_EDGE));
    for [a, b] in crop_marks(r) {
        l.line(vec![a, b], CROP_MARK);
    }
}

/// The accent band across the top of a card, bled past the cut on three sides.
fn band(l: &mut Layout, r: RectMm, h: f32) {
    l.rect(RectMm::new(r.x - BLEED_MM, r.y - BLEED_MM, r.w + 2.0 * BLEED_MM, h + BLEED_MM), Some(ACCENT), None);
}

/// The photo, or a neutral silhouette marked "照片" where there is none.
fn photo(l: &mut Layout, lang: Lang, s: &Staff, r: RectMm) {
    match &s.photo {
        Some(bytes) => {
            l.items.push(Item::Image { rect: r, data: Arc::new(bytes.clone()) });
            l.rect(r, None, Some(StrokeMm::solid(0.4, GREY)));
        }
        None => {
            silhouette(l, r);
            let pt = (r.w * 0.28).min(9.0);
            l.text_styled([r.center()[0], r.y + 1.2], lang.tr(T::BadgePhoto), pt, Align::Center, GREY, false);
        }
    }
}

/// `text` wrapped into `width_mm`, at the largest size from `max_pt` down to `min_pt` whose lines
/// fit `room_mm` of height (the last line shortened with "…" if even `min_pt` does not fit).
/// Returns the size and the lines.
fn fitted_lines(
    measure: &dyn TextMeasure,
    text: &str,
    width_mm: f32,
    room_mm: f32,
    max_pt: f32,
    min_pt: f32,
) -> (f32, Vec<String>) {
    let line_h = |pt: f32| pt / PT_PER_MM * 1.35;
    let mut pt = max_pt;
    loop {
        let lines = wrap(measure, text, width_mm, pt);
        if lines.len() as f32 * line_h(pt) <= room_mm + 0.01 || pt <= min_pt {
            let keep = ((room_mm / line_h(pt)).floor() as usize).max(1);
            if lines.len() <= keep {
                return (pt, lines);
            }
            let mut kept: Vec<String> = lines[..keep].to_vec();
            if let Some(last) = kept.last_mut() {
                *last = fit_text(measure, &format!("{last}{}", lines[keep]), width_mm, pt);
                if !last.ends_with('…') {
                    last.push('…');
                }
            }
            return (pt, kept);
        }
        pt = (pt - 0.5).max(min_pt);
    }
}

fn draw_lines(l: &mut Layout, lines: &[String], pos: PosMm, pt: f32, align: Align, color: [u8; 4]) {
    for (i, line) in lines.iter().enumerate() {
        l.text_styled([pos[0], pos[1] + i as f32 * pt / PT_PER_MM * 1.35], line, pt, align, color, false);
    }
}

/// The card front: band with the community and "工作牌", photo left, name, role, grid, phone, QR
/// code bottom right.
fn card_front(l: &mut Layout, measure: &dyn TextMeasure, c: &Community, lang: Lang, b: &Badge, r: RectMm) {
    let band_h = 10.0;
    band(l, r, band_h);
    let heading = lang.tr(T::BadgeTitle);
    let heading_pt = 11.0;
    let heading_w = measure.width_mm(heading, heading_pt);
    let name_room = r.w - 6.0 - heading_w - 3.0;
    let org_pt = shrink_to_fit(measure, &c.info.name, name_room, 9.5, 5.0);
    l.text_styled(
        [r.x + 3.0, r.y + (band_h - org_pt / PT_PER_MM) / 2.0],
        &c.info.name,
        org_pt,
        Align::Left,
        WHITE,
        true,
    );
    let heading_y = r.y + (band_h - heading_pt / PT_PER_MM) / 2.0;
    l.text_styled([r.right() - 3.0, heading_y], heading, heading_pt, Align::Right, WHITE, true);

    let pic = RectMm::new(r.x + 4.0, r.y + band_h + 3.5, 24.0, 32.0);
    photo(l, lang, b.staff, pic);
    let tx = pic.right() + 3.5;
    let full_w = r.right() - 3.0 - tx;
    let qr_box = b.qr.as_ref().map(|_| RectMm::new(r.right() - 2.5 - 21.0, r.bottom() - 2.5 - 21.0, 21.0, 21.0));
    let narrow_w = qr_box.map_or(full_w, |q| q.x - 1.0 - tx);
    let name_pt = shrink_to_fit(measure, &b.staff.name, full_w, 15.0, 7.0);
    l.text_styled([tx, r.y + band_h + 3.0], &b.staff.name, name_pt, Align::Left, DARK, true);
    let role_pt = shrink_to_fit(measure, &b.role_line, full_w, 8.0, 5.0);
    l.text_styled([tx, r.y + band_h + 10.5], &b.role_line, role_pt, Align::Left, ACCENT, true);
    let phone_pt = 9.5;
    let phone_y = pic.bottom() - phone_pt / PT_PER_MM;
    if let Some(place) = &b.place {
        let top = r.y + band_h + 15.0;
        let (pt, lines) = fitted_lines(measure, place, narrow_w, phone_y - 1.0 - top, 7.5, 5.5);
        draw_lines(l, &lines, [tx, top], pt, Align::Left, DARK);
    }
    phone_line(l, measure, lang, b, [tx, phone_y], narrow_w, phone_pt, Align::Left);
    if let (Some(qr), Some(q)) = (&b.qr, qr_box) {
        qr.draw(l, q);
    }
}

/// "电话 13812345678", shrunk to `width_mm`, never cut.
#[allow(clippy::too_many_arguments)]
fn phone_line(
    l: &mut Layout,
    measure: &dyn TextMeasure,
    lang: Lang,
    b: &Badge,
    pos: PosMm,
    width_mm: f32,
    pt: f32,
    align: Align,
) {
    let phone = b.staff.phone.trim();
    if phone.is_empty() {
        return;
    }
    let text = format!("{} {phone}", lang.tr(T::Phone));
    let size = shrink_to_fit(measure, &text, width_mm, pt, 5.0);
    l.text_styled([pos[0], pos[1] + (pt - size) / PT_PER_MM], text, size, align, DARK, true);
}

/// The hanging badge front: band, large photo centred, name and role under it, then grid and phone
/// beside the QR code.
fn hanging_front(l: &mut Layout, measure: &dyn TextMeasure, c: &Community, lang: Lang, b: &Badge, r: RectMm) {
    let band_h = 20.0;
    band(l, r, band_h);
    let cx = r.center()[0];
    let org_pt = shrink_to_fit(measure, &c.info.name, r.w - 8.0, 11.0, 6.0);
    l.text_styled([cx, r.y + 2.8], &c.info.name, org_pt, Align::Center, WHITE, true);
    let heading = lang.tr(T::BadgeTitle);
    let heading_pt = shrink_to_fit(measure, heading, r.w - 8.0, 18.0, 8.0);
    l.text_styled([cx, r.y + 9.0], heading, heading_pt, Align::Center, WHITE, true);

    let pic = RectMm::new(cx - 16.5, r.y + band_h + 4.0, 33.0, 44.0);
    photo(l, lang, b.staff, pic);
    let name_pt = shrink_to_fit(measure, &b.staff.name, r.w - 8.0, 20.0, 9.0);
    l.text_styled([cx, pic.bottom() + 3.0], &b.staff.name, name_pt, Align::Center, DARK, true);
    let role_pt = shrink_to_fit(measure, &b.role_line, r.w - 8.0, 10.0, 6.0);
    l.text_styled([cx, pic.bottom() + 12.0], &b.role_line, role_pt, Align::Center, ACCENT, true);
    let rule_y = pic.bottom() + 18.0;
    l.line(vec![[r.x + 6.0, rule_y], [r.right() - 6.0, rule_y]], StrokeMm::solid(0.5, [220, 220, 220, 255]));

    let tx = r.x + 6.0;
    let qr_box = b.qr.as_ref().map(|_| RectMm::new(r.right() - 4.0 - 25.0, r.bottom() - 4.0 - 25.0, 25.0, 25.0));
    let width = qr_box.map_or(r.right() - 6.0, |q| q.x - 2.0) - tx;
    let phone_pt = 11.0;
    let phone_y = r.bottom() - 6.0 - phone_pt / PT_PER_MM;
    if let Some(place) = &b.place {
        let top = rule_y + 3.0;
        let (pt, lines) = fitted_lines(measure, place, width, phone_y - 1.5 - top, 9.0, 6.0);
        draw_lines(l, &lines, [tx, top], pt, Align::Left, DARK);
    }
    phone_line(l, measure, lang, b, [tx, phone_y], width, phone_pt, Align::Left);
    if let (Some(qr), Some(q)) = (&b.qr, qr_box) {
        qr.draw(l, q);
    }
}

/// The back: band with the community, the duties, the supervision hotline at the bottom.
fn badge_back(
    l: &mut Layout,
    measure: &dyn TextMeasure,
    c: &Community,
    lang: Lang,
    b: &Badge,
    r: RectMm,
    size: BadgeSize,
) {
    let k = if size == BadgeSize::Hanging { 1.35 } else { 1.0 };
    let band_h = 10.0 * k;
    band(l, r, band_h);
    let cx = r.center()[0];
    let org_pt = shrink_to_fit(measure, &c.info.name, r.w - 6.0, 10.0 * k, 5.0);
    l.text_styled([cx, r.y + (band_h - org_pt / PT_PER_MM) / 2.0], &c.info.name, org_pt, Align::Center, WHITE, true);
    let pad = 4.0 * k;
    let mut y = r.y + band_h + 3.0 * k;
    let heading = format!("{} · {}", lang.tr(T::BadgeDuties), b.staff.name);
    let heading_pt = shrink_to_fit(measure, &heading, r.w - 2.0 * pad, 8.5 * k, 5.0);
    l.text_styled([r.x + pad, y], heading, heading_pt, Align::Left, ACCENT, true);
    y += heading_pt / PT_PER_MM * 1.6;
    let hotline_pt = 9.0 * k;
    let hotline_y = r.bottom() - 3.0 * k - hotline_pt / PT_PER_MM;
    let text = format!("{}\n{}", b.duties, lang.tr(T::PrintPromise));
    let (pt, lines) = fitted_lines(measure, &text, r.w - 2.0 * pad, hotline_y - 2.0 - y, 8.5 * k, 5.0);
    draw_lines(l, &lines, [r.x + pad, y], pt, Align::Left, DARK);
    if !c.info.hotline.trim().is_empty() {
        let colon = if lang == Lang::En { ": " } else { "：" };
        let text = format!("{}{colon}{}", lang.tr(T::Hotline), c.info.hotline.trim());
        let size = shrink_to_fit(measure, &text, r.w - 2.0 * pad, hotline_pt, 5.0);
        l.text_styled([cx, hotline_y], text, size, Align::Center, ACCENT, true);
    }
}
