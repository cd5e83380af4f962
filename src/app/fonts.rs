//! The bundled CJK font, installed explicitly: Windows machines and CI differ in system fonts.

use std::sync::Arc;

pub const CJK_FONT_NAME: &str = "NotoSansSC";

pub fn install(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(CJK_FONT_NAME.to_owned(), Arc::new(egui::FontData::from_static(crate::CJK_FONT)));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        let list = fonts.families.entry(family).or_default();
        // After egui's Latin font (nicer digits and letters), before its emoji fallbacks.
        list.insert(list.len().min(1), CJK_FONT_NAME.to_owned());
    }
    ctx.set_fonts(fonts);
}

/// The smallest text a user reads on screen (points; one point is one pixel at 100 % scaling).
pub const MIN_TEXT_PT: f32 = 12.0;

/// egui's small text is 9 points: unreadable for leader names and phone numbers on a 96-dpi
/// office screen. It becomes 12, the rest keeps egui's sizes. The scaling itself follows the
/// system (eframe's native pixels per point, which nothing here overrides).
pub fn readable_sizes(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        for font in style.text_styles.values_mut() {
            font.size = font.size.max(MIN_TEXT_PT);
        }
    });
}
