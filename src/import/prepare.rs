//! From a source layer to the features of one of our layers: reproject to WGS-84, check every
//! geometry and value, and say per feature what is wrong and whether a well-defined repair exists —
//! all before anything is written. The user then chooses fail, skip or repair, and the result is
//! one [`Edit`].

use geo::{Area, BooleanOps, BoundingRect, Contains, Coord, Geometry, InteriorPoint, LineString, Point, Polygon};
use rstar::{AABB, RTree, RTreeObject};
use serde_json::Value;

use super::crs::Crs;
use super::mapping::{FieldMap, Target};
use super::source::{Quirk, SourceFeature, SourceLayer};
use crate::edit::{Edit, EditError, Entity, Feature, field};
use crate::model::{
    Building, BuildingId, Community, Compound, CompoundId, CompoundKind, Organisation, OrganisationId,
    OrganisationKind, Road, RoadId,
};

/// What to do with features that have problems (`--on-invalid`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnInvalid {
    /// Any problem refuses the whole import.
    #[default]
    Fail,
    /// Features with problems are left out.
    Skip,
    /// Repairable features are repaired, the others left out.
    Repair,
}

impl OnInvalid {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "fail" => Ok(Self::Fail),
            "skip" => Ok(Self::Skip),
            "repair" => Ok(Self::Repair),
            other => Err(format!("--on-invalid 应为 fail、skip 或 repair (fail, skip or repair; got {other:?})")),
        }
    }
}

/// One thing wrong with one feature.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The feature's 1-based position in the file.
    pub feature: usize,
    pub reason: String,
    /// What repairing does, when a repair exists.
    pub repair: Option<String>,
}

/// A feature as it will be imported, before it gets its id.
#[derive(Clone, Debug, PartialEq)]
pub enum Draft {
    Boundary(Polygon<f64>),
    Building(Building),
    Compound(Compound),
    Road(Road),
    Organisation(Organisation),
}

/// One source feature, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    pub index: usize,
    /// The feature's name as the file gives it (for the wizard's problem list).
    pub label: String,
    /// What would be imported: as read when there are no problems, as repaired when all problems are
    /// repairable; `None` when some problem cannot be repaired.
    pub drafts: Option<Vec<Draft>>,
    pub problems: Vec<Problem>,
}

impl Checked {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn repairable(&self) -> bool {
        self.drafts.is_some()
    }
}

/// A whole source layer, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    pub target: Target,
    pub crs: Crs,
    pub features: Vec<Checked>,
    pub null_geometries: usize,
    /// Features the reader could not read at all (index, reason).
    pub unreadable: Vec<(usize, String)>,
}

/// What an import did (printed by the CLI as JSON, shown by the wizard).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportReport {
    pub imported: usize,
    pub skipped: usize,
    pub repaired: usize,
    pub null_geometries: usize,
    pub problems: Vec<Problem>,
}

impl ImportReport {
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "imported": self.imported,
            "skipped": self.skipped,
            "repaired": self.repaired,
            "null_geometries": self.null_geometries,
            "problems": self.problems.iter().map(|p| serde_json::json!({"feature": p.feature, "reason": p.reason})).collect::<Vec<_>>(),
        })
    }
}

/// The CRS to read `layer` in: the user's choice, else what the file declares, else WGS-84 when the
/// coordinates look like degrees in China; projected-looking numbers without a declaration are
/// refused (guessing a zone would put the community in the wrong place).
pub fn resolve_crs(layer: &SourceLayer, chosen: Option<&Crs>) -> Result<Crs, String> {
    if let Some(c) = chosen {
        return Ok(c.clone());
    }
    if let Some(c) = &layer.crs {
        return Ok(c.clone());
    }
    let sample: Vec<Coord<f64>> =
        layer.features.iter().take(50).flat_map(|f| first_coords(&f.geometry)).take(500).collect();
    match super::crs::guess(&sample) {
        Some(c) if c.is_geographic() => Ok(c),
        Some(c) => Err(format!(
            "文件没有声明坐标系，坐标看起来是 {}，请用 --crs 指定 (the file declares no coordinate system; it looks like {} — choose it with --crs)",
            c.label(),
            c.label()
        )),
        None if sample.is_empty() => Ok(Crs::Wgs84),
        None => Err(
            "文件没有声明坐标系，且无法判断，请用 --crs 指定 (the file declares no coordinate system and it cannot be guessed; choose it with --crs)"
                .into(),
        ),
    }
}

fn first_coords(g: &Geometry<f64>) -> Vec<Coord<f64>> {
    use geo::CoordsIter;
    g.coords_iter().take(10).collect()
}

/// Checks every feature of `layer` for `target`. Fails only when the layer as a whole cannot be
/// used (unknown CRS); per-feature problems are listed in the result.
pub fn prepare(
    layer: &SourceLayer,
    target: Target,
    map: &FieldMap,
    crs: Option<&Crs>,
    c: &Community,
) -> Result<Prepared, String> {
    let crs = resolve_crs(layer, crs)?;
    let reproject = crs.to_wgs84()?;
    let ctx = Context::new(c, target);
    let mut features = Vec::with_capacity(layer.features.len());
    for f in &layer.features {
        let mut problems = Vec::new();
        let mut geometry = f.geometry.clone();
        let label = text_value(layer, map, f, "name").unwrap_or_default();
        let drafts = match reproject.geometry(&mut geometry) {
            Err(why) => {
                problems.push(Problem {
                    feature: f.index,
                    reason: format!("坐标无法转换 (cannot reproject): {why}"),
                    repair: None,
                });
                None
            }
            Ok(()) => ctx.drafts(layer, map, f, geometry, &mut problems),
        };
        features.push(Checked { index: f.index, label, drafts, problems });
    }
    let unreadable = layer.problems.clone();
    Ok(Prepared { target, crs, features, null_geometries: layer.null_geometries, unreadable })
}

impl Prepared {
    /// Every problem, in file order (unreadable features first).
    pub fn problems(&self) -> Vec<Problem> {
        let mut all: Vec<Problem> =
            self.unreadable.iter().map(|(i, why)| Problem { feature: *i, reason: why.clone(), repair: None }).collect();
        all.extend(self.features.iter().flat_map(|f| f.problems.iter().cloned()));
        all.sort_by_key(|p| p.feature);
        all
    }

    /// The drafts to import under `on_invalid`, and the report; `Err` (with the report) when
    /// `Fail` meets a problem or nothing is left to import.
    pub fn select(&self, on_invalid: OnInvalid) -> Result<(Vec<Draft>, ImportReport), ImportReport> {
        let mut report =
            ImportReport { null_geometries: self.null_geometries, problems: self.problems(), ..Default::default() };
        report.skipped = self.unreadable.len();
        let mut drafts = Vec::new();
        for f in &self.features {
            match (&f.drafts, f.is_clean(), on_invalid) {
                (Some(d), true, _) => drafts.extend(d.iter().cloned()),
                (_, false, OnInvalid::Fail) => {}
                (Some(d), false, OnInvalid::Repair) => {
                    report.repaired += 1;
                    drafts.extend(d.iter().cloned());
                }
                _ => report.skipped += 1,
            }
        }
        if on_invalid == OnInvalid::Fail && !report.problems.is_empty() {
            report.skipped = 0;
            return Err(report);
        }
        report.imported = drafts.len();
        if self.target == Target::Boundary && drafts.len() > 1 {
            // Several polygons make one boundary only if they join up.
            let polygons: Vec<Polygon<f64>> =
                drafts.iter().filter_map(|d| if let Draft::Boundary(p) = d { Some(p.clone()) } else { None }).collect();
            let union = geo::unary_union(&polygons);
            match union.0.as_slice() {
                [one] => {
                    report.imported = 1;
                    return Ok((vec![Draft::Boundary(one.clone())], report));
                }
                parts => {
                    report.problems.push(Problem {
                        feature: 0,
                        reason: format!(
                            "边界由 {} 个互不相连的部分组成，社区边界应为一个面 (the boundary falls apart into {} pieces; it must be one polygon)",
                            parts.len(),
                            parts.len()
                        ),
                        repair: None,
                    });
                    return Err(report);
                }
            }
        }
        if drafts.is_empty() {
            report.problems.push(Problem {
                feature: 0,
                reason: "没有可导入的要素 (nothing to import)".into(),
                repair: None,
            });
            return Err(report);
        }
        Ok((drafts, report))
    }
}

/// What the checks of one target need from the community.
struct Context<'a> {
    c: &'a Community,
    target: Target,
    buildings: RTree<Indexed>,
}

struct Indexed {
    id: BuildingId,
    envelope: AABB<[f64; 2]>,
}

impl RTreeObject for Indexed {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

impl<'a> Context<'a> {
    fn new(c: &'a Community, target: Target) -> Self {
        let buildings = if target == Target::Organisations {
            RTree::bulk_load(
                c.buildings
                    .iter()
                    .filter_map(|b| {
                        let r = b.footprint.bounding_rect()?;
                        Some(Indexed {
                            id: b.id,
                            envelope: AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        })
                    })
                    .collect(),
            )
        } else {
            RTree::new()
        };
        Self { c, target, buildings }
    }

    fn drafts(
        &self,
        layer: &SourceLayer,
        map: &FieldMap,
        f: &SourceFeature,
        geometry: Geometry<f64>,
        problems: &mut Vec<Problem>,
    ) -> Option<Vec<Draft>> {
        let mut repairable = true;
        let mut problem = |reason: String, repair: Option<&str>| {
            repairable &= repair.is_some();
            problems.push(Problem { feature: f.index, reason, repair: repair.map(str::to_string) });
        };
        if let Some(bad) = out_of_range(&geometry) {
            problem(bad, None);
            return None;
        }
        let values = Values { layer, map, f };
        let drafts = match self.target {
            Target::Boundary | Target::Buildings | Target::Compounds => {
                let polygon = one_polygon(geometry, &f.quirks, &mut problem)?;
                match self.target {
                    Target::Boundary => vec![Draft::Boundary(polygon)],
                    Target::Buildings => vec![Draft::Building(self.building(&values, polygon, &mut problem))],
                    _ => vec![Draft::Compound(compound(&values, polygon, &mut problem))],
                }
            }
            Target::Roads => lines(geometry, &mut problem)?
                .into_iter()
                .map(|line| Draft::Road(road(&values, line, &mut problem)))
                .collect(),
            Target::Organisations => {
                let point = point_of(&geometry, &mut problem)?;
                vec![Draft::Organisation(self.organisation(&values, point, &mut problem))]
            }
        };
        repairable.then_some(drafts)
    }

    fn building(&self, v: &Values, footprint: Polygon<f64>, problem: &mut dyn FnMut(String, Option<&str>)) -> Building {
        let number = v.text("number").unwrap_or_default();
        let name = v.text("name").filter(|n| !n.is_empty()).unwrap_or_else(|| {
            if number.is_empty() { format!("楼栋 {}", v.f.index) } else { format!("{number}号楼") }
        });
        let number = if number.is_empty() { v.f.index.to_string() } else { number };
        let compound_id = match v.text("compound").filter(|s| !s.is_empty()) {
            Some(name) => match self.c.compounds.iter().find(|k| k.name == name) {
                Some(k) => Some(k.id),
                None => {
                    problem(
                        format!("没有名为 {name:?} 的小区 (no compound named {name:?})"),
                        Some("按位置归入小区 (placed by location)"),
                    );
                    self.compound_at(&footprint)
                }
            },
            None => self.compound_at(&footprint),
        };
        let households = v.count("households", problem);
        Building {
            id: BuildingId(0),
            compound_id,
            group_id: None,
            number,
            name,
            floors: v.count("floors", problem),
            stairwells: v.count("stairwells", problem),
            dwellings: v.count_or("dwellings", households, problem),
            households,
            residents: v.count("residents", problem),
            footprint,
            last_patrol: None,
        }
    }

    /// The compound a building stands in (by a point inside its footprint).
    fn compound_at(&self, footprint: &Polygon<f64>) -> Option<CompoundId> {
        let inside = footprint.interior_point()?;
        self.c.compounds.iter().find(|k| k.outline.contains(&inside)).map(|k| k.id)
    }

    fn organisation(
        &self,
        v: &Values,
        position: Point<f64>,
        problem: &mut dyn FnMut(String, Option<&str>),
    ) -> Organisation {
        let name = v.text("name").filter(|n| !n.is_empty()).unwrap_or_else(|| format!("单位 {}", v.f.index));
        let kind = match v.text("kind").filter(|s| !s.is_empty()) {
            None => OrganisationKind::Service,
            Some(k) => organisation_kind(&k).unwrap_or_else(|| {
                problem(
                    format!("单位类别 {k:?} 无法识别 (unknown kind {k:?})"),
                    Some("记为服务 (recorded as service)"),
                );
                OrganisationKind::Service
            }),
        };
        let here = [position.x(), position.y()];
        let building_id = self
            .buildings
            .locate_in_envelope_intersecting(&AABB::from_point(here))
            .find(|i| self.c.building(i.id).is_some_and(|b| b.footprint.contains(&position)))
            .map(|i| i.id);
        Organisation { id: OrganisationId(0), name, kind, position, building_id }
    }
}

fn compound(v: &Values, outline: Polygon<f64>, problem: &mut dyn FnMut(String, Option<&str>)) -> Compound {
    let name = v.text("name").filter(|n| !n.is_empty()).unwrap_or_else(|| format!("小区 {}", v.f.index));
    let kind = match v.text("kind").filter(|s| !s.is_empty()) {
        None => CompoundKind::Residential,
        Some(k) if k.contains("宿舍") || k.eq_ignore_ascii_case("dormitory") => CompoundKind::Dormitory,
        Some(k) if k.contains("小区") || k.contains("住宅") || k.eq_ignore_ascii_case("residential") => {
            CompoundKind::Residential
        }
        Some(k) => {
            problem(
                format!("小区类型 {k:?} 无法识别 (unknown compound kind {k:?})"),
                Some("记为物业小区 (recorded as residential)"),
            );
            CompoundKind::Residential
        }
    };
    Compound {
        id: CompoundId(0),
        name,
        kind,
        outline,
        property_manager: v.text("property_manager").unwrap_or_default(),
    }
}

fn road(v: &Values, centerline: LineString<f64>, problem: &mut dyn FnMut(String, Option<&str>)) -> Road {
    /// A lane each way, when the file does not say.
    const DEFAULT_WIDTH_M: f64 = 7.0;
    let width_m = v.real("width_m", problem).filter(|w| *w > 0.0).unwrap_or(DEFAULT_WIDTH_M);
    Road { id: RoadId(0), name: v.text("name").unwrap_or_default(), width_m, centerline }
}

fn organisation_kind(s: &str) -> Option<OrganisationKind> {
    use OrganisationKind::*;
    if let Some(k) = OrganisationKind::parse(&s.to_ascii_lowercase()) {
        return Some(k);
    }
    let table: [(&[&str], OrganisationKind); 8] = [
        (&["物业", "物业公司"], PropertyManager),
        (&["餐", "饭", "食", "restaurant", "cafe", "fast_food"], Restaurant),
        (&["学校", "小学", "中学", "幼儿园", "school", "kindergarten"], School),
        (&["诊所", "医院", "卫生", "药", "clinic", "hospital", "pharmacy"], Clinic),
        (&["市场", "菜场", "market", "marketplace"], Market),
        (&["公司", "企业", "厂", "company", "office"], Company),
        (&["店", "超市", "商", "shop", "supermarket", "convenience"], Shop),
        (&["服务", "银行", "邮", "service", "bank", "post_office"], Service),
    ];
    let lower = s.to_lowercase();
    table.iter().find(|(words, _)| words.iter().any(|w| lower.contains(w))).map(|(_, k)| *k)
}

/// A feature's mapped values.
struct Values<'a> {
    layer: &'a SourceLayer,
    map: &'a FieldMap,
    f: &'a SourceFeature,
}

impl Values<'_> {
    fn raw(&self, field: &str) -> Option<&Value> {
        let column = self.map.column(field)?;
        let i = self.layer.columns.iter().position(|c| c == column)?;
        self.f.values.get(i).filter(|v| !v.is_null())
    }

    fn text(&self, field: &str) -> Option<String> {
        self.raw(field).map(value_text)
    }

    fn count(&self, field: &str, problem: &mut dyn FnMut(String, Option<&str>)) -> u32 {
        self.count_or(field, 0, problem)
    }

    fn count_or(&self, field: &str, default: u32, problem: &mut dyn FnMut(String, Option<&str>)) -> u32 {
        let Some(v) = self.raw(field) else { return default };
        match parse_count(v) {
            Ok(Some(n)) => n,
            Ok(None) => default,
            Err(shown) => {
                problem(
                    format!(
                        "{} 的值 {shown} 不是非负整数 ({field} {shown} is not a whole number ≥ 0)",
                        zh_field(field)
                    ),
                    Some("记为 0 (recorded as 0)"),
                );
                0
            }
        }
    }

    fn real(&self, field: &str, problem: &mut dyn FnMut(String, Option<&str>)) -> Option<f64> {
        let v = self.raw(field)?;
        let parsed = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) if s.trim().is_empty() => return None,
            Value::String(s) => s.trim().trim_end_matches(['m', '米']).trim().parse::<f64>().ok(),
            _ => None,
        };
        match parsed.filter(|x| x.is_finite() && *x >= 0.0) {
            Some(x) => Some(x),
            None => {
                problem(
                    format!("{} 的值 {v} 不是数字 ({field} {v} is not a number)", zh_field(field)),
                    Some("用默认值 (default used)"),
                );
                None
            }
        }
    }
}

fn zh_field(field: &str) -> &str {
    Target::ALL.iter().find_map(|t| t.field(field)).map_or(field, |f| f.zh)
}

fn text_value(layer: &SourceLayer, map: &FieldMap, f: &SourceFeature, field: &str) -> Option<String> {
    Values { layer, map, f }.text(field)
}

/// A cell as text: strings trimmed, integers without ".0".
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
            _ => n.to_string(),
        },
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `Ok(None)` for an empty cell; `Err(shown)` for a value that is not a whole number ≥ 0. Accepts
/// "12", 12, 12.0 and the office's "12层", "30户", "85人".
fn parse_count(v: &Value) -> Result<Option<u32>, String> {
    let as_count = |x: f64| (x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= u32::MAX as f64).then_some(x as u32);
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => n.as_f64().and_then(as_count).map(Some).ok_or_else(|| n.to_string()),
        Value::String(s) => {
            let t = s.trim().trim_end_matches(['层', '户', '人', '套', '个', '栋']).trim();
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<f64>().ok().and_then(as_count).map(Some).ok_or_else(|| format!("{s:?}"))
        }
        other => Err(other.to_string()),
    }
}

fn out_of_range(g: &Geometry<f64>) -> Option<String> {
    let r = g.bounding_rect()?;
    let ok = |c: Coord<f64>| c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0;
    (!ok(r.min()) || !ok(r.max())).then(|| {
        "坐标超出经纬度范围，坐标系可能选错了 (coordinates are outside longitude/latitude range: wrong coordinate system?)"
            .to_string()
    })
}

/// The one polygon of a feature, checked; repairs are recorded as problems with their fix. `None`
/// when it cannot be made valid.
fn one_polygon(
    g: Geometry<f64>,
    quirks: &[Quirk],
    problem: &mut dyn FnMut(String, Option<&str>),
) -> Option<Polygon<f64>> {
    for q in quirks {
        let Quirk::UnclosedRing { part, ring } = q;
        let which = if *ring == 0 { "外环".to_string() } else { format!("内环 {ring}") };
        let part = if *part > 0 { format!("第 {} 部分", part + 1) } else { String::new() };
        problem(format!("{part}{which}未闭合 (ring {ring} is not closed)"), Some("闭合该环 (the ring is closed)"));
    }
    let mut polygon = match g {
        Geometry::Polygon(p) => p,
        Geometry::MultiPolygon(mp) if mp.0.len() == 1 => mp.0.into_iter().next()?,
        Geometry::MultiPolygon(mp) if mp.0.is_empty() => {
            problem("几何为空 (empty geometry)".into(), None);
            return None;
        }
        Geometry::MultiPolygon(mp) => {
            let n = mp.0.len();
            problem(
                format!("多部分面，共 {n} 个部分 (a multi-part polygon with {n} parts)"),
                Some("保留面积最大的部分 (the largest part is kept)"),
            );
            mp.0.into_iter().max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?
        }
        Geometry::Rect(r) => r.to_polygon(),
        Geometry::Triangle(t) => t.to_polygon(),
        other => {
            problem(format!("应为面，实为 {} (expected a polygon, found {})", type_zh(&other), type_en(&other)), None);
            return None;
        }
    };
    if remove_repeated_points(&mut polygon) {
        problem("有重复的相邻点 (repeated consecutive points)".into(), Some("删除重复点 (duplicates removed)"));
    }
    let Some(why) = crate::geom::validity::polygon_problem(&polygon) else { return Some(polygon) };
    // Holes outside the shell or inside other holes: dropping them is the one reading that keeps
    // the outline as drawn.
    let holes_fixed = drop_stray_holes(&polygon);
    if let Some(fixed) = holes_fixed.filter(|p| crate::geom::validity::polygon_problem(p).is_none()) {
        problem(
            format!("内环嵌套或在外环之外 (holes nested or outside): {why}"),
            Some("删除这些内环 (those holes are removed)"),
        );
        return Some(fixed);
    }
    // A self-touching or self-overlapping ring: the union of the polygon with itself is the area it
    // encloses; a repair only when that is one piece (a bow-tie is two).
    let union = geo::unary_union([&polygon]);
    match union.0.as_slice() {
        [one] if crate::geom::validity::polygon_problem(one).is_none() && one.unsigned_area() > 0.0 => {
            problem(
                format!("面无效 (invalid polygon): {why}"),
                Some("按所围区域重建 (rebuilt from the area it encloses)"),
            );
            Some(one.clone())
        }
        _ => {
            problem(format!("面无效，无法自动修复 (invalid polygon, no automatic repair): {why}"), None);
            None
        }
    }
}

fn remove_repeated_points(p: &mut Polygon<f64>) -> bool {
    let mut changed = false;
    let mut dedup = |ring: &mut LineString<f64>| {
        let before = ring.0.len();
        ring.0.dedup();
        changed |= ring.0.len() != before;
    };
    p.exterior_mut(&mut dedup);
    p.interiors_mut(|rings| rings.iter_mut().for_each(&mut dedup));
    changed
}

/// The polygon without holes that lie outside its shell or inside an earlier hole; `None` when
/// there is no such hole.
fn drop_stray_holes(p: &Polygon<f64>) -> Option<Polygon<f64>> {
    let shell = Polygon::new(p.exterior().clone(), vec![]);
    let mut kept: Vec<Polygon<f64>> = Vec::new();
    for hole in p.interiors() {
        let h = Polygon::new(hole.clone(), vec![]);
        let inside_shell = shell.contains(&h);
        let overlaps_kept = kept.iter().any(|k| k.intersection(&h).unsigned_area() > 0.0);
        if inside_shell && !overlaps_kept {
            kept.push(h);
        }
    }
    (kept.len() != p.interiors().len())
        .then(|| Polygon::new(p.exterior().clone(), kept.into_iter().map(|k| k.exterior().clone()).collect()))
}

fn lines(g: Geometry<f64>, problem: &mut dyn FnMut(String, Option<&str>)) -> Option<Vec<LineString<f64>>> {
    let parts = match g {
        Geometry::LineString(l) => vec![l],
        Geometry::MultiLineString(ml) => ml.0,
        Geometry::Line(l) => vec![LineString::from(vec![l.start, l.end])],
        other => {
            problem(format!("应为线，实为 {} (expected a line, found {})", type_zh(&other), type_en(&other)), None);
            return None;
        }
    };
    let mut out = Vec::new();
    for mut l in parts {
        l.0.dedup();
        if l.0.len() >= 2 {
            out.push(l);
        } else {
            problem(
                "线少于两个不同的点 (a line with fewer than two distinct points)".into(),
                Some("删除该线 (dropped)"),
            );
        }
    }
    if out.is_empty() {
        problem("没有可用的线 (no usable line)".into(), None);
        return None;
    }
    Some(out)
}

fn point_of(g: &Geometry<f64>, problem: &mut dyn FnMut(String, Option<&str>)) -> Option<Point<f64>> {
    match g {
        Geometry::Point(p) => Some(*p),
        Geometry::MultiPoint(mp) if mp.0.len() == 1 => Some(mp.0[0]),
        // A shop drawn as its outline: a point inside it stands for it.
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) => g.interior_point(),
        other => {
            problem(format!("应为点，实为 {} (expected a point, found {})", type_zh(other), type_en(other)), None);
            None
        }
    }
}

fn type_en(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

fn type_zh(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) | Geometry::MultiPoint(_) => "点",
        Geometry::Line(_) | Geometry::LineString(_) | Geometry::MultiLineString(_) => "线",
        Geometry::GeometryCollection(_) => "几何集合",
        _ => "面",
    }
}

/// Ids for new rows: above every id in use and every id the change log has seen, so a new
/// building never inherits a removed one's history.
#[derive(Clone, Copy, Debug, Default)]
pub struct FirstIds {
    pub building: i64,
    pub compound: i64,
    pub road: i64,
    pub organisation: i64,
}

impl FirstIds {
    /// The next ids after those in `c` and those `logged(entity)` says the change log has seen.
    pub fn after(c: &Community, logged: impl Fn(&str) -> i64) -> Self {
        let next = |in_use: Option<i64>, entity: &str| in_use.unwrap_or(0).max(logged(entity)) + 1;
        Self {
            building: next(c.buildings.iter().map(|b| b.id.get()).max(), "building"),
            compound: next(c.compounds.iter().map(|k| k.id.get()).max(), "compound"),
            road: next(c.roads.iter().map(|r| r.id.get()).max(), "road"),
            organisation: next(c.organisations.iter().map(|o| o.id.get()).max(), "organisation"),
        }
    }
}

/// The one edit that brings `drafts` into the community: new features (after removing the old ones
/// with `replace`), or the new boundary.
pub fn import_edit(
    c: &Community,
    target: Target,
    drafts: Vec<Draft>,
    ids: FirstIds,
    replace: bool,
) -> Result<Edit, EditError> {
    let n = drafts.len();
    let mut edits = Vec::with_capacity(n + if replace { c.buildings.len() } else { 0 });
    let mut next = ids;
    let mut reattach: Vec<Organisation> = Vec::new();
    if replace && target == Target::Buildings {
        // Organisations in old buildings are re-placed into the new ones (same ids, so their
        // history stays theirs); they go first and come back last.
        for o in c.organisations.iter().filter(|o| o.building_id.is_some()) {
            edits.push(Edit::RemoveFeature(Feature::Organisation(o.clone())));
            reattach.push(o.clone());
        }
        edits.extend(c.buildings.iter().rev().map(|b| Edit::RemoveFeature(Feature::Building(b.clone()))));
    }
    let mut new_buildings: Vec<&Building> = Vec::new();
    let mut boundary = None;
    for d in &drafts {
        match d {
            Draft::Boundary(p) => boundary = Some(p.clone()),
            Draft::Building(b) => {
                let b = Building { id: BuildingId(next.building), ..b.clone() };
                next.building += 1;
                edits.push(Edit::AddFeature(Feature::Building(b)));
            }
            Draft::Compound(k) => {
                edits
                    .push(Edit::AddFeature(Feature::Compound(Compound { id: CompoundId(next.compound), ..k.clone() })));
                next.compound += 1;
            }
            Draft::Road(r) => {
                edits.push(Edit::AddFeature(Feature::Road(Road { id: RoadId(next.road), ..r.clone() })));
                next.road += 1;
            }
            Draft::Organisation(o) => {
                edits.push(Edit::AddFeature(Feature::Organisation(Organisation {
                    id: OrganisationId(next.organisation),
                    ..o.clone()
                })));
                next.organisation += 1;
            }
        }
    }
    for e in &edits {
        if let Edit::AddFeature(Feature::Building(b)) = e {
            new_buildings.push(b);
        }
    }
    let mut back = Vec::new();
    for o in reattach {
        let building_id = new_buildings.iter().find(|b| b.footprint.contains(&o.position)).map(|b| b.id);
        back.push(Edit::AddFeature(Feature::Organisation(Organisation { building_id, ..o })));
    }
    edits.extend(back);
    if let Some(p) = boundary {
        let f = field::field(Entity::Community, "boundary")?;
        return Ok(Edit::Set(vec![crate::edit::Change {
            field: f,
            id: 1,
            old: crate::store::polygon_to_json(&c.info.boundary),
            new: crate::store::polygon_to_json(&p),
        }]));
    }
    let verb = if replace { "替换" } else { "导入" };
    Ok(Edit::Batch {
        label: format!(
            "{verb}{} {n} 个 ({} {n} {})",
            target.zh(),
            if replace { "replace" } else { "import" },
            target.as_str()
        ),
        edits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::wkt;

    fn check(g: Polygon<f64>, quirks: &[Quirk]) -> (Option<Polygon<f64>>, Vec<(String, Option<String>)>) {
        let mut problems = Vec::new();
        let out = one_polygon(Geometry::Polygon(g), quirks, &mut |r, fix| problems.push((r, fix.map(str::to_string))));
        (out, problems)
    }

    #[test]
    fn a_valid_polygon_has_no_problem() {
        let (p, problems) = check(wkt!(POLYGON((0. 0.,1. 0.,1. 1.,0. 1.,0. 0.))), &[]);
        assert!(p.is_some() && problems.is_empty());
    }

    #[test]
    fn a_bow_tie_cannot_be_repaired() {
        let (p, problems) = check(wkt!(POLYGON((0. 0.,1. 1.,1. 0.,0. 1.,0. 0.))), &[]);
        assert!(p.is_none());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].0.contains("无法自动修复") && problems[0].1.is_none(), "{problems:?}");
    }

    #[test]
    fn nested_holes_are_repaired_by_dropping_the_inner_one() {
        let nested = wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.),(2. 2.,8. 2.,8. 8.,2. 8.,2. 2.),(4. 4.,6. 4.,6. 6.,4. 6.,4. 4.)));
        let (p, problems) = check(nested, &[]);
        let p = p.unwrap();
        assert_eq!(p.interiors().len(), 1);
        assert!((p.unsigned_area() - 64.0).abs() < 1e-9);
        assert!(problems[0].1.is_some());
    }

    #[test]
    fn repeated_points_and_open_rings_are_repairable() {
        let (p, problems) =
            check(wkt!(POLYGON((0. 0.,1. 0.,1. 0.,1. 1.,0. 1.,0. 0.))), &[Quirk::UnclosedRing { part: 0, ring: 0 }]);
        assert_eq!(p.unwrap().exterior().0.len(), 5);
        assert_eq!(problems.len(), 2);
        assert!(problems.iter().all(|(_, fix)| fix.is_some()));
    }

    #[test]
    fn counts_accept_what_offices_write() {
        assert_eq!(parse_count(&Value::from(12)), Ok(Some(12)));
        assert_eq!(parse_count(&Value::from(12.0)), Ok(Some(12)));
        assert_eq!(parse_count(&Value::from("18层")), Ok(Some(18)));
        assert_eq!(parse_count(&Value::from(" ")), Ok(None));
        assert!(parse_count(&Value::from(-1)).is_err());
        assert!(parse_count(&Value::from(2.5)).is_err());
        assert!(parse_count(&Value::from("很多")).is_err());
    }

    #[test]
    fn organisation_kinds_from_chinese_and_osm_words() {
        assert_eq!(organisation_kind("便利店"), Some(OrganisationKind::Shop));
        assert_eq!(organisation_kind("restaurant"), Some(OrganisationKind::Restaurant));
        assert_eq!(organisation_kind("康乐小学"), Some(OrganisationKind::School));
        assert_eq!(organisation_kind("???"), None);
    }
}
