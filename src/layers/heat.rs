//! The heatmap's colours (热力图色带): one ramp for the screen, the PNG export and print, so a
//! colour means the same density everywhere. Zero is transparent (no patrol there: the map shows
//! through); density rises blue → cyan → green → yellow → red, getting more opaque as it rises.

use std::sync::Arc;

use super::{Legend, LegendEntry, MapImage, MapRect, Rgba, Shape};
use crate::geom::kde::Raster;

/// Colour stops at t = 0, ¼, ½, ¾, 1.
const STOPS: [[u8; 3]; 5] = [[43, 131, 186], [0, 204, 204], [120, 210, 60], [253, 208, 35], [215, 25, 28]];
/// Opacity at the high end; it falls with √t towards zero, so the kernel's faint tails fade into
/// the map instead of washing the whole community blue.
const MAX_ALPHA: f32 = 225.0;

/// The colour of a density `t` as a fraction of the raster's maximum (clamped to 0‥1); 0, negative
/// and NaN are fully transparent.
pub fn heat_colour(t: f32) -> Rgba {
    if t.is_nan() || t <= 0.0 {
        return [0, 0, 0, 0];
    }
    let t = t.min(1.0);
    let pos = t * (STOPS.len() - 1) as f32;
    let i = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - i as f32;
    let mix = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let alpha = (MAX_ALPHA * t.sqrt()).round().max(1.0) as u8;
    [mix(a[0], b[0]), mix(a[1], b[1]), mix(a[2], b[2]), alpha]
}

/// The raster's pixels in the heat ramp (straight RGBA, rows from the top), scaled to its maximum or
/// to `scale_max`; zero stays transparent. The PNG export and the map image are made of these.
pub fn heat_rgba(r: &Raster, scale_max: Option<f64>) -> Vec<u8> {
    let max = scale_max.filter(|m| m.is_finite() && *m > 0.0).unwrap_or_else(|| r.max());
    let inv = if max > 0.0 { 1.0 / max } else { 0.0 };
    r.values.iter().flat_map(|&v| heat_colour((v * inv) as f32)).collect()
}

/// A raster computed in map space (the scene's local metres) as a shape over the map, for the
/// screen and for print alike; `None` for an empty raster.
pub fn heat_shape(r: &Raster) -> Option<Shape> {
    let image = MapImage::new(r.cols, r.rows, heat_rgba(r, None))?;
    let rect = MapRect { min: [r.xmin as f32, r.ymin() as f32], max: [r.xmax() as f32, r.ymax as f32] };
    Some(Shape::Image { rect, image: Arc::new(image) })
}

/// The patrol points a filter selects, in map space (the scene's local metres): what the screen
/// and the printed coverage map estimate the density of.
pub fn map_points(
    c: &crate::model::Community,
    projection: &crate::geom::LocalProjection,
    filter: &crate::geom::patrol_filter::PatrolFilter,
) -> Result<Vec<[f64; 2]>, crate::geom::patrol_filter::FilterError> {
    Ok(filter
        .points(c)?
        .into_iter()
        .map(|p| {
            let m = projection.local_from_lonlat(p.position.0);
            [m.x, m.y]
        })
        .collect())
}

/// Outline colour of a blind spot (盲区), on screen and on paper.
pub const BLIND_SPOT_RED: Rgba = [200, 20, 20, 255];

/// Red outlines round the audit's blind spots, drawn over the buildings.
pub fn blind_spot_shapes(scene: &super::Scene, coverage: &crate::geom::Coverage) -> Vec<Shape> {
    coverage
        .blind_spots
        .iter()
        .filter_map(|spot| scene.building(spot.building))
        .map(|item| Shape::Rings { rings: item.rings.clone(), stroke: super::Stroke::device(2.2, BLIND_SPOT_RED) })
        .collect()
}

/// `classes` legend entries from 0 to `max`, each labelled with its value range and coloured at
/// its upper end (`heat_colour` of the class's top), e.g. “0–12.5”.
pub fn heat_legend(title: &str, max: f64, classes: usize) -> Legend {
    let classes = classes.max(1);
    let max = if max.is_finite() && max > 0.0 { max } else { 0.0 };
    let entries = (1..=classes)
        .map(|k| {
            let (lo, hi) = (max * (k - 1) as f64 / classes as f64, max * k as f64 / classes as f64);
            LegendEntry {
                color: heat_colour(k as f32 / classes as f32), label: format!("{}–{}", short(lo), short(hi))
            }
        })
        .collect();
    Legend { title: title.to_owned(), entries }
}

/// Three significant digits (whole numbers from 100 up), no trailing zeros.
fn short(v: f64) -> String {
    if v == 0.0 {
        return "0".to_owned();
    }
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_transparent_and_the_ends_are_the_stops() {
        assert_eq!(heat_colour(0.0), [0, 0, 0, 0]);
        assert_eq!(heat_colour(f32::NAN), [0, 0, 0, 0]);
        assert_eq!(heat_colour(-1.0)[3], 0);
        assert_eq!(heat_colour(1.0), [215, 25, 28, 225]);
        assert_eq!(heat_colour(7.0), heat_colour(1.0));
        // Barely above zero: the low stop, almost transparent; a quarter of the peak is half opaque.
        assert_eq!(heat_colour(1e-6), [43, 131, 186, 1]);
        assert_eq!(heat_colour(0.25)[3], 113);
        assert!(heat_colour(0.9)[3] > heat_colour(0.1)[3]);
    }

    #[test]
    fn legend_ranges() {
        let l = heat_legend("密度", 50.0, 4);
        let labels: Vec<&str> = l.entries.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, ["0–12.5", "12.5–25", "25–37.5", "37.5–50"]);
        assert_eq!(l.entries[3].color, heat_colour(1.0));
        assert_eq!(heat_legend("", f64::NAN, 0).entries.len(), 1);
        assert_eq!(short(0.012345), "0.0123");
        assert_eq!(short(1234.6), "1235");
    }
}
