//! The layers as tables (header + rows of typed cells): the one place that decides which columns a
//! layer has in a spreadsheet. The .xlsx and .csv writers (`table_files`) only lay these out.
//!
//! Headers are one row, Chinese first with the English name in parentheses, e.g. `居民 (residents)`:
//! one header row keeps the file sortable and filterable in Excel, and the importers read such a
//! header back by its Chinese or English part.

use geo::{Area, Length};

use crate::Document;
use crate::geom::balance::{BalanceStatus, balance};
use crate::i18n::Lang;
use crate::model::{CompoundKind, OrganisationKind};

/// The layers `export layer NAME` knows, in the order the help lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    Boundary,
    Compounds,
    Roads,
    Buildings,
    Grids,
    Organisations,
    Staff,
    /// The grid balance table (no geometry).
    GridStats,
}

impl Layer {
    pub const ALL: [Self; 8] = [
        Self::Boundary,
        Self::Compounds,
        Self::Roads,
        Self::Buildings,
        Self::Grids,
        Self::Organisations,
        Self::Staff,
        Self::GridStats,
    ];

    /// The CLI name, also the sheet name and the GeoJSON file stem.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Boundary => "boundary",
            Self::Compounds => "compounds",
            Self::Roads => "roads",
            Self::Buildings => "buildings",
            Self::Grids => "grids",
            Self::Organisations => "organisations",
            Self::Staff => "staff",
            Self::GridStats => "grid-stats",
        }
    }

    /// Accepts the CLI name and `grid_stats`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// Whether the layer can be written as GeoJSON.
    pub fn has_geometry(self) -> bool {
        !matches!(self, Self::Staff | Self::GridStats)
    }

    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

/// One cell; numbers stay numbers so that Excel can sum and sort them.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Real(f64),
}

impl Cell {
    fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }

    /// The cell as CSV text (reals with up to 7 decimals, enough for a coordinate to ~1 cm).
    pub fn to_text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Int(n) => n.to_string(),
            Self::Real(x) => {
                let s = format!("{x:.7}");
                let s = s.trim_end_matches('0').trim_end_matches('.');
                s.to_string()
            }
        }
    }
}

/// A column's header in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub zh: String,
    pub en: String,
}

impl Column {
    /// `居民 (residents)`
    pub fn header(&self) -> String {
        format!("{} ({})", self.zh, self.en)
    }
}

fn col(zh: impl Into<String>, en: impl Into<String>) -> Column {
    Column { zh: zh.into(), en: en.into() }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub layer: Layer,
    pub columns: Vec<Column>,
    /// Each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

fn int(n: impl Into<i64>) -> Cell {
    Cell::Int(n.into())
}

fn count(n: usize) -> Cell {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn uint(n: u64) -> Cell {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Area in m², rounded to 0.1 m² (more would only be noise of the local projection).
fn area_m2(doc: &Document, polygon: &geo::Polygon<f64>) -> Cell {
    let a = doc.scene.projection.polygon_to_local(polygon).unsigned_area();
    Cell::Real((a * 10.0).round() / 10.0)
}

/// The table of one layer of the open document.
pub fn layer_table(doc: &Document, layer: Layer) -> Table {
    let (columns, rows) = match layer {
        Layer::Boundary => boundary(doc),
        Layer::Compounds => compounds(doc),
        Layer::Roads => roads(doc),
        Layer::Buildings => buildings(doc),
        Layer::Grids => grids(doc),
        Layer::Organisations => organisations(doc),
        Layer::Staff => staff(doc),
        Layer::GridStats => grid_stats(doc),
    };
    Table { layer, columns, rows }
}

type Parts = (Vec<Column>, Vec<Vec<Cell>>);

fn boundary(doc: &Document) -> Parts {
    let i = &doc.community.info;
    let columns = vec![
        col("社区", "community"),
        col("街道", "subdistrict"),
        col("社区编码", "code"),
        col("监督电话", "hotline"),
        col("网格人口下限", "grid residents min"),
        col("网格人口上限", "grid residents max"),
        col("面积 m²", "area m²"),
    ];
    let row = vec![
        Cell::text(&i.name),
        Cell::text(&i.subdistrict),
        Cell::text(&i.code),
        Cell::text(&i.hotline),
        int(i.grid_residents_min),
        int(i.grid_residents_max),
        area_m2(doc, &i.boundary),
    ];
    (columns, vec![row])
}

fn compound_kind_zh(kind: CompoundKind) -> &'static str {
    match kind {
        CompoundKind::Residential => "物业小区",
        CompoundKind::Dormitory => "单位宿舍",
    }
}

fn compounds(doc: &Document) -> Parts {
    let c = &doc.community;
    let columns = vec![
        col("编号", "id"),
        col("小区名称", "name"),
        col("类型", "kind"),
        col("物业公司", "property manager"),
        col("楼栋", "buildings"),
        col("面积 m²", "area m²"),
    ];
    let rows = c
        .compounds
        .iter()
        .map(|k| {
            vec![
                int(k.id.get()),
                Cell::text(&k.name),
                Cell::text(compound_kind_zh(k.kind)),
                Cell::text(&k.property_manager),
                count(c.buildings.iter().filter(|b| b.compound_id == Some(k.id)).count()),
                area_m2(doc, &k.outline),
            ]
        })
        .collect();
    (columns, rows)
}

fn roads(doc: &Document) -> Parts {
    let columns = vec![col("编号", "id"), col("道路名称", "name"), col("宽度 m", "width m"), col("长度 m", "length m")];
    let p = &doc.scene.projection;
    let rows = doc
        .community
        .roads
        .iter()
        .map(|r| {
            let local: geo::LineString<f64> = r.centerline.coords().map(|c| p.local_from_lonlat(*c)).collect();
            let length = geo::Euclidean.length(&local);
            vec![
                int(r.id.get()),
                Cell::text(&r.name),
                Cell::Real(r.width_m),
                Cell::Real((length * 10.0).round() / 10.0),
            ]
        })
        .collect();
    (columns, rows)
}

fn buildings(doc: &Document) -> Parts {
    let c = &doc.community;
    let columns = vec![
        col("编号", "id"),
        col("楼栋编号", "number"),
        col("楼栋名称", "name"),
        col("小区", "compound"),
        col("网格编码", "grid code"),
        col("楼层", "floors"),
        col("单元", "stairwells"),
        col("房屋", "dwellings"),
        col("户数", "households"),
        col("居民", "residents"),
        col("最近巡查", "last patrol"),
    ];
    let rows = c
        .buildings
        .iter()
        .map(|b| {
            let compound = b.compound_id.and_then(|k| c.compound(k)).map_or("", |k| k.name.as_str());
            let grid = doc.assignment.grid_of(b.id).and_then(|g| c.grid(g)).map_or("", |g| g.code.as_str());
            vec![
                int(b.id.get()),
                Cell::text(&b.number),
                Cell::text(&b.name),
                Cell::text(compound),
                Cell::text(grid),
                int(b.floors),
                int(b.stairwells),
                int(b.dwellings),
                int(b.households),
                int(b.residents),
                Cell::text(b.last_patrol.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    (columns, rows)
}

fn grids(doc: &Document) -> Parts {
    let c = &doc.community;
    let (min, max) = (c.info.grid_residents_min, c.info.grid_residents_max);
    // The rule's numbers belong in the header: a reader must see what "within" was measured against.
    let columns = vec![
        col("网格编码", "code"),
        col("网格名称", "name"),
        col("居民", "residents"),
        col("户数", "households"),
        col("楼栋", "buildings"),
        col("人员数", "staff"),
        col("人员", "staff names"),
        col(format!("符合 {min}–{max} 人标准"), format!("within {min}–{max}")),
        col("面积 m²", "area m²"),
    ];
    let rows = c
        .grids
        .iter()
        .map(|g| {
            let stats = doc.stats(g.id).cloned().unwrap_or_default();
            let staff = c.grid_staff(g.id);
            let names: Vec<&str> = staff.iter().map(|s| s.name.as_str()).collect();
            let within = BalanceStatus::of(stats.residents, min, max) == BalanceStatus::Within;
            vec![
                Cell::text(&g.code),
                Cell::text(&g.name),
                uint(stats.residents),
                uint(stats.households),
                count(stats.buildings),
                count(staff.len()),
                Cell::text(names.join("、")),
                Cell::text(if within { "是" } else { "否" }),
                area_m2(doc, &g.outline),
            ]
        })
        .collect();
    (columns, rows)
}

fn grid_stats(doc: &Document) -> Parts {
    let c = &doc.community;
    let columns = vec![
        col("网格编码", "code"),
        col("网格名称", "name"),
        col("居民", "residents"),
        col("户数", "households"),
        col("房屋", "dwellings"),
        col("楼栋", "buildings"),
        col("偏离均值 %", "deviation %"),
        col("人口标准", "status"),
        col("网格长", "leaders"),
        col("网格员", "workers"),
        col("人员配齐", "staff complete"),
    ];
    let table = balance(c, &doc.grid_stats);
    let rows = c
        .grids
        .iter()
        .zip(&table)
        .zip(&doc.grid_stats)
        .map(|((g, b), s)| {
            let status = match b.status {
                BalanceStatus::Below => "低于标准",
                BalanceStatus::Within => "符合标准",
                BalanceStatus::Above => "高于标准",
            };
            vec![
                Cell::text(&g.code),
                Cell::text(&g.name),
                uint(b.residents),
                uint(b.households),
                uint(s.dwellings),
                count(b.buildings),
                Cell::Real((b.deviation_pct * 10.0).round() / 10.0),
                Cell::text(status),
                count(b.leaders),
                count(b.workers),
                Cell::text(if b.staff_ok { "是" } else { "否" }),
            ]
        })
        .collect();
    (columns, rows)
}

fn organisation_kind_zh(kind: OrganisationKind) -> &'static str {
    match kind {
        OrganisationKind::Shop => "商店",
        OrganisationKind::Restaurant => "餐饮",
        OrganisationKind::Company => "企业",
        OrganisationKind::School => "学校",
        OrganisationKind::Clinic => "医疗",
        OrganisationKind::Market => "市场",
        OrganisationKind::Service => "服务",
        OrganisationKind::PropertyManager => "物业公司",
    }
}

fn organisations(doc: &Document) -> Parts {
    let c = &doc.community;
    let columns = vec![
        col("编号", "id"),
        col("单位名称", "name"),
        col("类型", "kind"),
        col("所在楼栋", "building number"),
        col("经度", "lon"),
        col("纬度", "lat"),
    ];
    let rows = c
        .organisations
        .iter()
        .map(|o| {
            let building = o.building_id.and_then(|b| c.building(b)).map_or("", |b| b.number.as_str());
            vec![
                int(o.id.get()),
                Cell::text(&o.name),
                Cell::text(organisation_kind_zh(o.kind)),
                Cell::text(building),
                Cell::Real(o.position.x()),
                Cell::Real(o.position.y()),
            ]
        })
        .collect();
    (columns, rows)
}

fn staff(doc: &Document) -> Parts {
    let c = &doc.community;
    let columns = vec![
        col("编号", "id"),
        col("姓名", "name"),
        col("角色", "role"),
        col("电话", "phone"),
        col("网格编码", "grid code"),
        col("网格名称", "grid name"),
        col("职务", "title"),
        col("职责", "duties"),
    ];
    let rows = c
        .staff
        .iter()
        .map(|s| {
            let grid = s.grid_id.and_then(|g| c.grid(g));
            vec![
                int(s.id.get()),
                Cell::text(&s.name),
                Cell::text(super::products::role_name(Lang::ZhCn, s.role)),
                Cell::text(&s.phone),
                Cell::text(grid.map_or("", |g| g.code.as_str())),
                Cell::text(grid.map_or("", |g| g.name.as_str())),
                Cell::text(&s.title),
                Cell::text(&s.duties),
            ]
        })
        .collect();
    (columns, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_as_long_as_the_header() {
        let doc = Document::new(crate::demo::kangle(), None, Lang::ZhCn);
        for layer in Layer::ALL {
            let t = layer_table(&doc, layer);
            assert!(!t.rows.is_empty(), "{layer:?}");
            assert!(t.rows.iter().all(|r| r.len() == t.columns.len()), "{layer:?}");
        }
        let b = layer_table(&doc, Layer::Buildings);
        let total: i64 = b.rows.iter().map(|r| if let Cell::Int(n) = r[9] { n } else { 0 }).sum();
        assert_eq!(total, 9241);
    }

    #[test]
    fn layer_names_parse_both_spellings() {
        assert_eq!(Layer::parse("grid_stats"), Some(Layer::GridStats));
        assert_eq!(Layer::parse("grid-stats"), Some(Layer::GridStats));
        assert_eq!(Layer::parse("Staff"), Some(Layer::Staff));
        assert_eq!(Layer::parse("rivers"), None);
        assert_eq!(Cell::Real(118.1).to_text(), "118.1");
        assert_eq!(Cell::Real(2.0).to_text(), "2");
    }
}
