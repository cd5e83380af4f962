//! Page flow of the office papers: content placed from the top of A4 pages, a list split between
//! pages with its head row repeated, and the next page titled (续).

use crate::Document;
use crate::i18n::T;

use super::super::ExportOptions;
use super::super::layout::{Layout, PT_PER_MM, Table, TextMeasure};
use super::super::paper::PageSize;
use super::{Align, DARK, footer, header, unit};

/// Page margin of the office papers (A4).
pub(super) const M: f32 = 12.0;

/// The pages of one part of an office paper (the weekly summary, one grid's week, one case), filled
/// from the top: a list that does not fit runs on to the next page, under the same title marked
/// (续), so nothing is left off the paper.
pub(super) struct Flow<'a> {
    pub(super) doc: &'a Document,
    pub(super) opts: &'a ExportOptions,
    pub(super) title: String,
    pub(super) subtitle: String,
    /// Room kept free at the foot of every page (above the footer).
    pub(super) foot_mm: f32,
    pub(super) done: Vec<Layout>,
    pub(super) l: Layout,
    pub(super) y: f32,
    /// Where the content of the current page starts (under its header).
    pub(super) top: f32,
}

impl<'a> Flow<'a> {
    pub(super) fn new(
        doc: &'a Document,
        opts: &'a ExportOptions,
        page: PageSize,
        title: String,
        subtitle: String,
    ) -> Self {
        let mut l = Layout::new(page);
        let top = header(&mut l, M, unit(page), &title, &subtitle) + 3.0;
        Self { doc, opts, title, subtitle, foot_mm: 6.0, done: Vec::new(), l, y: top, top }
    }

    pub(super) fn width(&self) -> f32 {
        self.l.page.width_mm - 2.0 * M
    }

    pub(super) fn bottom(&self) -> f32 {
        self.l.page.height_mm - M - self.foot_mm
    }

    pub(super) fn next_page(&mut self) {
        let page = self.l.page;
        let u = unit(page);
        footer(&mut self.l, 8.0, u, self.doc, self.opts);
        let full = std::mem::replace(&mut self.l, Layout::new(page));
        self.done.push(full);
        let title = format!("{}{}", self.title, self.opts.lang.tr(T::WeeklyContinued));
        self.top = header(&mut self.l, M, u, &title, &self.subtitle) + 3.0;
        self.y = self.top;
    }

    /// Starts a new page unless `h` mm still fit on this one (a fresh page takes anything).
    pub(super) fn room_for(&mut self, h: f32) {
        if self.y + h > self.bottom() && self.y > self.top {
            self.next_page();
        }
    }

    /// A section heading, kept with at least `keep` mm of what follows it.
    pub(super) fn heading(&mut self, text: String, keep: f32) {
        self.room_for(7.0 + keep);
        self.l.text_styled([M, self.y], text, 11.0, Align::Left, DARK, true);
        self.y += 7.0;
    }

    /// A table whose rows wrap, split between pages where they run out, the head row repeated on
    /// each page. A row is never split.
    pub(super) fn table(
        &mut self,
        measure: &dyn TextMeasure,
        cols: &[(&str, f32)],
        rows: &[Vec<String>],
        size_pt: f32,
    ) {
        let row_h_mm = 6.0;
        let table = |origin, rows| Table { origin, columns: cols, rows, size_pt, row_h_mm };
        let head_h = table([M, 0.0], &[][..]).wrapped_height(measure);
        let heights: Vec<f32> =
            rows.iter().map(|r| table([M, 0.0], std::slice::from_ref(r)).wrapped_height(measure) - head_h).collect();
        let mut start = 0;
        while start < rows.len() {
            self.room_for(head_h + heights[start]);
            let mut end = start;
            let mut h = head_h;
            while end < rows.len() && (end == start || self.y + h + heights[end] <= self.bottom()) {
                h += heights[end];
                end += 1;
            }
            self.y += table([M, self.y], &rows[start..end]).draw_wrapped(&mut self.l, measure) + 2.0;
            start = end;
            if start < rows.len() {
                self.next_page();
            }
        }
    }

    /// Lines of text, running on to the next page where they reach the foot.
    pub(super) fn lines(&mut self, lines: Vec<String>, size_pt: f32) {
        let line_h = size_pt / PT_PER_MM * 1.45;
        for line in lines {
            self.room_for(line_h);
            self.l.text([M, self.y], line, size_pt, Align::Left);
            self.y += line_h;
        }
    }

    pub(super) fn finish(mut self) -> Vec<Layout> {
        let u = unit(self.l.page);
        footer(&mut self.l, 8.0, u, self.doc, self.opts);
        self.done.push(self.l);
        self.done
    }
}
