//! Edits of the grid layer: adding and removing whole grids, and the builder that turns what a
//! geometry operation changed (outlines, new grids, removed grids, the community boundary) into one
//! undoable [`Edit`]. Outlines themselves are fields (`grid.outline`, `community.boundary`), so a
//! reshape is a plain field change and the change log and revert need nothing new.

use geo::Polygon;
use serde_json::{Value, json};

use super::field::{self, Entity, polygon_of};
use super::{Change, Edit, EditError};
use crate::geom::grid_ops::{GridLayer, LayerChange};
use crate::model::{Community, Grid, GridId};

/// What a grid-layer operation changes, in lon/lat; grids not listed stay as they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerEdit {
    /// The step's name in the Undo menu and the change log panel ("拆分网格 第三网格").
    pub label: String,
    pub boundary: Option<Polygon<f64>>,
    pub reshaped: Vec<(GridId, Polygon<f64>)>,
    /// New grids, complete with id, code, name and colour.
    pub added: Vec<Grid>,
    pub removed: Vec<GridId>,
    /// Where the staff of removed grids go (`None`: unassigned, listed by the staff check).
    pub staff_to: Option<GridId>,
    /// Other field changes of the same step (names, colours, codes of kept grids).
    pub also: Vec<Change>,
}

impl LayerEdit {
    /// What a geometry operation on `layer` changed, back in lon/lat (vertices that did not move keep
    /// their stored coordinates bit for bit). New grids get ids from `first_new_id` up, the next free
    /// codes, palette colours and a provisional name the user can change in the grid editor.
    pub fn from_change(
        c: &Community,
        layer: &GridLayer,
        change: &LayerChange,
        first_new_id: GridId,
        label: String,
    ) -> Self {
        // The grids there will be, so that each new grid's code and colour differ from all of them.
        let mut grids: Vec<Grid> = c.grids.iter().filter(|g| !change.removed.contains(&g.id)).cloned().collect();
        let mut added = Vec::new();
        for (i, polygon) in change.added.iter().enumerate() {
            let code = next_grid_code(&c.info.code, |code| grids.iter().any(|g| g.code == code));
            let seq = code.strip_prefix(c.info.code.as_str()).unwrap_or(&code).to_string();
            let grid = Grid {
                id: GridId(first_new_id.get() + i as i64),
                name: format!("新网格{seq}"),
                code,
                colour: next_grid_colour(&grids),
                outline: layer.to_lonlat(polygon),
            };
            grids.push(grid.clone());
            added.push(grid);
        }
        Self {
            label,
            boundary: change.boundary.as_ref().map(|b| layer.to_lonlat(b)),
            reshaped: change.reshaped.iter().map(|(id, p)| (*id, layer.to_lonlat(p))).collect(),
            added,
            removed: change.removed.clone(),
            staff_to: None,
            also: Vec::new(),
        }
    }

    /// The one edit: staff moved off removed grids first (so no row ever points at a missing grid),
    /// then grids removed, outlines changed, grids added.
    pub fn into_edit(self, c: &Community) -> Result<Edit, EditError> {
        let mut edits = Vec::new();
        let grid_id = field::field(Entity::Staff, "grid_id")?;
        let staff_moves: Vec<Change> = c
            .staff
            .iter()
            .filter(|s| s.grid_id.is_some_and(|g| self.removed.contains(&g)))
            .map(|s| Change {
                field: grid_id,
                id: s.id.get(),
                old: Value::from(s.grid_id.map(|g| g.get())),
                new: Value::from(self.staff_to.map(|g| g.get())),
            })
            .collect();
        if !staff_moves.is_empty() {
            edits.push(Edit::Set(staff_moves));
        }
        for id in &self.removed {
            let grid = c.grid(*id).cloned().ok_or(EditError::NoSuchRow { entity: "grid", id: id.get() })?;
            edits.push(Edit::RemoveGrid(grid));
        }
        let outline = field::field(Entity::Grid, "outline")?;
        let mut changes = Vec::new();
        for (id, polygon) in &self.reshaped {
            let g = c.grid(*id).ok_or(EditError::NoSuchRow { entity: "grid", id: id.get() })?;
            if g.outline != *polygon {
                changes.push(Change {
                    field: outline,
                    id: id.get(),
                    old: crate::store::polygon_to_json(&g.outline),
                    new: crate::store::polygon_to_json(polygon),
                });
            }
        }
        if let Some(b) = &self.boundary
            && *b != c.info.boundary
        {
            changes.push(Change {
                field: field::field(Entity::Community, "boundary")?,
                id: 1,
                old: crate::store::polygon_to_json(&c.info.boundary),
                new: crate::store::polygon_to_json(b),
            });
        }
        changes.extend(self.also);
        if !changes.is_empty() {
            edits.push(Edit::Set(changes));
        }
        edits.extend(self.added.into_iter().map(Edit::AddGrid));
        Ok(Edit::Batch { label: self.label, edits })
    }
}

/// Checks a grid before it is added: new id, unique code, a name, a valid outline.
pub(super) fn check_new_grid(c: &Community, g: &Grid) -> Result<(), EditError> {
    let bad = |field: &'static str, value: &str, why: &str| EditError::BadValue {
        field,
        value: value.into(),
        why: why.into(),
    };
    if c.grids.iter().any(|o| o.id == g.id) {
        return Err(bad("id", &g.id.to_string(), "编号已被使用 (the id is taken)"));
    }
    if g.code.trim().is_empty() || c.grids.iter().any(|o| o.code == g.code) {
        return Err(bad("code", &g.code, "网格编码为空或已被使用 (the grid code is empty or taken)"));
    }
    if g.name.trim().is_empty() {
        return Err(bad("name", &g.name, "不能为空 (may not be empty)"));
    }
    if let Some(why) = crate::geom::validity::polygon_problem(&g.outline) {
        return Err(bad("outline", &g.name, &why));
    }
    Ok(())
}

/// Removes a grid that is exactly as remembered and that no staff member still works in.
pub(super) fn remove_grid(c: &mut Community, g: &Grid) -> Result<(), EditError> {
    let current = c.grid(g.id).ok_or(EditError::NoSuchRow { entity: "grid", id: g.id.get() })?;
    if current != g {
        return Err(EditError::Stale { entity: "grid", id: g.id.get(), field: "*", current: current.name.clone() });
    }
    if let Some(s) = c.staff.iter().find(|s| s.grid_id == Some(g.id)) {
        return Err(EditError::BadValue {
            field: "grid",
            value: g.name.clone(),
            why: format!("{} 仍在此网格工作 ({} still works in this grid)", s.name, s.name),
        });
    }
    c.grids.retain(|o| o.id != g.id);
    Ok(())
}

pub(super) fn add_grid(c: &mut Community, g: &Grid) -> Result<(), EditError> {
    check_new_grid(c, g)?;
    let at = c.grids.partition_point(|o| o.id < g.id);
    c.grids.insert(at, g.clone());
    Ok(())
}

/// The whole grid as JSON, for the change log.
pub fn grid_to_json(g: &Grid) -> Value {
    json!({
        "id": g.id,
        "code": g.code,
        "name": g.name,
        "colour": crate::store::format_colour(g.colour),
        "outline": crate::store::polygon_to_json(&g.outline),
    })
}

pub fn grid_from_json(v: &Value) -> Option<Grid> {
    Some(Grid {
        id: GridId(v.get("id")?.as_i64()?),
        code: v.get("code")?.as_str()?.to_string(),
        name: v.get("name")?.as_str()?.to_string(),
        colour: crate::store::parse_colour(v.get("colour")?.as_str()?)?,
        outline: polygon_of(v.get("outline")?).ok()?,
    })
}

/// The edit giving grids the codes of a renumbering plan (grid, old code, new code), or `None`
/// when every grid has its code already. One step, whatever the number of grids.
pub fn renumber_edit(plan: &[(GridId, String, String)]) -> Result<Option<Edit>, EditError> {
    let code = field::field(Entity::Grid, "code")?;
    let changes: Vec<Change> = plan
        .iter()
        .filter(|(_, old, new)| old != new)
        .map(|(id, old, new)| Change {
            field: code,
            id: id.get(),
            old: Value::from(old.as_str()),
            new: Value::from(new.as_str()),
        })
        .collect();
    Ok((!changes.is_empty())
        .then(|| Edit::Batch { label: "网格重新编号 (renumber grids)".into(), edits: vec![Edit::Set(changes)] }))
}

/// The first code "community code + 2 digits" that `taken` does not hold (the convention numbers
/// 01–99; past that the sequence goes on with 3 digits, which `renumber` refuses).
pub fn next_grid_code(prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..).map(|n| format!("{prefix}{n:02}")).find(|code| !taken(code)).unwrap_or_default()
}

/// A colour for a new grid that differs from the other grids' as much as the palette allows.
pub fn next_grid_colour(grids: &[Grid]) -> [u8; 3] {
    const PALETTE: [[u8; 3]; 10] = [
        [0xe6, 0x55, 0x4a],
        [0x3b, 0x82, 0xc4],
        [0x4c, 0xa5, 0x5b],
        [0xe0, 0x9a, 0x2c],
        [0x8e, 0x5e, 0xb8],
        [0x2a, 0xa6, 0xa6],
        [0xd4, 0x5d, 0x9a],
        [0x8c, 0x8c, 0x3a],
        [0x5b, 0x6f, 0xd6],
        [0xb8, 0x6b, 0x3b],
    ];
    PALETTE.into_iter().find(|p| !grids.iter().any(|g| g.colour == *p)).unwrap_or(PALETTE[grids.len() % 10])
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Coord, MapCoords};

    #[test]
    fn a_grid_survives_json() {
        let c = crate::demo::kangle();
        let g = &c.grids[3];
        assert_eq!(grid_from_json(&grid_to_json(g)).as_ref(), Some(g));
    }

    #[test]
    fn removing_a_grid_with_staff_moves_them_and_undoes_exactly() {
        let mut c = crate::demo::kangle();
        let before = (c.grids.clone(), c.staff.clone());
        let (gone, keep) = (c.grids[1].id, c.grids[0].id);
        let moved = c.staff.iter().filter(|s| s.grid_id == Some(gone)).count();
        let kept = c.staff.iter().filter(|s| s.grid_id == Some(keep)).count();
        assert!(moved > 0);
        let grown = c.grids[0].outline.map_coords(|p| Coord { x: p.x + 1e-5, y: p.y });
        let edit = LayerEdit {
            label: "合并".into(),
            reshaped: vec![(keep, grown.clone())],
            removed: vec![gone],
            staff_to: Some(keep),
            ..LayerEdit::default()
        }
        .into_edit(&c)
        .unwrap();
        edit.apply_to(&mut c).unwrap();
        assert!(c.grid(gone).is_none());
        assert_eq!(c.grid(keep).unwrap().outline, grown);
        assert_eq!(c.staff.iter().filter(|s| s.grid_id == Some(keep)).count(), moved + kept);
        edit.inverse().apply_to(&mut c).unwrap();
        assert_eq!((c.grids.clone(), c.staff.clone()), before);
    }

    #[test]
    fn a_bad_new_grid_leaves_the_layer_as_it_was() {
        let mut c = crate::demo::kangle();
        let before = c.grids.clone();
        let mut g = c.grids[0].clone();
        g.id = GridId(99);
        // The code is taken: the whole batch (a reshape, then the add) is refused.
        let other = c.grids[2].id;
        let moved = c.grids[2].outline.map_coords(|p| Coord { x: p.x + 1e-5, y: p.y });
        let edit =
            LayerEdit { label: "x".into(), reshaped: vec![(other, moved)], added: vec![g], ..Default::default() }
                .into_edit(&c)
                .unwrap();
        assert!(edit.apply_to(&mut c).unwrap_err().to_string().contains("code"));
        assert_eq!(c.grids, before);
    }
}
