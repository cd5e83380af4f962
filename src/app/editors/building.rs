//! The building panel on the right: what the building is and, in a writable document, its fields to
//! edit (number, name, compound, group and counts); grid, area, last patrol and organisations are shown.

use egui::{Color32, RichText, Ui};

use super::{Drafts, count_field, field_of, ref_field, text_field, writable};
use crate::app::Command;
use crate::document::Document;
use crate::edit::Entity;
use crate::i18n::{Lang, T};
use crate::model::{Building, BuildingId, Community};

const TEXTS: [(T, &str); 2] = [(T::BuildingNumber, "number"), (T::BuildingName, "name")];
const COUNTS: [(T, &str); 5] = [
    (T::Floors, "floors"),
    (T::Stairwells, "stairwells"),
    (T::Dwellings, "dwellings"),
    (T::Households, "households"),
    (T::Residents, "residents"),
];

pub(in crate::app) fn building_panel(
    ui: &mut Ui,
    drafts: &mut Drafts,
    doc: &Document,
    lang: Lang,
    building: BuildingId,
) -> Vec<Command> {
    let mut out = Vec::new();
    let tr = |t| lang.tr(t);
    let c = &doc.community;
    let Some(b) = c.building(building) else {
        return vec![Command::SelectBuilding(None)];
    };
    drafts.retarget(Entity::Building, b.id.get());
    let editable = writable(doc);
    // Narrower on a small window, so the map keeps most of it.
    let screen = ui.ctx().content_rect().width();
    let width = (screen * 0.22).clamp(220.0, 320.0);
    egui::Panel::right("inspector").default_size(width).show(ui, |ui| {
        // The fields' width (the editors' helpers read it) follows.
        ui.spacing_mut().text_edit_width = if screen < 1200.0 { 120.0 } else { 180.0 };
        ui.horizontal(|ui| {
            ui.heading(tr(T::Inspector));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(tr(T::Close)).clicked() {
                    out.push(Command::SelectBuilding(None));
                }
            });
        });
        ui.separator();
        ui.label(RichText::new(&b.name).size(18.0).strong());
        if !editable {
            ui.colored_label(Color32::from_rgb(190, 110, 0), tr(T::ReadOnlyNote));
        }
        egui::Grid::new("inspector_rows").num_columns(2).striped(true).spacing([16.0, 4.0]).show(ui, |ui| {
            if editable {
                out.extend(fields_ui(ui, drafts, c, b, lang).into_iter().map(Command::Apply));
            } else {
                values_ui(ui, c, b, lang);
            }
            derived_ui(ui, doc, b, lang);
        });
        ui.separator();
        let orgs: Vec<_> = c.organisations_in(b.id).collect();
        ui.label(RichText::new(format!("{} ({})", tr(T::Organisations), orgs.len())).strong());
        egui::ScrollArea::vertical().id_salt("orgs").show(ui, |ui| {
            if orgs.is_empty() {
                ui.label(tr(T::NoneInside));
            }
            for o in orgs {
                ui.label(format!("• {}", o.name));
            }
        });
    });
    out
}

/// The edit widgets, one row each; returns the edits the user finished this frame.
fn fields_ui(ui: &mut Ui, drafts: &mut Drafts, c: &Community, b: &Building, lang: Lang) -> Vec<crate::edit::Edit> {
    let mut edits = Vec::new();
    let id = b.id.get();
    for (t, name) in TEXTS {
        let label = ui.label(lang.tr(t));
        if let Some(f) = field_of(Entity::Building, name) {
            edits.extend(text_field(ui, drafts, c, f, id, &label));
        }
        ui.end_row();
    }
    let none = (None, lang.tr(T::NoneOption).to_string());
    let compounds: Vec<_> =
        std::iter::once(none.clone()).chain(c.compounds.iter().map(|k| (Some(k.id.get()), k.name.clone()))).collect();
    let groups: Vec<_> = std::iter::once(none)
        .chain(c.groups.iter().map(|g| {
            let area = c.area(g.area_id).map_or_else(String::new, |a| format!("{} · ", a.name));
            (Some(g.id.get()), format!("{area}{}", g.name))
        }))
        .collect();
    for (t, name, options) in [(T::Compound, "compound_id", &compounds), (T::Group, "group_id", &groups)] {
        let label = ui.label(lang.tr(t));
        if let Some(f) = field_of(Entity::Building, name) {
            edits.extend(ref_field(ui, c, f, id, options, &label));
        }
        ui.end_row();
    }
    for (t, name) in COUNTS {
        let label = ui.label(lang.tr(t));
        if let Some(f) = field_of(Entity::Building, name) {
            edits.extend(count_field(ui, drafts, c, f, id, &label));
        }
        ui.end_row();
    }
    edits
}

/// The same rows as values only (a read-only document).
fn values_ui(ui: &mut Ui, c: &Community, b: &Building, lang: Lang) {
    let dash = || "—".to_string();
    let compound = b.compound_id.and_then(|id| c.compound(id)).map_or_else(dash, |k| k.name.clone());
    let group = b.group_id.and_then(|id| c.group(id)).map_or_else(dash, |g| g.name.clone());
    let rows = [
        (T::BuildingNumber, b.number.clone()),
        (T::BuildingName, b.name.clone()),
        (T::Compound, compound),
        (T::Group, group),
        (T::Floors, b.floors.to_string()),
        (T::Stairwells, b.stairwells.to_string()),
        (T::Dwellings, b.dwellings.to_string()),
        (T::Households, b.households.to_string()),
        (T::Residents, b.residents.to_string()),
    ];
    for (t, v) in rows {
        ui.label(lang.tr(t));
        ui.strong(v);
        ui.end_row();
    }
}

/// What follows from the data and is not edited here: grid, area, last patrol.
fn derived_ui(ui: &mut Ui, doc: &Document, b: &Building, lang: Lang) {
    let tr = |t| lang.tr(t);
    let c = &doc.community;
    let grid = doc.assignment.grid_of(b.id).and_then(|g| c.grid(g));
    let area = b.group_id.and_then(|id| c.group(id)).and_then(|g| c.area(g.area_id));
    // With tracks, the visit they record; the stored date is only an imported attribute.
    let (patrol_label, patrol) = match doc.coverage() {
        Some(coverage) => {
            let visit = coverage.building(b.id).and_then(|v| v.last_visit);
            let shown = visit.map(|t| {
                t.to_zoned_datetime(crate::time::time_zone(&c.info.time_zone)).strftime("%Y-%m-%d %H:%M").to_string()
            });
            (T::LastVisitTracks, shown)
        }
        None => (T::LastPatrol, b.last_patrol.clone()),
    };
    let patrol = patrol.unwrap_or_else(|| tr(T::NeverPatrolled).to_string());
    let rows = [
        (T::Grid, grid.map_or(tr(T::NotInGrid).to_string(), |g| format!("{} ({})", g.name, g.code))),
        (T::Area, area.map_or_else(|| "—".to_string(), |a| a.name.clone())),
        (patrol_label, patrol),
    ];
    for (t, v) in rows {
        ui.label(tr(t));
        // A long grid name with its code wraps instead of widening the panel over the map.
        ui.add(egui::Label::new(RichText::new(v).strong()).wrap());
        ui.end_row();
    }
}
