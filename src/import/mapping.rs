//! Which column of a source file feeds which field of a layer (the wizard's field-mapping step, the
//! CLI's `--map FIELD=COLUMN`). A first guess comes from the column names the district platform,
//! OSM and surveyors use; the user corrects it and the wizard remembers it per source.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The layers a file can be imported into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Target {
    Boundary,
    /// The usual import, so the wizard's first choice.
    #[default]
    Buildings,
    Compounds,
    Roads,
    Organisations,
}

/// How a field's text is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// A whole number ≥ 0.
    Count,
    /// A number ≥ 0 (road width in metres).
    Real,
}

/// A field of a layer that a column can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetField {
    pub name: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub kind: FieldKind,
    /// Column names that mean this field (compared case-insensitively).
    aliases: &'static [&'static str],
}

const fn f(
    name: &'static str,
    zh: &'static str,
    en: &'static str,
    kind: FieldKind,
    aliases: &'static [&'static str],
) -> TargetField {
    TargetField { name, zh, en, kind, aliases }
}

use FieldKind::{Count, Real, Text};

const BUILDING_FIELDS: &[TargetField] = &[
    f(
        "number",
        "楼栋编号",
        "number",
        Text,
        &[
            "number",
            "no",
            "编号",
            "楼号",
            "楼栋号",
            "楼栋编号",
            "门牌号",
            "addr:housenumber",
            "ref",
            "bldg_no",
            "楼幢号",
        ],
    ),
    f("name", "名称", "name", Text, &["name", "名称", "楼栋名称", "建筑名称", "name:zh", "楼名", "jzmc"]),
    f(
        "floors",
        "层数",
        "floors",
        Count,
        &["floors", "楼层", "层数", "floor", "building:levels", "levels", "地上层数", "cs"],
    ),
    f("households", "户数", "households", Count, &["households", "户数", "住户数", "hs"]),
    f(
        "residents",
        "居民数",
        "residents",
        Count,
        &["residents", "人口", "居民", "居民数", "人数", "常住人口", "population", "rk"],
    ),
    f("dwellings", "房屋套数", "dwellings", Count, &["dwellings", "房屋", "套数", "房屋数", "房屋套数"]),
    f("stairwells", "单元数", "stairwells", Count, &["stairwells", "单元", "单元数"]),
    f("compound", "所属小区", "compound", Text, &["compound", "小区", "所属小区", "小区名称"]),
];
const COMPOUND_FIELDS: &[TargetField] = &[
    f("name", "名称", "name", Text, &["name", "名称", "小区", "小区名称", "name:zh"]),
    f("kind", "类型", "kind", Text, &["kind", "类型", "type", "小区类型"]),
    f("property_manager", "物业", "property manager", Text, &["property_manager", "物业", "物业公司", "物业服务企业"]),
];
const ROAD_FIELDS: &[TargetField] = &[
    f("name", "名称", "name", Text, &["name", "名称", "道路名称", "路名", "name:zh"]),
    f("width_m", "路宽（米）", "width (m)", Real, &["width_m", "width", "宽度", "路宽", "道路宽度"]),
];
const ORGANISATION_FIELDS: &[TargetField] = &[
    f("name", "名称", "name", Text, &["name", "名称", "单位名称", "机构名称", "企业名称", "name:zh"]),
    f("kind", "类别", "kind", Text, &["kind", "类别", "类型", "type", "行业", "shop", "amenity"]),
];
const BOUNDARY_FIELDS: &[TargetField] = &[f("name", "名称", "name", Text, &["name", "名称", "社区名称", "name:zh"])];

impl Target {
    pub const ALL: [Self; 5] = [Self::Boundary, Self::Buildings, Self::Compounds, Self::Roads, Self::Organisations];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Boundary => "boundary",
            Self::Buildings => "buildings",
            Self::Compounds => "compounds",
            Self::Roads => "roads",
            Self::Organisations => "organisations",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Self::Boundary => "社区边界",
            Self::Buildings => "楼栋",
            Self::Compounds => "小区",
            Self::Roads => "道路",
            Self::Organisations => "单位",
        }
    }

    pub fn fields(self) -> &'static [TargetField] {
        match self {
            Self::Boundary => BOUNDARY_FIELDS,
            Self::Buildings => BUILDING_FIELDS,
            Self::Compounds => COMPOUND_FIELDS,
            Self::Roads => ROAD_FIELDS,
            Self::Organisations => ORGANISATION_FIELDS,
        }
    }

    pub fn field(self, name: &str) -> Option<&'static TargetField> {
        self.fields().iter().find(|f| f.name == name)
    }
}

/// Field name → column name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMap(pub BTreeMap<String, String>);

impl FieldMap {
    /// The first guess: each field takes the first column whose name is one of its aliases.
    pub fn guess(target: Target, columns: &[String]) -> Self {
        let mut map = BTreeMap::new();
        for field in target.fields() {
            let hit =
                field.aliases.iter().find_map(|alias| columns.iter().find(|c| c.trim().eq_ignore_ascii_case(alias)));
            if let Some(column) = hit {
                map.insert(field.name.to_string(), column.clone());
            }
        }
        Self(map)
    }

    /// The guess, overridden by `FIELD=COLUMN` arguments (an empty COLUMN unmaps the field).
    pub fn with_args(target: Target, columns: &[String], args: &[String]) -> Result<Self, String> {
        let mut map = Self::guess(target, columns);
        for arg in args {
            let Some((field, column)) = arg.split_once('=') else {
                return Err(format!("--map 应为 字段=列名 (--map wants FIELD=COLUMN, got {arg:?})"));
            };
            let (field, column) = (field.trim(), column.trim());
            if target.field(field).is_none() {
                let known: Vec<&str> = target.fields().iter().map(|f| f.name).collect();
                return Err(format!(
                    "{} 没有字段 {field:?} (no field {field:?}); 可用 (known): {}",
                    target.zh(),
                    known.join(", ")
                ));
            }
            if column.is_empty() {
                map.0.remove(field);
                continue;
            }
            let Some(found) = columns.iter().find(|c| c.as_str() == column || c.trim().eq_ignore_ascii_case(column))
            else {
                return Err(format!(
                    "文件中没有列 {column:?} (the file has no column {column:?}); 列 (columns): {}",
                    columns.join(", ")
                ));
            };
            map.0.insert(field.to_string(), found.clone());
        }
        Ok(map)
    }

    pub fn column(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
}

/// What identifies a source for remembering its mapping: the layer and its column names.
pub fn source_signature(target: Target, columns: &[String]) -> String {
    format!("{}|{}", target.as_str(), columns.join("\u{1f}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn chinese_and_osm_column_names_are_recognised() {
        let map = FieldMap::guess(Target::Buildings, &cols(&["OBJECTID", "楼号", "名称", "层数", "户数", "人口"]));
        assert_eq!(map.column("number"), Some("楼号"));
        assert_eq!(map.column("name"), Some("名称"));
        assert_eq!(map.column("floors"), Some("层数"));
        assert_eq!(map.column("residents"), Some("人口"));
        let osm =
            FieldMap::guess(Target::Buildings, &cols(&["building", "Name", "building:levels", "addr:housenumber"]));
        assert_eq!(osm.column("name"), Some("Name"));
        assert_eq!(osm.column("floors"), Some("building:levels"));
        assert_eq!(osm.column("number"), Some("addr:housenumber"));
    }

    #[test]
    fn arguments_override_and_are_checked() {
        let columns = cols(&["楼号", "NAME2", "层数"]);
        let map = FieldMap::with_args(Target::Buildings, &columns, &["name=NAME2".into(), "floors=".into()]).unwrap();
        assert_eq!(map.column("name"), Some("NAME2"));
        assert_eq!(map.column("floors"), None);
        assert!(
            FieldMap::with_args(Target::Buildings, &columns, &["colour=NAME2".into()])
                .unwrap_err()
                .contains("no field")
        );
        assert!(
            FieldMap::with_args(Target::Buildings, &columns, &["name=X".into()]).unwrap_err().contains("no column")
        );
        assert!(FieldMap::with_args(Target::Buildings, &columns, &["name".into()]).is_err());
    }
}
