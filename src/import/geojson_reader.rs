//! GeoJSON: a FeatureCollection, a bare array of features, one Feature or a bare geometry.
//!
//! The file is streamed: the top-level object is walked key by key and each element of `features` is
//! deserialized on its own and converted at once, so a 50 MB collection never exists as one
//! `serde_json::Value` tree. Properties keep their file order (serde_json's map would sort them).
//!
//! The feature's `id` member becomes a column "id" (after the properties' columns) only when no
//! feature has an "id" property: the property is what the user sees in other tools.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::crs::Crs;
use super::json_geometry;
use super::raw_geometry::Parts;
use super::source::{ReadOptions, SourceError, SourceFeature, SourceLayer};
use crate::jobs::Progress;

/// How often (in features) progress is reported and Cancel looked at.
const PROGRESS_EVERY: usize = 256;

pub fn read(path: &Path, name: String, options: &ReadOptions) -> Result<SourceLayer, SourceError> {
    let io = |source| SourceError::Io { path: path.to_path_buf(), source };
    let file = File::open(path).map_err(io)?;
    let total_bytes = file.metadata().map_err(io)?.len();
    let consumed = Rc::new(Cell::new(0));
    let reader = Counting { inner: BufReader::with_capacity(1 << 16, file), consumed: Rc::clone(&consumed) };
    let mut state = State {
        path,
        layer: SourceLayer { name, ..SourceLayer::default() },
        column_of: HashMap::new(),
        ids: Vec::new(),
        index: 0,
        crs: None,
        stop: None,
        progress: options.progress.map(|progress| (progress, consumed, total_bytes)),
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let top =
        (&mut de).deserialize_any(ObjectVisitor { state: Some(&mut state) }).and_then(|top| de.end().map(|()| top));
    if let Some(stop) = state.stop.take() {
        return Err(stop);
    }
    let format = |why: String| SourceError::Format { path: path.to_path_buf(), why };
    let top = top.map_err(|e| format(format!("不是有效的 JSON (invalid JSON): {e}")))?;
    let crs = match state.crs.take() {
        Some(checked) => checked,
        None => crs_of(top.crs.as_ref()),
    };
    state.layer.crs = Some(crs.map_err(format)?);
    if !top.has_features {
        match top.kind.as_deref() {
            Some(kind) if kind == "Feature" || json_geometry::is_geometry_type(kind) => state.add(top),
            Some(kind) => return Err(format(format!("不是 GeoJSON 对象 (not a GeoJSON object: type “{kind}”)"))),
            None => return Err(format("不是 GeoJSON：缺少 type (not GeoJSON: no type member)".into())),
        }
    }
    Ok(state.finish())
}

/// The old (GeoJSON 2008) `crs` member; none means WGS-84 by RFC 7946.
fn crs_of(member: Option<&Value>) -> Result<Crs, String> {
    let member = match member {
        None | Some(Value::Null) => return Ok(Crs::Wgs84),
        Some(m) => m,
    };
    let name = (member.get("type").and_then(Value::as_str) == Some("name"))
        .then(|| member.pointer("/properties/name").and_then(Value::as_str))
        .flatten();
    match name {
        Some(name) => Crs::from_geojson_name(name),
        None => Err(format!("不支持的 crs 成员 (unsupported crs member, only a named CRS is read): {member}")),
    }
}

/// A byte-counting reader, for progress by bytes consumed.
struct Counting<R> {
    inner: R,
    consumed: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.set(self.consumed.get() + n as u64);
        Ok(n)
    }
}

struct State<'p> {
    path: &'p Path,
    layer: SourceLayer,
    column_of: HashMap<String, usize>,
    /// The `id` member of each kept feature.
    ids: Vec<Option<Value>>,
    /// Features seen so far (kept, null or unreadable).
    index: usize,
    /// The `crs` member when it came before `features` (checked early so a refusal stops at once).
    crs: Option<Result<Crs, String>>,
    /// Why reading stopped (Cancel, a refused CRS), when it was not bad JSON.
    stop: Option<SourceError>,
    progress: Option<(&'p Progress, Rc<Cell<u64>>, u64)>,
}

impl State<'_> {
    /// Takes one feature (or bare geometry) object.
    fn add(&mut self, object: RawObject) {
        self.index += 1;
        let index = self.index;
        if object.not_object {
            self.layer.problems.push((index, "不是 GeoJSON 要素对象 (not a GeoJSON Feature object)".into()));
            return;
        }
        let mut parts = Parts::default();
        let geometry = match object.kind.as_deref() {
            Some(kind) if json_geometry::is_geometry_type(kind) => {
                json_geometry::geometry(kind, object.coordinates.as_ref(), object.geometries.as_ref(), &mut parts)
            }
            _ => match &object.geometry {
                None | Some(Value::Null) => Ok(None),
                Some(g) => json_geometry::geometry_object(g, &mut parts, 0),
            },
        };
        let geometry = match geometry {
            Ok(Some(g)) => g,
            Ok(None) => {
                self.layer.null_geometries += 1;
                return;
            }
            Err(why) => {
                self.layer.problems.push((index, why));
                return;
            }
        };
        let mut values = vec![Value::Null; self.layer.columns.len()];
        for (key, value) in object.properties {
            let column = match self.column_of.get(&key) {
                Some(&c) => c,
                None => {
                    let c = self.layer.columns.len();
                    self.layer.columns.push(key.clone());
                    self.column_of.insert(key, c);
                    values.push(Value::Null);
                    c
                }
            };
            if let Some(slot) = values.get_mut(column) {
                *slot = value;
            }
        }
        self.layer.features.push(SourceFeature { index, geometry, values, quirks: parts.quirks });
        self.ids.push(object.id);
    }

    /// Reports progress; `false` when the user cancelled.
    fn keep_going(&mut self) -> bool {
        if !self.index.is_multiple_of(PROGRESS_EVERY) {
            return true;
        }
        let Some((progress, consumed, total)) = &self.progress else { return true };
        if progress.is_cancelled() {
            self.stop = Some(SourceError::Cancelled);
            return false;
        }
        let fraction = consumed.get() as f64 / (*total).max(1) as f64;
        progress.set(fraction as f32, &format!("读取第 {} 个要素 (reading feature {})", self.index, self.index));
        true
    }

    fn finish(mut self) -> SourceLayer {
        let width = self.layer.columns.len();
        let add_id = !self.column_of.contains_key("id") && self.ids.iter().any(Option::is_some);
        if add_id {
            self.layer.columns.push("id".into());
        }
        for (feature, id) in self.layer.features.iter_mut().zip(self.ids) {
            feature.values.resize(width, Value::Null);
            if add_id {
                feature.values.push(id.unwrap_or(Value::Null));
            }
        }
        self.layer
    }
}

/// The members of a GeoJSON object we use (a feature, a bare geometry or the top level).
#[derive(Clone, Debug, Default)]
struct RawObject {
    kind: Option<String>,
    geometry: Option<Value>,
    properties: Vec<(String, Value)>,
    id: Option<Value>,
    coordinates: Option<Value>,
    geometries: Option<Value>,
    crs: Option<Value>,
    /// `features` was read (streamed into the state), or the top level was an array of features.
    has_features: bool,
    /// A feature array element that was not an object.
    not_object: bool,
}

/// Deserializes one object; at the top level (`state` given) `features` elements are streamed into
/// the state instead of being kept.
struct ObjectVisitor<'s, 'p> {
    state: Option<&'s mut State<'p>>,
}

impl<'de> DeserializeSeed<'de> for ObjectVisitor<'_, '_> {
    type Value = RawObject;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawObject, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ObjectVisitor<'_, '_> {
    type Value = RawObject;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON object or an array of features")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<RawObject, A::Error> {
        let mut object = RawObject::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => object.kind = map.next_value::<Value>()?.as_str().map(str::to_owned),
                "geometry" => object.geometry = Some(map.next_value()?),
                "properties" => object.properties = map.next_value::<Properties>()?.0,
                "id" => object.id = Some(map.next_value()?),
                "coordinates" => object.coordinates = Some(map.next_value()?),
                "geometries" => object.geometries = Some(map.next_value()?),
                "crs" => {
                    let crs: Value = map.next_value()?;
                    if let Some(state) = self.state.as_deref_mut() {
                        let checked = crs_of(Some(&crs));
                        if let Err(why) = &checked {
                            state.stop = Some(SourceError::Format { path: state.path.to_path_buf(), why: why.clone() });
                            return Err(de::Error::custom("crs refused"));
                        }
                        state.crs = Some(checked);
                    }
                    object.crs = Some(crs);
                }
                "features" => match self.state.as_deref_mut() {
                    Some(state) => {
                        map.next_value_seed(Features { state })?;
                        object.has_features = true;
                    }
                    None => {
                        map.next_value::<IgnoredAny>()?;
                    }
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(object)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawObject, A::Error> {
        match self.state {
            Some(state) => {
                Features { state }.visit_seq(seq)?;
                Ok(RawObject { has_features: true, ..RawObject::default() })
            }
            None => {
                drain(seq)?;
                Ok(RawObject { not_object: true, ..RawObject::default() })
            }
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<RawObject, E> {
        Ok(RawObject { not_object: true, ..RawObject::default() })
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<RawObject, E> {
        self.visit_unit()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<RawObject, E> {
        self.visit_unit()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<RawObject, E> {
        self.visit_unit()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawObject, E> {
        self.visit_unit()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<RawObject, E> {
        self.visit_unit()
    }
}

/// The elements of `features` (or of a bare top-level array), one at a time into the state.
struct Features<'s, 'p> {
    state: &'s mut State<'p>,
}

impl<'de> DeserializeSeed<'de> for Features<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Features<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of GeoJSON features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(object) = seq.next_element_seed(ObjectVisitor { state: None })? {
            self.state.add(object);
            if !self.state.keep_going() {
                return Err(de::Error::custom("cancelled"));
            }
        }
        Ok(())
    }
}

fn drain<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A `properties` member in file order; anything but an object counts as no properties.
struct Properties(Vec<(String, Value)>);

impl<'de> de::Deserialize<'de> for Properties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PropertiesVisitor)
    }
}

struct PropertiesVisitor;

impl<'de> Visitor<'de> for PropertiesVisitor {
    type Value = Properties;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a properties object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Properties, A::Error> {
        let mut out = Vec::new();
        while let Some(entry) = map.next_entry::<String, Value>()? {
            out.push(entry);
        }
        Ok(Properties(out))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Properties, A::Error> {
        drain(seq)?;
        Ok(Properties(Vec::new()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Properties, E> {
        Ok(Properties(Vec::new()))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Properties, E> {
        self.visit_unit()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Properties, E> {
        self.visit_unit()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Properties, E> {
        self.visit_unit()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Properties, E> {
        self.visit_unit()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Properties, E> {
        self.visit_unit()
    }
}
