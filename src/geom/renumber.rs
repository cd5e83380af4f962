//! Grid codes in the standard order: community code + 2-digit sequence, read like text from the
//! north-west corner (CJ/T 349, DB11 practice) — rows north→south, within a row west→east.
//!
//! Rows: grids are taken north→south by centroid; a grid starts a new row when its centroid lies
//! more than half a typical grid height (√ of the median grid area) south of the northernmost
//! centroid of the current row. Comparing with the row's first grid rather than the previous one
//! keeps a slowly descending staircase of grids from chaining into one endless row; using the
//! median keeps one huge grid from merging all rows. Ties in x fall back to the grid id.

use geo::{Area, Centroid, Coord};

use crate::geom::LocalProjection;
use crate::model::{Community, GridId};

/// Two digits: the convention allows no third.
pub const MAX_GRIDS: usize = 99;

/// `(grid, old code, new code)` in the new order, for showing old → new before applying. Refuses
/// more than [`MAX_GRIDS`] grids (a 3-digit sequence breaks the code length the standard fixes).
pub fn renumber(c: &Community) -> Result<Vec<(GridId, String, String)>, String> {
    if c.grids.len() > MAX_GRIDS {
        return Err(format!(
            "网格超过 {MAX_GRIDS} 个，两位序号不够用 (more than {MAX_GRIDS} grids: the 2-digit sequence cannot number {})",
            c.grids.len()
        ));
    }
    let origin = c.info.boundary.centroid().map(|p| p.0).unwrap_or_default();
    let projection = LocalProjection::new(origin);
    let placed: Vec<(GridId, Coord<f64>, f64)> = c
        .grids
        .iter()
        .map(|g| {
            let local = projection.polygon_to_local(&g.outline);
            let centre = local.centroid().map(|p| p.0).unwrap_or(Coord { x: f64::NAN, y: f64::NAN });
            (g.id, centre, local.unsigned_area())
        })
        .collect();
    let order = reading_order(&placed);
    Ok(order
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            let old = c.grids.iter().find(|g| g.id == id).map(|g| g.code.clone()).unwrap_or_default();
            (id, old, format!("{}{:02}", c.info.code, i + 1))
        })
        .collect())
}

/// Grid ids in reading order from `(id, centroid in metres, area in m²)`. Grids without a finite
/// centroid (empty outlines) come last, by id.
pub fn reading_order(grids: &[(GridId, Coord<f64>, f64)]) -> Vec<GridId> {
    let (mut placed, mut unplaced): (Vec<_>, Vec<_>) =
        grids.iter().copied().partition(|(_, c, _)| c.x.is_finite() && c.y.is_finite());
    let mut areas: Vec<f64> = placed.iter().map(|(_, _, a)| *a).filter(|a| a.is_finite()).collect();
    areas.sort_by(f64::total_cmp);
    let band_m = areas.get(areas.len() / 2).map_or(0.0, |a| a.sqrt() / 2.0);
    placed.sort_by(|a, b| b.1.y.total_cmp(&a.1.y).then(a.0.cmp(&b.0)));
    let mut rows: Vec<Vec<(GridId, Coord<f64>, f64)>> = Vec::new();
    for g in placed {
        match rows.last_mut() {
            Some(row) if row[0].1.y - g.1.y <= band_m => row.push(g),
            _ => rows.push(vec![g]),
        }
    }
    let mut out = Vec::with_capacity(grids.len());
    for mut row in rows {
        row.sort_by(|a, b| a.1.x.total_cmp(&b.1.x).then(a.0.cmp(&b.0)));
        out.extend(row.into_iter().map(|(id, _, _)| id));
    }
    unplaced.sort_by_key(|(id, _, _)| *id);
    out.extend(unplaced.into_iter().map(|(id, _, _)| id));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Grid;
    use geo::{LineString, Polygon};

    /// A square of `size_m` at local (x, y) metres, as lon/lat around (118.1, 24.5).
    fn square(p: &LocalProjection, x: f64, y: f64, size_m: f64) -> Polygon<f64> {
        let ring = [(x, y), (x + size_m, y), (x + size_m, y + size_m), (x, y + size_m), (x, y)];
        let local = Polygon::new(LineString::from(ring.to_vec()), vec![]);
        p.polygon_to_lonlat(&local)
    }

    #[test]
    fn rows_north_to_south_then_west_to_east() {
        let p = LocalProjection::new(Coord { x: 118.1, y: 24.5 });
        // Two rows of 200 m grids; the north row is slightly staggered (±40 m), which must not split it.
        // Ids are deliberately scrambled against the expected order.
        let layout =
            [(5, 0.0, 240.0), (2, 200.0, 200.0), (9, 400.0, 230.0), (1, 0.0, 0.0), (7, 200.0, -30.0), (3, 400.0, 10.0)];
        let mut c = Community::default();
        c.info.code = "350206001003".into();
        c.info.boundary = square(&p, -10.0, -50.0, 700.0);
        for (id, x, y) in layout {
            c.grids.push(Grid {
                id: GridId(id),
                code: format!("old{id}"),
                name: String::new(),
                colour: [0; 3],
                outline: square(&p, x, y, 200.0),
            });
        }
        let r = renumber(&c).unwrap();
        let ids: Vec<i64> = r.iter().map(|(g, _, _)| g.get()).collect();
        assert_eq!(ids, vec![5, 2, 9, 1, 7, 3]);
        assert_eq!(r[0], (GridId(5), "old5".into(), "35020600100301".into()));
        assert_eq!(r[5].2, "35020600100306");
    }

    #[test]
    fn more_than_99_grids_is_refused() {
        let mut c = Community {
            grids: (0..100)
                .map(|i| Grid {
                    id: GridId(i),
                    code: String::new(),
                    name: String::new(),
                    colour: [0; 3],
                    outline: Polygon::new(LineString::new(vec![]), vec![]),
                })
                .collect(),
            ..Community::default()
        };
        assert!(renumber(&c).unwrap_err().contains("99"));
        c.grids.truncate(99);
        assert_eq!(renumber(&c).unwrap().last().unwrap().2, "99", "empty outlines come last, still numbered");
    }
}
