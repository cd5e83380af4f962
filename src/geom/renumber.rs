//! Grid codes in the standard order: community code + 2-digit sequence, read like text from the
//! north-west corner (CJ/T 349, DB11 practice) — rows north→south, within a row west→east.
//!
//! Rows: see [`reading_order`].

use geo::{BoundingRect, Centroid, Coord};

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
    let placed: Vec<Placed> = c
        .grids
        .iter()
        .map(|g| {
            let local = projection.polygon_to_local(&g.outline);
            let centre = local.centroid().map(|p| p.0).unwrap_or(Coord { x: f64::NAN, y: f64::NAN });
            let span = local.bounding_rect().map_or([f64::NAN; 2], |r| [r.min().y, r.max().y]);
            (g.id, centre, span)
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

/// A grid for ordering: id, centroid (m) and its [south, north] extent (m).
pub type Placed = (GridId, Coord<f64>, [f64; 2]);

/// Grid ids in reading order from `(id, centroid in metres, [south, north] extent in metres)`.
/// Grids without a finite centroid (empty outlines) come last, by id.
///
/// Rows: grids are taken by their northern edge, north first. A grid joins the current row when
/// its centroid lies within the north–south extent of the row's first grid and that grid's centroid
/// lies within its own: a tall grid beside two short ones is in their row (it reaches as far
/// north), a grid that only overlaps the row's lower edge starts the next one.
pub fn reading_order(grids: &[Placed]) -> Vec<GridId> {
    let (mut placed, mut unplaced): (Vec<_>, Vec<_>) = grids
        .iter()
        .copied()
        .partition(|(_, c, span)| c.x.is_finite() && c.y.is_finite() && span.iter().all(|v| v.is_finite()));
    placed.sort_by(|a, b| b.2[1].total_cmp(&a.2[1]).then(a.0.cmp(&b.0)));
    let within = |y: f64, span: [f64; 2]| span[0] <= y && y <= span[1];
    let mut rows: Vec<Vec<Placed>> = Vec::new();
    for g in placed {
        match rows.last_mut() {
            Some(row) if within(g.1.y, row[0].2) && within(row[0].1.y, g.2) => row.push(g),
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

    #[test]
    fn a_tall_grid_in_the_north_west_comes_first() {
        // The demo's first grid spans two blocks north–south beside grids one block tall: it reads
        // first, not after the grids whose centroids lie further north.
        let c = crate::demo::kangle();
        let plan = renumber(&c).unwrap();
        assert_eq!(plan[0].0, c.grids[0].id, "{plan:?}");
        let tall = [
            (GridId(1), Coord { x: 0.0, y: 100.0 }, [0.0, 200.0]),
            (GridId(2), Coord { x: 100.0, y: 150.0 }, [100.0, 210.0]),
        ];
        assert_eq!(reading_order(&tall), vec![GridId(1), GridId(2)]);
        // Only touching the first grid's southern edge: the next row.
        let below = [
            (GridId(1), Coord { x: 50.0, y: 150.0 }, [100.0, 200.0]),
            (GridId(2), Coord { x: 0.0, y: 60.0 }, [20.0, 110.0]),
        ];
        assert_eq!(reading_order(&below), vec![GridId(1), GridId(2)]);
    }
}
