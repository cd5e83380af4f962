//! The case sheet (事件处理单): one A4 portrait sheet per case for the case file and the handler —
//! what, where (a locator map), when it is due, every step of its workflow with who did it, its photos, and lines
//! for the signature and the follow-up call. The reporter is the office's contact, so the sheet
//! carries the name and phone masked (欧**, 139****0321): enough to recognise, not to publish.

use std::sync::Arc;

use crate::Document;
use crate::i18n::T;
use crate::model::{Case, OfficeRules};

use super::super::ExportOptions;
use super::super::layout::{Item, Layout, RectMm, StrokeMm, TextMeasure, shrink_to_fit};
use super::super::paper::PageSize;
use super::flow::{Flow, M};
use super::{Align, DARK, GREY, MapSpec, by_grid_fills, focus_fills, framed_map};
use crate::export::layout::MapFrame;
use crate::layers::MapRect;

/// Photos printed per case (the first ones added); the sheet says how many more are on file.
pub const MAX_PHOTOS: usize = 4;

/// The cases `opts.cases` names (in that order, unknown ids skipped), or every open case by number.
pub fn chosen_cases<'a>(doc: &'a Document, opts: &ExportOptions) -> Vec<&'a Case> {
    let c = &doc.community;
    match &opts.cases {
        Some(ids) => ids.iter().filter_map(|id| c.case(*id)).collect(),
        None => {
            let mut open: Vec<&Case> = c.cases.iter().filter(|k| !k.status().is_closed()).collect();
            open.sort_by_key(|k| k.id);
            open
        }
    }
}

/// The sheets of the chosen cases; one page saying there is none when the choice is empty.
pub fn case_sheets(doc: &Document, opts: &ExportOptions, page: PageSize, measure: &dyn TextMeasure) -> Vec<Layout> {
    let cases = chosen_cases(doc, opts);
    let title = super::title(doc, opts);
    if cases.is_empty() {
        let mut f = Flow::new(doc, opts, page, title, doc.community.info.subdistrict.clone());
        f.lines(vec![opts.lang.tr(T::CaseSheetNone).to_string()], 10.0);
        return f.finish();
    }
    cases.into_iter().flat_map(|k| sheet(doc, opts, page, measure, &title, k)).collect()
}

/// "2026-11-23 09:00" of an RFC 3339 time in the community's offset (as stored).
fn minute(time: &str) -> String {
    time.get(..16).map_or_else(|| time.to_string(), |t| t.replacen('T', " ", 1))
}

/// A name with all but its first character masked: 欧阳淑芬 → 欧***.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// A phone with its middle masked: 13987650321 → 139****0321; short numbers keep their last two.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.trim().chars().collect();
    let n = digits.len();
    if n >= 7 {
        let keep_end = 4;
        let keep_start = 3;
        digits[..keep_start]
            .iter()
            .chain(std::iter::repeat_n(&'*', n - keep_start - keep_end))
            .chain(&digits[n - keep_end..])
            .collect()
    } else {
        let keep = n.min(2);
        std::iter::repeat_n('*', n - keep).chain(digits[n - keep..].iter().copied()).collect()
    }
}

fn deadline_text(rules: &OfficeRules, k: &Case, tz: &str) -> String {
    crate::cases::deadline(rules, k).map_or_else(|| "—".to_string(), |d| minute(&crate::time::rfc3339_at(d, tz)))
}

/// The scale of the locator map: a building and its street neighbours across the sheet.
pub const LOCATOR_SCALE: u32 = 2000;

/// Where the case is: a strip of map at [`LOCATOR_SCALE`] centred on it, its grid in colour, its
/// building outlined and the case marked as on screen (status colour, ringed).
fn locator_map(f: &mut Flow<'_>, doc: &Document, opts: &ExportOptions, k: &Case) {
    let c = &doc.community;
    // Low enough that a case with five steps and four photos still fits on one sheet.
    let (w, h) = (f.width(), 45.0);
    f.room_for(h + 5.0);
    let frame = RectMm::new(M, f.y, w, h);
    let centre = doc.scene.to_map(k.position.0);
    let m_per_mm = LOCATOR_SCALE as f32 / 1000.0;
    let (half_w, half_h) = (w * m_per_mm / 2.0, h * m_per_mm / 2.0);
    let extent =
        MapRect { min: [centre[0] - half_w, centre[1] - half_h], max: [centre[0] + half_w, centre[1] + half_h] };
    let grid = crate::cases::case_grid(c, k);
    let base = by_grid_fills(doc, opts.lang);
    let fills = grid.map_or_else(|| base.clone(), |g| focus_fills(doc, &base, g));
    let marker = crate::layers::cases::CaseMarker {
        id: k.id,
        pos: centre,
        status: k.status(),
        overdue: crate::cases::is_overdue(&c.info.rules, k, crate::time::now_timestamp()),
    };
    // Twice the screen's marker: on the sheet it is the one thing the map is for.
    let overlays =
        crate::layers::cases::marker_shapes(&[marker], MapFrame::device_per_m(LOCATOR_SCALE) / 2.0, Some(k.id));
    let spec = MapSpec {
        frame,
        extent,
        scale: Some(LOCATOR_SCALE),
        focus_grid: grid,
        selected_building: k.building_id,
        text_scale: 0.8,
        grid_labels: None,
        fills: &fills,
        overlays: &overlays,
        hatch: opts.hatch,
        dashed_grid_edges: true,
    };
    framed_map(&mut f.l, doc, &spec, 0.5, Some(opts.lang));
    f.y += h + 5.0;
}

fn sheet(
    doc: &Document,
    opts: &ExportOptions,
    page: PageSize,
    measure: &dyn TextMeasure,
    title: &str,
    k: &Case,
) -> Vec<Layout> {
    let c = &doc.community;
    let lang = opts.lang;
    let tr = |t| lang.tr(t);
    let subtitle = format!("{} · #{} · {}", c.info.subdistrict, k.id.get(), tr(k.category.label()));
    let mut f = Flow::new(doc, opts, page, title.to_string(), subtitle);
    let w = f.width();
    let dash = || "—".to_string();
    let grid = crate::cases::case_grid(c, k).and_then(|g| c.grid(g)).map_or_else(dash, |g| g.name.clone());
    let building = k.building_id.and_then(|b| c.building(b)).map_or_else(dash, |b| b.name.clone());
    let mut status = tr(k.status().label()).to_string();
    if crate::cases::is_overdue(&c.info.rules, k, crate::time::now_timestamp()) {
        status.push_str(&format!(" · {}", tr(T::CaseOverdue)));
    }
    let reporter = match (mask_name(&k.reporter_name), mask_phone(&k.reporter_phone)) {
        (n, p) if n.is_empty() && p.is_empty() => dash(),
        (n, p) => [n, p].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" "),
    };
    let fields: [(T, String); 10] = [
        (T::WeeklyCaseNo, format!("#{}", k.id.get())),
        (T::CaseCategory, tr(k.category.label()).to_string()),
        (T::CaseSeverity, tr(k.severity.label()).to_string()),
        (T::CaseStatusLabel, status),
        (T::CaseGrid, grid),
        (T::CaseBuilding, building),
        (T::CaseSheetReported, minute(k.reported())),
        (T::CaseDeadline, deadline_text(&c.info.rules, k, &c.info.time_zone)),
        (T::CaseLocation, format!("{:.6}, {:.6}", k.position.x(), k.position.y())),
        (T::CaseReporter, reporter),
    ];
    // Two columns of label and value.
    let half = w / 2.0;
    let row_h = 7.0;
    let rows_n = fields.len().div_ceil(2);
    f.room_for(row_h * rows_n as f32);
    let y = f.y;
    for (i, (key, value)) in fields.iter().enumerate() {
        let (col, r) = (i % 2, i / 2);
        let x = M + half * col as f32;
        let yy = y + row_h * r as f32;
        f.l.text_styled([x + 1.0, yy + 1.5], tr(*key), 9.0, Align::Left, GREY, false);
        // A long value (a building's full name) is set smaller rather than run into the next column.
        let pt = shrink_to_fit(measure, value, half - 25.0, 10.0, 7.0);
        f.l.text_styled([x + 22.0, yy + 1.2], value.as_str(), pt, Align::Left, DARK, false);
        f.l.line(vec![[x, yy + 6.5], [x + half - 2.0, yy + 6.5]], StrokeMm::solid(0.3, GREY));
    }
    f.y += row_h * rows_n as f32 + 5.0;
    locator_map(&mut f, doc, opts, k);
    f.heading(tr(T::CaseDescription).to_string(), 6.0);
    let text = if k.description.trim().is_empty() { dash() } else { k.description.clone() };
    f.lines(super::super::layout::wrap(measure, &text, w, 10.0), 10.0);
    f.y += 5.0;
    // The workflow, every step.
    f.heading(tr(T::CaseSteps).to_string(), 12.0);
    let heads =
        [tr(T::CaseSheetTime), tr(T::CaseStatusLabel), tr(T::CaseEscalateTo), tr(T::CaseOperator), tr(T::CaseNote)];
    let cols: Vec<(&str, f32)> = heads.iter().zip([0.2, 0.13, 0.22, 0.13, 0.32]).map(|(h, p)| (*h, w * p)).collect();
    let staff_name = |id: Option<crate::model::StaffId>| id.and_then(|s| c.staff_member(s)).map(|s| s.name.clone());
    let rows: Vec<Vec<String>> = k
        .steps
        .iter()
        .map(|s| {
            let to = match (s.handler, staff_name(s.handler_staff)) {
                (Some(h), Some(n)) => format!("{} {n}", tr(h.label())),
                (Some(h), None) => tr(h.label()).to_string(),
                (None, _) => String::new(),
            };
            vec![
                minute(&s.time),
                tr(s.status.label()).to_string(),
                to,
                staff_name(s.operator).unwrap_or_default(),
                s.note.clone(),
            ]
        })
        .collect();
    f.table(measure, &cols, &rows, 8.5);
    f.y += 4.0;
    // Photos, in a row of up to four, each kept to its aspect inside its cell.
    if !k.photos.is_empty() {
        let cell = (w - 3.0 * 3.0) / MAX_PHOTOS as f32;
        let cell_h = cell * 0.75;
        f.heading(format!("{} ({})", tr(T::CasePhotos), k.photos.len()), cell_h);
        let y = f.y;
        for (i, photo) in k.photos.iter().take(MAX_PHOTOS).enumerate() {
            let rect = RectMm::new(M + (cell + 3.0) * i as f32, y, cell, cell_h);
            f.l.rect(rect, None, Some(StrokeMm::solid(0.3, GREY)));
            f.l.items.push(Item::Image { rect, data: Arc::new(photo.clone()) });
        }
        f.y += cell_h + 2.0;
        if k.photos.len() > MAX_PHOTOS {
            let more = lang.tr_n(T::CaseSheetMorePhotos, k.photos.len() - MAX_PHOTOS);
            f.l.text_styled([M, f.y], more, 8.0, Align::Left, GREY, false);
            f.y += 5.0;
        }
        f.y += 3.0;
    }
    // For the pen: the handler's signature, the follow-up call, the resident's satisfaction.
    let pen = [T::CaseSheetSignature, T::CaseSheetFollowUp, T::CaseSheetSatisfaction];
    f.room_for(10.0 * pen.len() as f32);
    for t in pen {
        f.y += 7.0;
        f.l.text_styled([M, f.y - 4.5], tr(t), 9.0, Align::Left, DARK, false);
        f.l.line(vec![[M + 30.0, f.y], [M + w, f.y]], StrokeMm::solid(0.3, GREY));
        f.y += 3.0;
    }
    f.y += 2.0;
    f.lines(super::super::layout::wrap(measure, tr(T::CaseSheetNote), w, 7.5), 7.5);
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_phones_are_masked_but_recognisable() {
        assert_eq!(mask_name("欧阳淑芬"), "欧***");
        assert_eq!(mask_name(" 王 "), "王");
        assert_eq!(mask_name(""), "");
        assert_eq!(mask_phone("13987650321"), "139****0321");
        assert_eq!(mask_phone("0592-5551234"), "059*****1234");
        assert_eq!(mask_phone("110"), "*10");
        assert_eq!(mask_phone(""), "");
    }
}
