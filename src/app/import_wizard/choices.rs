//! The small choices both import wizards share: target layer, text encoding, coordinate system and
//! a path typed or picked.

use egui::Ui;

use crate::i18n::{Lang, T};
use crate::import::crs::Crs;
use crate::import::mapping::Target;
use crate::import::text::EncodingChoice;

/// The extensions the readers know, for the file dialogs.
pub const VECTOR_EXTENSIONS: [&str; 6] = ["geojson", "json", "shp", "zip", "gpkg", "csv"];

pub fn target_name(lang: Lang, t: Target) -> &'static str {
    lang.tr(match t {
        Target::Boundary => T::LayerBoundary,
        Target::Buildings => T::LayerBuildings,
        Target::Compounds => T::LayerCompounds,
        Target::Roads => T::LayerRoads,
        Target::Organisations => T::LayerOrganisations,
    })
}

/// The order the wizard offers the layers in (buildings first: the usual import).
pub const TARGETS: [Target; 5] =
    [Target::Buildings, Target::Boundary, Target::Compounds, Target::Roads, Target::Organisations];

pub fn target_combo(ui: &mut Ui, lang: Lang, target: &mut Target) {
    let label = ui.label(lang.tr(T::ImportTarget));
    egui::ComboBox::from_id_salt("import_target")
        .selected_text(target_name(lang, *target))
        .show_ui(ui, |ui| {
            for t in TARGETS {
                ui.selectable_value(target, t, target_name(lang, t));
            }
        })
        .response
        .labelled_by(label.id);
}

fn encoding_name(lang: Lang, e: EncodingChoice) -> &'static str {
    match e {
        EncodingChoice::Auto => lang.tr(T::EncodingAuto),
        EncodingChoice::Utf8 => "UTF-8",
        EncodingChoice::Gbk => "GBK",
    }
}

pub fn encoding_combo(ui: &mut Ui, lang: Lang, encoding: &mut EncodingChoice) {
    let label = ui.label(lang.tr(T::ImportEncoding));
    egui::ComboBox::from_id_salt("import_encoding")
        .selected_text(encoding_name(lang, *encoding))
        .show_ui(ui, |ui| {
            for e in [EncodingChoice::Auto, EncodingChoice::Utf8, EncodingChoice::Gbk] {
                ui.selectable_value(encoding, e, encoding_name(lang, e));
            }
        })
        .response
        .labelled_by(label.id);
}

/// Which coordinate system the user says the file is in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CrsKind {
    /// What the file declares (or WGS-84 when degrees, as `prepare` decides).
    #[default]
    Declared,
    Wgs84,
    Cgcs2000,
    Gk3,
    Utm,
    Gcj02,
}

/// A coordinate system choice with its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CrsPick {
    pub kind: CrsKind,
    /// Central meridian of a 3° Gauss-Krüger zone: 75..=135, a multiple of 3.
    pub central_meridian: u16,
    pub utm_zone: u8,
    pub north: bool,
}

impl Default for CrsPick {
    fn default() -> Self {
        // 117°E: Beijing, Tianjin, Hebei, Shandong, Anhui — the zone most of our users are in.
        Self { kind: CrsKind::Declared, central_meridian: 117, utm_zone: 50, north: true }
    }
}

impl CrsPick {
    /// The CRS to read with; `None` leaves it to the file.
    pub fn crs(&self) -> Option<Crs> {
        match self.kind {
            CrsKind::Declared => None,
            CrsKind::Wgs84 => Some(Crs::Wgs84),
            CrsKind::Cgcs2000 => Some(Crs::Cgcs2000),
            CrsKind::Gk3 => Some(Crs::GaussKruger {
                zone_width: 3,
                central_meridian: f64::from(self.central_meridian),
                false_easting: 500_000.0,
            }),
            CrsKind::Utm => Some(Crs::Utm { zone: self.utm_zone, north: self.north }),
            CrsKind::Gcj02 => Some(Crs::Gcj02),
        }
    }

    fn kind_name(lang: Lang, k: CrsKind) -> &'static str {
        match k {
            CrsKind::Declared => lang.tr(T::CrsDeclared),
            CrsKind::Wgs84 => "WGS-84",
            CrsKind::Cgcs2000 => "CGCS2000",
            CrsKind::Gk3 => lang.tr(T::CrsGk3),
            CrsKind::Utm => lang.tr(T::CrsUtm),
            CrsKind::Gcj02 => lang.tr(T::CrsGcj02),
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, lang: Lang, salt: &str) {
        let label = ui.label(lang.tr(T::ImportCrs));
        ui.horizontal(|ui| {
            let kinds =
                [CrsKind::Declared, CrsKind::Wgs84, CrsKind::Cgcs2000, CrsKind::Gk3, CrsKind::Utm, CrsKind::Gcj02];
            egui::ComboBox::from_id_salt((salt, "crs"))
                .selected_text(Self::kind_name(lang, self.kind))
                .width(220.0)
                .show_ui(ui, |ui| {
                    for k in kinds {
                        ui.selectable_value(&mut self.kind, k, Self::kind_name(lang, k));
                    }
                })
                .response
                .labelled_by(label.id);
            match self.kind {
                CrsKind::Gk3 => {
                    let cm = ui.label(lang.tr(T::CrsCentralMeridian));
                    egui::ComboBox::from_id_salt((salt, "cm"))
                        .selected_text(format!("{}°E", self.central_meridian))
                        .show_ui(ui, |ui| {
                            for m in (75..=135).step_by(3) {
                                ui.selectable_value(&mut self.central_meridian, m, format!("{m}°E"));
                            }
                        })
                        .response
                        .labelled_by(cm.id);
                }
                CrsKind::Utm => {
                    let zone = ui.label(lang.tr(T::CrsUtmZone));
                    ui.add(egui::DragValue::new(&mut self.utm_zone).range(1..=60)).labelled_by(zone.id);
                    ui.checkbox(&mut self.north, lang.tr(T::CrsNorth));
                }
                _ => {}
            }
        });
    }
}

/// A path field with a 浏览… button; true when the button was clicked.
pub fn path_field(ui: &mut Ui, lang: Lang, label: &str, path: &mut String, width: f32) -> bool {
    let l = ui.label(label);
    let mut browse = false;
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(path).desired_width(width)).labelled_by(l.id);
        browse = ui.button(lang.tr(T::Browse)).clicked();
    });
    browse
}

/// A path as typed: surrounding spaces and quotes (pasted from Explorer) are not part of it.
pub fn typed_path(s: &str) -> Option<std::path::PathBuf> {
    let s = s.trim().trim_matches('"').trim();
    (!s.is_empty()).then(|| std::path::PathBuf::from(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choices_name_their_crs() {
        let gk = CrsPick { kind: CrsKind::Gk3, central_meridian: 114, ..Default::default() };
        assert_eq!(
            gk.crs(),
            Some(Crs::GaussKruger { zone_width: 3, central_meridian: 114.0, false_easting: 500_000.0 })
        );
        assert_eq!(CrsPick::default().crs(), None);
        let utm = CrsPick { kind: CrsKind::Utm, utm_zone: 51, north: true, ..Default::default() };
        assert_eq!(utm.crs(), Some(Crs::Utm { zone: 51, north: true }));
    }

    #[test]
    fn typed_paths_lose_quotes_and_spaces() {
        assert_eq!(typed_path("  \"C:\\数据\\楼栋.shp\" "), Some("C:\\数据\\楼栋.shp".into()));
        assert_eq!(typed_path("   "), None);
    }
}
