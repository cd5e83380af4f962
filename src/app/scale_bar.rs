//! The scale bar at the bottom of the map: a round length (10 m … 5 km) and the scale "1:2,500".

use egui::{Color32, FontId, Rect, Stroke, Ui, pos2, vec2};

/// Round lengths the bar may show, in metres.
const LENGTHS_M: [f64; 11] = [5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10_000.0];
/// The bar is at most this long (points), so it stays a bar and not a ruler across the map.
const MAX_BAR_PT: f64 = 140.0;
/// One point is 1/96 inch at 100 % scaling (and stays so at other scalings: points follow the DPI).
const METRES_PER_POINT: f64 = 0.0254 / 96.0;

/// The longest round length that fits the bar, and its length on screen (points).
pub fn bar(px_per_m: f32) -> Option<(f64, f32)> {
    let px = f64::from(px_per_m);
    if !px.is_finite() || px <= 0.0 {
        return None;
    }
    let m = LENGTHS_M.iter().rev().find(|&&m| m * px <= MAX_BAR_PT).copied().unwrap_or(LENGTHS_M[0]);
    Some((m, (m * px) as f32))
}

/// "100 m", "1 km", "2.5 km".
pub fn length_text(m: f64) -> String {
    if m >= 1000.0 { format!("{} km", m / 1000.0) } else { format!("{m:.0} m") }
}

/// The scale of the screen as a map: "1:2,500" (two significant digits, thousands separated).
pub fn scale_text(px_per_m: f32) -> Option<String> {
    let px = f64::from(px_per_m);
    if !px.is_finite() || px <= 0.0 {
        return None;
    }
    let denominator = 1.0 / (px * METRES_PER_POINT);
    let magnitude = 10f64.powf((denominator.log10().floor() - 1.0).max(0.0));
    let rounded = ((denominator / magnitude).round() * magnitude) as u64;
    Some(format!("1:{}", crate::export::scale::group_thousands(rounded)))
}

/// Paints the bar centred at the bottom of `rect`; returns where it is (the map under it takes no clicks).
pub fn paint(ui: &Ui, rect: Rect, px_per_m: f32) -> Option<Rect> {
    let ((m, len), scale) = (bar(px_per_m)?, scale_text(px_per_m)?);
    let painter = ui.painter_at(rect);
    let font = FontId::proportional(12.0);
    let dark = Color32::from_gray(30);
    let label = format!("{}   {scale}", length_text(m));
    let text = painter.layout_no_wrap(label, font, dark);
    let width = len.max(text.size().x) + 20.0;
    let frame = Rect::from_center_size(pos2(rect.center().x, rect.bottom() - 30.0), vec2(width, 36.0));
    painter.rect_filled(frame, 4.0, Color32::from_rgba_unmultiplied(255, 255, 255, 210));
    painter.galley(pos2(frame.center().x - text.size().x / 2.0, frame.top() + 3.0), text, dark);
    let (y, x0) = (frame.bottom() - 8.0, frame.center().x - len / 2.0);
    let stroke = Stroke::new(2.0, dark);
    painter.line_segment([pos2(x0, y), pos2(x0 + len, y)], stroke);
    for x in [x0, x0 + len] {
        painter.line_segment([pos2(x, y - 6.0), pos2(x, y)], stroke);
    }
    Some(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_lengths_are_round_and_fit() {
        // 1 px/m: 100 m is 100 px, 200 m would be 200 px.
        assert_eq!(bar(1.0), Some((100.0, 100.0)));
        assert_eq!(bar(0.1).map(|b| b.0), Some(1000.0));
        assert_eq!(length_text(1000.0), "1 km");
        assert_eq!(length_text(50.0), "50 m");
        assert_eq!(bar(0.0), None);
    }

    #[test]
    fn scale_follows_pixels_per_metre() {
        // 96 px per inch: 1 px/m is 1 : 3,779.5 → two digits.
        assert_eq!(scale_text(1.0).as_deref(), Some("1:3,800"));
        assert_eq!(scale_text(1.5118).as_deref(), Some("1:2,500"));
        assert_eq!(scale_text(f32::NAN), None);
    }
}
