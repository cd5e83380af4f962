//! The monthly assessment table (考核): staff ranked by their weighted score, with the figures
//! behind it and the leaders' comments; the same rows go to the PDF and the .xlsx.

use crate::Document;
use crate::assessment::{Month, StaffMonth};
use crate::i18n::{Lang, T};
use crate::model::Aspect;

use super::super::ExportOptions;
use super::super::layout::{Layout, PT_PER_MM, Table, TextMeasure};
use super::super::paper::PageSize;
use super::*;

fn score(s: Option<f64>) -> String {
    s.map_or_else(|| "—".to_string(), |s| format!("{s:.0}"))
}

/// The column headers of the table.
pub fn assessment_headers(lang: Lang) -> Vec<String> {
    let mut h: Vec<String> = [
        T::AssessRank,
        T::PrintName,
        T::PrintRole,
        T::Grid,
        T::AssessPatrol,
        T::AssessOwnRounds,
        T::AssessCases,
        T::AssessData,
        T::AssessEvening,
        T::PrintDaysOff,
    ]
    .iter()
    .map(|k| lang.tr(*k).to_string())
    .collect();
    h.extend(Aspect::ALL.iter().map(|a| lang.tr(a.label()).to_string()));
    h.push(lang.tr(T::AssessTotal).to_string());
    h
}

/// One row per assessed person, in rank order.
pub fn assessment_rows(doc: &Document, lang: Lang, months: &[StaffMonth]) -> Vec<Vec<String>> {
    let c = &doc.community;
    months
        .iter()
        .map(|m| {
            let grid = m
                .grid
                .and_then(|g| c.grid(g))
                .map_or_else(String::new, |g| g.name.replace(&c.info.name.replace("社区", ""), ""));
            let mut row = vec![
                m.rank.to_string(),
                m.name.clone(),
                role_name(lang, m.role).to_string(),
                grid,
                format!("{}/{} ({})", m.grid_rounds, m.rounds_required, score(m.patrol_score)),
                m.own_rounds.to_string(),
                format!("{}/{}/{}", m.cases_handled, m.cases_closed, m.cases_closed_on_time),
                m.data_updates.to_string(),
                format!("{:.1}", m.evening_hours),
                m.days_off_earned().to_string(),
            ];
            match &m.aspects {
                Some(a) => row.extend(a.scores.iter().map(|s| s.to_string())),
                None => row.extend(std::iter::repeat_n("—".to_string(), 5)),
            }
            row.push(format!("{:.1}", m.total));
            row
        })
        .collect()
}

pub fn assessment(
    doc: &Document,
    opts: &ExportOptions,
    page: PageSize,
    measure: &dyn TextMeasure,
    month: &Month,
    months: &[StaffMonth],
) -> Layout {
    let lang = opts.lang;
    let c = &doc.community;
    let mut l = Layout::new(page);
    let u = unit(page);
    let m = 8.0 * u;
    let w = c.info.rules.weights;
    let subtitle = format!(
        "{} · {} · {}",
        c.info.subdistrict,
        month.text,
        lang.tr(T::AssessWeights)
            .replace("{patrol}", &w.patrol.to_string())
            .replace("{cases}", &w.cases.to_string())
            .replace("{data}", &w.data.to_string())
            .replace("{evening}", &w.evening.to_string())
            .replace("{aspects}", &w.aspects.to_string())
    );
    let top = header(&mut l, m, u, &title(doc, opts), &subtitle);
    let headers = assessment_headers(lang);
    let rows = assessment_rows(doc, lang, months);
    let width = page.width_mm - 2.0 * m;
    // Shares of the width: rank, name, role, grid, patrol, own, cases, data, evening, days off, 5 aspects, total.
    let shares = [0.04, 0.08, 0.08, 0.1, 0.1, 0.06, 0.08, 0.06, 0.06, 0.06, 0.04, 0.04, 0.04, 0.04, 0.04, 0.08];
    let sum: f32 = shares.iter().sum();
    let cols: Vec<(&str, f32)> = headers.iter().zip(shares).map(|(h, s)| (h.as_str(), width * s / sum)).collect();
    let row_h = ((page.height_mm - top - m - 60.0 * u) / (rows.len() + 1) as f32).clamp(4.5, 8.0 * u);
    let size_pt = (row_h * PT_PER_MM / 1.9).min(10.0 * u);
    let used = Table { origin: [m, top + 2.0 * u], columns: &cols, rows: &rows, size_pt, row_h_mm: row_h }
        .draw_wrapped(&mut l, measure);
    let mut y = top + 2.0 * u + used + 4.0 * u;
    y += l.paragraph(measure, [m, y], width, lang.tr(T::AssessNote), 8.0 * u) + 3.0 * u;
    let comments: Vec<String> = months
        .iter()
        .filter_map(|s| {
            s.aspects
                .as_ref()
                .filter(|a| !a.comment.trim().is_empty())
                .map(|a| format!("{}：{}", s.name, a.comment.trim()))
        })
        .collect();
    if !comments.is_empty() {
        l.paragraph(
            measure,
            [m, y],
            width,
            &format!("{}  {}", lang.tr(T::AssessComments), comments.join("；")),
            8.5 * u,
        );
    }
    footer(&mut l, m, u, doc, opts);
    l
}
