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
