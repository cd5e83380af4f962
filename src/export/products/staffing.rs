//! The staffing chart: community leaders, grid leaders and workers, liaison officers.

use crate::Document;
use crate::i18n::{T, staff_title};
use crate::layers::{Rgba, with_alpha};
use crate::model::{Staff, StaffRole};

use super::super::ExportOptions;
use super::super::layout::{
    ACCENT, Align, DARK, GREY, Layout, PT_PER_MM, RectMm, StrokeMm, TextMeasure, WHITE, shrink_to_fit, wrap,
};
use super::super::paper::PageSize;
use super::*;

/// The chart sized to fill the page: laid out once at a base text size, then again at the size
/// that makes it reach the footer (wide boxes and long names shrink on their own line, never cut).
pub fn staffing(doc: &Document, opts: &ExportOptions, page: PageSize, measure: &dyn TextMeasure) -> Layout {
    let u = unit(page);
    let base_pt = 8.0 * u;
    let (first, bottom, top) = staffing_at(doc, opts, page, measure, base_pt);
    let m = 8.0 * u;
    let room = page.height_mm - m - 6.0 * u - top;
    let used = (bottom - top).max(1.0);
    let grow = (room / used).clamp(1.0, 2.2);
    if grow <= 1.02 {
        return first;
    }
    // More cards a row may wrap at the larger size; shrink until the chart fits above the footer.
    let mut pt = base_pt * grow;
    while pt > base_pt * 1.05 {
        let (layout, bottom, _) = staffing_at(doc, opts, page, measure, pt);
        if bottom <= top + room {
            return layout;
        }
        pt *= 0.92;
    }
    first
}

/// Lays out the chart with text of `pt`; returns the layout, the bottom of the chart and the top of
/// the content below the header.
fn staffing_at(
    doc: &Document,
    opts: &ExportOptions,
    page: PageSize,
    measure: &dyn TextMeasure,
    pt: f32,
) -> (Layout, f32, f32) {
    let lang = opts.lang;
    let c = &doc.community;
    let mut l = Layout::new(page);
    let u = unit(page);
    let m = 8.0 * u;
    let top = header(&mut l, m, u, &title(doc, opts), &format!("{} · {}", c.info.subdistrict, opts.date));
    let w = page.width_mm - 2.0 * m;
    // Spacing grows with the text so the chart fills the page evenly.
    let s = pt / (8.0 * u);
    let line_h = pt / PT_PER_MM * 1.45;
    let connector = StrokeMm::solid(0.8 * u, GREY);
    let boxed = |l: &mut Layout, r: RectMm, lines: &[String], fill: Rgba, bold_first: bool| {
        l.rect(r, Some(fill), Some(StrokeMm::solid(0.7, DARK)));
        let y0 = r.y + (r.h - line_h * lines.len() as f32) / 2.0;
        for (i, text) in lines.iter().enumerate() {
            // Names and phones are never cut with "…": a line too wide is set smaller.
            let size = shrink_to_fit(measure, text, r.w - 2.0, pt, 4.0);
            l.text_styled(
                [r.x + r.w / 2.0, y0 + line_h * i as f32 + (pt - size) / PT_PER_MM / 2.0],
                text.as_str(),
                size,
                Align::Center,
                DARK,
                bold_first && i == 0,
            );
        }
    };
    // Tier 1: community leadership, each leader with title (translated when standard) and phone.
    let leaders: Vec<&Staff> = c.staff.iter().filter(|s| s.role == StaffRole::CommunityLeader).collect();
    let tier_h = 16.0 * u * s;
    let lead_lines: Vec<String> = std::iter::once(lang.tr(T::CommunityLeader).to_string())
        .chain(leaders.iter().map(|s| {
            let phone = if s.phone.trim().is_empty() { String::new() } else { format!(" {}", s.phone.trim()) };
            format!("{} {}{phone}", staff_title(lang, &s.title), s.name)
        }))
        .collect();
    let widest = lead_lines.iter().map(|t| measure.width_mm(t, pt)).fold(0.0, f32::max);
    let box_w = (widest + 6.0 * u).max(w / 5.0).min(w);
    let lead = RectMm::new(m + (w - box_w) / 2.0, top + 4.0 * u, box_w, line_h * (lead_lines.len() as f32 + 1.0));
    boxed(&mut l, lead, &lead_lines, [255, 228, 225, 255], true);
    // Tier 2 and 3: grid leaders, each with their workers below.
    let n = c.grids.len().max(1) as f32;
    let gap = 3.0 * u;
    let col_w = (w - gap * (n - 1.0)) / n;
    let y2 = lead.bottom() + 14.0 * u * s;
    let bus_y = lead.bottom() + 7.0 * u * s;
    l.line(vec![[lead.center()[0], lead.bottom()], [lead.center()[0], bus_y]], connector);
    if c.grids.len() > 1 {
        l.line(vec![[m + col_w / 2.0, bus_y], [m + w - col_w / 2.0, bus_y]], connector);
    }
    let mut y_after = y2;
    let palette = print_palette(doc);
    for (i, g) in c.grids.iter().enumerate() {
        let x = m + i as f32 * (col_w + gap);
        let cx = x + col_w / 2.0;
        l.line(vec![[cx, bus_y], [cx, y2]], connector);
        let leader = leader_of(doc, g);
        let lines = vec![
            g.name.clone(),
            format!("{} {}", lang.tr(T::PrintLeader), leader.map_or("—", |s| s.name.as_str())),
            leader.map_or(String::new(), |s| s.phone.clone()),
        ];
        let r = RectMm::new(x, y2, col_w, tier_h + line_h);
        boxed(&mut l, r, &lines, with_alpha(palette.colour(g.id).unwrap_or(g.colour), 255), true);
        // Each connector runs from the bottom of the box above to the top of the next, never over
        // a box (it used to start inside the previous worker's phone number).
        let mut above = r.bottom();
        for worker in workers_of(doc, g) {
            let wy = above + 5.0 * u * s;
            l.line(vec![[cx, above], [cx, wy]], connector);
            let wr = RectMm::new(x + col_w * 0.08, wy, col_w * 0.84, line_h * 3.4);
            boxed(
                &mut l,
                wr,
                &[lang.tr(T::PrintWorker).to_string(), worker.name.clone(), worker.phone.clone()],
                WHITE,
                false,
            );
            above = wr.bottom();
        }
        y_after = y_after.max(above);
    }
    // Tier 4: liaison officers (下沉力量) with the compounds they serve, every compound listed.
    let liaison: Vec<&Staff> = c.staff.iter().filter(|s| s.role.is_liaison()).collect();
    let ly = y_after + 8.0 * u * s;
    l.text_styled([m, ly], lang.tr(T::PrintLiaisonOfficers), pt * 1.2, Align::Left, ACCENT, true);
    // As many cards a row as keep the longest compound name on one line.
    let widest_name = c.compounds.iter().map(|k| measure.width_mm(&format!("{}、", k.name), pt)).fold(0.0, f32::max);
    let per_row = (((w + gap) / (widest_name + 3.0 + gap)).floor() as usize).clamp(1, liaison.len().max(1));
    let k = per_row as f32;
    let lw = (w - gap * (k - 1.0)) / k;
    let cards: Vec<Vec<String>> = liaison
        .iter()
        .map(|s| {
            let compounds: Vec<String> =
                s.compound_ids.iter().filter_map(|id| c.compound(*id)).map(|k| k.name.clone()).collect();
            let mut lines = vec![role_name(lang, s.role).to_string(), s.name.clone(), s.phone.clone()];
            lines.extend(wrap(measure, &compounds.join("、"), lw - 2.0, pt));
            lines
        })
        .collect();
    let lines_max = cards.iter().map(Vec::len).max().unwrap_or(3);
    let card_y = ly + pt / PT_PER_MM * 2.2;
    let card_h = line_h * (lines_max as f32 + 0.8);
    for (i, lines) in cards.iter().enumerate() {
        let x = m + (i % per_row) as f32 * (lw + gap);
        let y = card_y + (i / per_row) as f32 * (card_h + gap);
        boxed(&mut l, RectMm::new(x, y, lw, card_h), lines, [232, 240, 250, 255], true);
    }
    let rows = cards.len().div_ceil(per_row).max(1) as f32;
    footer(&mut l, m, u, doc, opts);
    (l, card_y + rows * card_h + (rows - 1.0) * gap, top)
}
