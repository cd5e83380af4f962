//! The Monday meeting report (例会周报) on A4 portrait: a summary page (every grid and the total,
//! the key figures, the overdue cases), then a page per grid (its figures, blind spots and cases of
//! the week); a list longer than its page runs on to pages of its own marked (续), never cut. The same figures as a workbook: a 汇总 sheet and a sheet per grid. The figures come
//! from [`crate::weekly`]; the reporter of a case is never printed.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::Document;
use crate::i18n::{Lang, T};
use crate::weekly::{GridWeek, WeekCase, WeekSpan, WeeklyReport};

use super::super::layout::{Layout, PT_PER_MM, TextMeasure, shrink_to_fit};
use super::super::paper::PageSize;
use super::super::{ExportError, ExportOptions};
use super::flow::{Flow, M};
use super::*;

/// The report of the week `opts.week`, or of last week where the community is.
pub fn weekly_report(doc: &Document, opts: &ExportOptions) -> Result<WeeklyReport, ExportError> {
    let now = crate::time::now_timestamp();
    let week = match &opts.week {
        Some(w) => w.clone(),
        None => WeekSpan::last_week(now, &crate::time::time_zone(&doc.community.info.time_zone))?,
    };
    Ok(crate::weekly::report(doc, &week, now))
}

fn grid_label(g: &GridWeek) -> String {
    g.name.clone()
}

/// The status of a case with what happened to it in the week.
fn case_status(lang: Lang, k: &WeekCase) -> String {
    let mut s = lang.tr(k.status.label()).to_string();
    if let Some(d) = k.days_overdue {
        s.push_str(&format!(" · {} {d}", lang.tr(T::WeeklyOverdueCases)));
    }
    s
}

pub fn weekly(
    doc: &Document,
    opts: &ExportOptions,
    page: PageSize,
    measure: &dyn TextMeasure,
) -> Result<Vec<Layout>, ExportError> {
    let r = weekly_report(doc, opts)?;
    let mut pages = summary_pages(doc, opts, page, measure, &r);
    for g in &r.grids {
        pages.extend(grid_pages(doc, opts, page, measure, &r, g));
    }
    Ok(pages)
}

fn subtitle(doc: &Document, r: &WeeklyReport) -> String {
    format!("{} · {} ({})", doc.community.info.subdistrict, r.week.label(), r.week.range_text())
}

fn summary_pages(
    doc: &Document,
    opts: &ExportOptions,
    page: PageSize,
    measure: &dyn TextMeasure,
    r: &WeeklyReport,
) -> Vec<Layout> {
    let lang = opts.lang;
    let mut f = Flow::new(doc, opts, page, title(doc, opts), subtitle(doc, r));
    // The note goes at the foot of the last summary page: keep its room on every one.
    let note_h = 16.0;
    f.foot_mm = note_h;
    let w = f.width();
    // Key figures as a row of boxes.
    let t = &r.total;
    let figures = t.summary_figures();
    f.heading(lang.tr(T::WeeklyKeyFigures).to_string(), 17.0);
    let y = f.y;
    let bw = w / figures.len() as f32;
    for (i, (key, value)) in figures.iter().enumerate() {
        let x = M + bw * i as f32;
        let rect = RectMm::new(x + 0.6, y, bw - 1.2, 17.0);
        f.l.rect(rect, Some([244, 246, 250, 255]), Some(StrokeMm::solid(0.4, GREY)));
        let size = shrink_to_fit(measure, value, bw - 3.0, 14.0, 7.0);
        f.l.text_styled([x + bw / 2.0, y + 2.5], value.as_str(), size, Align::Center, ACCENT, true);
        let label = lang.tr(*key);
        let lsize = shrink_to_fit(measure, label, bw - 2.0, 7.0, 4.5);
        f.l.text_styled([x + bw / 2.0, y + 11.5], label, lsize, Align::Center, GREY, false);
    }
    f.y += 24.0;
    // All grids and the total.
    let cols_w = [0.15, 0.15, 0.08, 0.07, 0.07, 0.08, 0.06, 0.06, 0.08, 0.08, 0.12];
    let heads = [T::Grid, T::GridCode].into_iter().chain(figures.iter().map(|(k, _)| *k)).map(|k| lang.tr(k));
    let cols: Vec<(&str, f32)> = heads.zip(cols_w).map(|(h, f)| (h, w * f)).collect();
    let row = |g: &GridWeek, name: String| {
        [name, g.code.clone()].into_iter().chain(g.summary_figures().into_iter().map(|(_, v)| v)).collect()
    };
    let mut rows: Vec<Vec<String>> = r.grids.iter().map(|g| row(g, grid_label(g))).collect();
    rows.push(row(t, lang.tr(T::WeeklyTotal).to_string()));
    f.table(measure, &cols, &rows, 8.0);
    f.y += 6.0;
    // Overdue cases, every one: no reporter, no phone.
    f.heading(lang.tr(T::WeeklyOverdueList).to_string(), 12.0);
    let overdue = crate::weekly::overdue_cases(r);
    if overdue.is_empty() {
        f.lines(vec![lang.tr(T::WeeklyNone).to_string()], 9.0);
    } else {
        let cols_w = [0.1, 0.2, 0.2, 0.35, 0.15];
        let heads = [
            lang.tr(T::WeeklyCaseNo),
            lang.tr(T::WeeklyCategory),
            lang.tr(T::Grid),
            lang.tr(T::WeeklyBuilding),
            lang.tr(T::WeeklyDaysOverdue),
        ];
        let cols: Vec<(&str, f32)> = heads.iter().zip(cols_w).map(|(h, f)| (*h, w * f)).collect();
        let grid_name = |k: &WeekCase| {
            r.grids.iter().find(|g| g.cases.iter().any(|x| x.id == k.id)).map_or_else(|| "—".to_string(), grid_label)
        };
        let rows: Vec<Vec<String>> = overdue
            .iter()
            .map(|k| {
                vec![
                    format!("#{}", k.id.get()),
                    lang.tr(k.category.label()).to_string(),
                    grid_name(k),
                    if k.building.is_empty() { "—".into() } else { k.building.clone() },
                    k.days_overdue.unwrap_or(0).to_string(),
                ]
            })
            .collect();
        f.table(measure, &cols, &rows, 8.0);
    }
    let note_y = f.bottom() + 2.0;
    f.l.paragraph(measure, [M, note_y], w, lang.tr(T::WeeklyNote), 7.5);
    f.finish()
}

fn grid_pages(
    doc: &Document,
    opts: &ExportOptions,
    page: PageSize,
    measure: &dyn TextMeasure,
    r: &WeeklyReport,
    g: &GridWeek,
) -> Vec<Layout> {
    let lang = opts.lang;
    let head = format!("{} {} · {}", g.name, g.code, lang.tr(T::ProductWeekly));
    let mut f = Flow::new(doc, opts, page, head, subtitle(doc, r));
    let w = f.width();
    // Figures, two columns of label and value.
    let patrol = (T::WeeklyPatrolled, format!("{} / {}", g.half_days_patrolled, g.half_days_required));
    let figures = g.key_figures(patrol);
    f.heading(lang.tr(T::WeeklyKeyFigures).to_string(), 0.0);
    let y = f.y;
    let half = w / 2.0;
    let rows_n = figures.len().div_ceil(2);
    for (i, (key, value)) in figures.iter().enumerate() {
        let (col, rowi) = (i / rows_n, i % rows_n);
        let x = M + half * col as f32;
        let yy = y + 7.0 * rowi as f32;
        f.l.text([x + 1.0, yy + 1.5], lang.tr(*key), 9.5, Align::Left);
        f.l.text_styled([x + half - 4.0, yy + 1.0], value.as_str(), 11.0, Align::Right, ACCENT, true);
        f.l.line(vec![[x, yy + 6.5], [x + half - 2.0, yy + 6.5]], StrokeMm::solid(0.3, GREY));
    }
    f.y += 7.0 * rows_n as f32 + 6.0;
    // Blind spots by name, every one.
    let line_h = 9.0 / PT_PER_MM * 1.45;
    f.heading(format!("{} ({})", lang.tr(T::WeeklyBlindSpots), g.blind_spots.len()), line_h);
    let names = if g.blind_spots.is_empty() {
        lang.tr(T::WeeklyNone).to_string()
    } else {
        g.blind_spots.iter().map(|b| b.name.as_str()).collect::<Vec<_>>().join(if lang == Lang::En {
            ", "
        } else {
            "、"
        })
    };
    f.lines(super::super::layout::wrap(measure, &names, w, 9.0), 9.0);
    f.y += 6.0;
    // Cases of the week, every one.
    f.heading(format!("{} ({})", lang.tr(T::WeeklyCasesOfWeek), g.cases.len()), 12.0);
    if g.cases.is_empty() {
        f.lines(vec![lang.tr(T::WeeklyNone).to_string()], 9.0);
    } else {
        let cols_w = [0.08, 0.14, 0.18, 0.2, 0.4];
        let heads = [
            lang.tr(T::WeeklyCaseNo),
            lang.tr(T::WeeklyCategory),
            lang.tr(T::WeeklyStatus),
            lang.tr(T::WeeklyBuilding),
            lang.tr(T::WeeklyDescription),
        ];
        let cols: Vec<(&str, f32)> = heads.iter().zip(cols_w).map(|(h, f)| (*h, w * f)).collect();
        let rows: Vec<Vec<String>> = g
            .cases
            .iter()
            .map(|k| {
                vec![
                    format!("#{}", k.id.get()),
                    lang.tr(k.category.label()).to_string(),
                    case_status(lang, k),
                    if k.building.is_empty() { "—".into() } else { k.building.clone() },
                    k.description.clone(),
                ]
            })
            .collect();
        f.table(measure, &cols, &rows, 8.0);
    }
    f.finish()
}

/// The report as a workbook: a summary sheet (every grid and the total), then a sheet per grid with
/// its figures, blind spots and cases. Numbers are numbers.
pub fn weekly_xlsx(doc: &Document, r: &WeeklyReport, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name(lang.tr(T::WeeklySummary))?;
    sheet.write_string_with_format(0, 0, format!("{}{}", doc.community.info.name, lang.tr(T::WeeklyTitle)), &bold)?;
    sheet.write_string(1, 0, format!("{} ({})", r.week.label(), r.week.range_text()))?;
    let heads = [
        T::Grid,
        T::GridCode,
        T::WeeklyPatrolShort,
        T::WeeklyPatrolled,
        T::WeeklyCompliance,
        T::WeeklyBlindSpots,
        T::WeeklyNewCases,
        T::WeeklyClosedCases,
        T::WeeklyOverdueCases,
        T::WeeklyEscalatedCases,
        T::WeeklyDataChanges,
        T::WeeklyEveningHours,
    ];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(3, c as u16, lang.tr(*h), &bold)?;
        sheet.set_column_width(c as u16, 12.0)?;
    }
    // Columns: grid, code, patrolled, required, compliance %, then counts.
    let write_row = |sheet: &mut rust_xlsxwriter::Worksheet, row: u32, g: &GridWeek, name: &str| {
        sheet.write_string(row, 0, name)?;
        sheet.write_string(row, 1, &g.code)?;
        sheet.write_number(row, 2, g.half_days_patrolled as f64)?;
        sheet.write_number(row, 3, g.half_days_required as f64)?;
        if let Some(p) = g.compliance_pct() {
            sheet.write_number(row, 4, (p * 10.0).round() / 10.0)?;
        }
        let counts =
            [g.blind_spots.len(), g.cases_new, g.cases_closed, g.cases_overdue, g.cases_escalated, g.data_changes];
        for (i, n) in counts.iter().enumerate() {
            sheet.write_number(row, 5 + i as u16, *n as f64)?;
        }
        sheet.write_number(row, 11, (g.evening_hours() * 10.0).round() / 10.0)?;
        Ok::<(), XlsxError>(())
    };
    let mut row = 4u32;
    for g in &r.grids {
        write_row(sheet, row, g, &g.name)?;
        row += 1;
    }
    write_row(sheet, row, &r.total, lang.tr(T::WeeklyTotal))?;
    sheet.set_freeze_panes(4, 0)?;
    let mut used: Vec<String> = vec![lang.tr(T::WeeklySummary).to_string()];
    for g in &r.grids {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&g.name, &g.code, &mut used))?;
        sheet.write_string_with_format(0, 0, format!("{} {}", g.name, g.code), &bold)?;
        sheet.write_string(1, 0, r.week.label())?;
        write_row(sheet, 3, g, &g.name)?;
        for (c, h) in heads.iter().enumerate() {
            sheet.write_string_with_format(2, c as u16, lang.tr(*h), &bold)?;
            sheet.set_column_width(c as u16, 12.0)?;
        }
        let mut row = 5u32;
        sheet.write_string_with_format(row, 0, lang.tr(T::WeeklyBlindSpots), &bold)?;
        row += 1;
        for b in &g.blind_spots {
            sheet.write_string(row, 0, &b.name)?;
            row += 1;
        }
        row += 1;
        sheet.write_string_with_format(row, 0, lang.tr(T::WeeklyCasesOfWeek), &bold)?;
        row += 1;
        let case_heads = [T::WeeklyCaseNo, T::WeeklyCategory, T::WeeklyStatus, T::WeeklyBuilding, T::WeeklyDescription];
        for (c, h) in case_heads.iter().enumerate() {
            sheet.write_string_with_format(row, c as u16, lang.tr(*h), &bold)?;
        }
        row += 1;
        for k in &g.cases {
            sheet.write_number(row, 0, k.id.get() as f64)?;
            sheet.write_string(row, 1, lang.tr(k.category.label()))?;
            sheet.write_string(row, 2, case_status(lang, k))?;
            sheet.write_string(row, 3, &k.building)?;
            sheet.write_string(row, 4, &k.description)?;
            row += 1;
        }
        sheet.set_column_width(4, 50.0)?;
    }
    book.save_to_buffer()
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`), unique in the book.
fn sheet_name(name: &str, code: &str, used: &mut Vec<String>) -> String {
    let clean = |s: &str| s.chars().filter(|c| !"[]:*?/\\'".contains(*c)).take(31).collect::<String>();
    let mut n = clean(name);
    if n.trim().is_empty() || used.contains(&n) {
        n = clean(&format!("{name} {code}"));
    }
    let base = n.clone();
    let mut i = 2;
    while n.trim().is_empty() || used.contains(&n) {
        n = clean(&format!("{base} {i}"));
        i += 1;
    }
    used.push(n.clone());
    n
}
