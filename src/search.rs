//! The locator (搜索): finds buildings, compounds, roads, grids, staff and organisations of the open
//! document by what the office types — a name, a building number (16号楼), a phone, a grid code, or
//! the pinyin of a name, whole or by initials ("jshy" → 金山花园). The index is built once per
//! document revision; a query only scans it.

use geo::{BoundingRect, Coord};
use pinyin::ToPinyinMulti;

use crate::geom::GridAssignment;
use crate::i18n::{Lang, T};
use crate::model::{BuildingId, Community, CompoundId, GridId, RoadId, StaffId};

/// What a result is, in the order equal matches are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Grid,
    Compound,
    Building,
    Staff,
    Road,
    Organisation,
}

impl Kind {
    pub fn label(self) -> T {
        match self {
            Self::Grid => T::Grid,
            Self::Compound => T::Compound,
            Self::Building => T::PrintBuilding,
            Self::Staff => T::Staff,
            Self::Road => T::PrintRoad,
            Self::Organisation => T::LogKindOrganisation,
        }
    }
}

/// Where choosing a result takes the map.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Building(BuildingId),
    Grid(GridId),
    Compound(CompoundId),
    Road(RoadId),
    /// An organisation: its building when it has one, else its position (lon/lat).
    Place {
        building: Option<BuildingId>,
        at: Coord<f64>,
    },
    /// A person goes to their grid, or (a liaison officer) their first compound, or else nowhere
    /// on the map (community leadership).
    Staff {
        id: StaffId,
        grid: Option<GridId>,
        compound: Option<CompoundId>,
    },
}

/// One line of the result list.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub kind: Kind,
    pub label: String,
    /// What tells two equal labels apart: the grid, the compound, the phone.
    pub detail: String,
    pub target: Target,
}

/// How well a query matched; better first when sorted descending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Quality {
    Contains,
    Prefix,
    Exact,
}

/// How one character of a name may be typed: itself, or any start of one of its readings.
#[derive(Clone, Copy, Debug)]
enum Sound {
    Literal(char),
    Han(pinyin::PinyinMulti),
}

struct Entry {
    hit: Hit,
    /// Rank among equal matches (kind, then shorter label, then numbers as numbers), fixed when
    /// the index is built so a query sorts by two integers.
    order: u32,
    /// Every letter and digit the sounds can be typed with: a query with one outside it cannot
    /// match by pinyin (most entries are turned away without the spelling search).
    letters: u64,
    /// Lower-case texts a query is compared with; the first is the label.
    keys: Vec<String>,
    /// The label spelled for pinyin matching (punctuation and spaces left out).
    sounds: Vec<Sound>,
}

/// Everything searchable in one state of a document.
pub struct SearchIndex {
    entries: Vec<Entry>,
}

/// Results shown at most: a query as short as one letter must not list the whole district.
pub const MAX_HITS: usize = 50;

impl SearchIndex {
    pub fn new(c: &Community, assignment: &GridAssignment, lang: Lang) -> Self {
        let mut entries = Vec::new();
        let grid_name = |g: Option<GridId>| g.and_then(|g| c.grid(g)).map(|g| g.name.clone());
        for g in &c.grids {
            let leader = c.grid_staff(g.id).first().map(|s| s.name.clone());
            let detail = [Some(g.code.clone()), leader].into_iter().flatten().collect::<Vec<_>>().join(" · ");
            entries.push(Entry::new(Kind::Grid, &g.name, detail, Target::Grid(g.id), vec![g.code.clone()]));
        }
        for k in &c.compounds {
            let count = c.buildings.iter().filter(|b| b.compound_id == Some(k.id)).count();
            let detail = format!("{} · {}", lang.tr(T::Compound), lang.tr_n(T::SearchBuildingCount, count));
            entries.push(Entry::new(Kind::Compound, &k.name, detail, Target::Compound(k.id), Vec::new()));
        }
        for b in &c.buildings {
            let compound = b.compound_id.and_then(|id| c.compound(id)).map(|k| k.name.clone());
            let grid = grid_name(assignment.grid_of(b.id));
            let detail = [compound, grid].into_iter().flatten().collect::<Vec<_>>().join(" · ");
            let n = b.number.trim();
            let keys = if n.is_empty() {
                Vec::new()
            } else {
                vec![n.to_string(), format!("{n}号楼"), format!("{n}号"), format!("{n}栋"), format!("{n}幢")]
            };
            let label = if b.name.trim().is_empty() { b.number.clone() } else { b.name.clone() };
            entries.push(Entry::new(Kind::Building, &label, detail, Target::Building(b.id), keys));
        }
        for s in &c.staff {
            let compound = s.compound_ids.first().copied();
            let place = grid_name(s.grid_id).or_else(|| compound.and_then(|k| c.compound(k)).map(|k| k.name.clone()));
            let detail = [Some(lang.tr(s.role.label()).to_string()), place, Some(s.phone.clone())]
                .into_iter()
                .flatten()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            let phone: String = s.phone.chars().filter(char::is_ascii_digit).collect();
            let target = Target::Staff { id: s.id, grid: s.grid_id, compound };
            entries.push(Entry::new(Kind::Staff, &s.name, detail, target, vec![phone, s.title.clone()]));
        }
        for r in c.roads.iter().filter(|r| !r.name.trim().is_empty()) {
            entries.push(Entry::new(Kind::Road, &r.name, lang.tr(T::PrintRoad).into(), Target::Road(r.id), Vec::new()));
        }
        for o in &c.organisations {
            let building = o.building_id.and_then(|b| c.building(b)).map(|b| b.name.clone());
            let detail = [Some(lang.tr(T::LogKindOrganisation).to_string()), building].into_iter().flatten();
            let target = Target::Place { building: o.building_id, at: o.position.0 };
            let detail = detail.collect::<Vec<_>>().join(" · ");
            entries.push(Entry::new(Kind::Organisation, &o.name, detail, target, Vec::new()));
        }
        let mut by_order: Vec<usize> = (0..entries.len()).collect();
        by_order.sort_by_cached_key(|&i| {
            let h: &Hit = &entries[i].hit;
            (h.kind, h.label.chars().count(), natural_key(&h.label))
        });
        for (rank, i) in by_order.into_iter().enumerate() {
            entries[i].order = u32::try_from(rank).unwrap_or(u32::MAX);
        }
        Self { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The best matches for `query`, best first: exact before prefix before substring, then
    /// grids, compounds, buildings, staff, roads, organisations, then shorter labels. Every word of
    /// the query must match.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(Quality, &Entry)> =
            self.entries.iter().filter_map(|e| Some((e.score(&words)?, e))).collect();
        scored.sort_unstable_by_key(|(q, e)| (std::cmp::Reverse(*q), e.order));
        scored.into_iter().take(MAX_HITS).map(|(_, e)| e.hit.clone()).collect()
    }
}

/// Where on the map a target lies (lon/lat), for the ones shown by their extent.
pub fn bounds(c: &Community, target: &Target) -> Option<geo::Rect<f64>> {
    match target {
        Target::Compound(id) => c.compound(*id)?.outline.bounding_rect(),
        Target::Road(id) => c.roads.iter().find(|r| r.id == *id)?.centerline.bounding_rect(),
        Target::Grid(id) => c.grid(*id)?.outline.bounding_rect(),
        Target::Building(id) => c.building(*id)?.footprint.bounding_rect(),
        Target::Place { building: Some(b), .. } => c.building(*b)?.footprint.bounding_rect(),
        Target::Place { building: None, at } => Some(geo::Rect::new(*at, *at)),
        Target::Staff { grid: Some(g), .. } => c.grid(*g)?.outline.bounding_rect(),
        Target::Staff { compound: Some(k), .. } => c.compound(*k)?.outline.bounding_rect(),
        Target::Staff { .. } => None,
    }
}

/// "3号楼" before "12号楼": runs of digits compare as numbers.
fn natural_key(s: &str) -> Vec<(u8, u64, String)> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&ch) = chars.peek() {
        if ch.is_ascii_digit() {
            let mut n = 0u64;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(u64::from(d));
                chars.next();
            }
            out.push((0, n, String::new()));
        } else {
            out.push((1, 0, ch.to_string()));
            chars.next();
        }
    }
    out
}

impl Entry {
    fn new(kind: Kind, label: &str, detail: String, target: Target, extra: Vec<String>) -> Self {
        let mut keys = vec![label.to_lowercase()];
        keys.extend(extra.into_iter().map(|k| k.trim().to_lowercase()).filter(|k| !k.is_empty()));
        let sounds: Vec<Sound> = label
            .chars()
            .filter_map(|ch| match ch.to_pinyin_multi() {
                Some(m) => Some(Sound::Han(m)),
                None if ch.is_alphanumeric() => ch.to_lowercase().next().map(Sound::Literal),
                None => None,
            })
            .collect();
        let mut letters = 0;
        for &sound in &sounds {
            each_reading(sound, |r| r.chars().for_each(|ch| letters |= letter_bit(ch)));
        }
        let hit = Hit { kind, label: label.to_string(), detail, target };
        Self { hit, order: 0, letters, keys, sounds }
    }

    /// The worst of the words' best matches, or `None` when a word matches nothing.
    fn score(&self, words: &[String]) -> Option<Quality> {
        words.iter().map(|w| self.word(w)).try_fold(Quality::Exact, |acc, q| Some(acc.min(q?)))
    }

    fn word(&self, w: &str) -> Option<Quality> {
        let text = self.keys.iter().filter_map(|k| text_match(k, w)).max();
        // Pinyin only for latin letters (with digits, "jshy16"); digits alone are text.
        let latin = w.chars().all(|c| c.is_ascii_alphanumeric()) && w.chars().any(|c| c.is_ascii_alphabetic());
        let typable = w.chars().all(|c| self.letters & letter_bit(c) != 0);
        let spoken = if latin && typable && text != Some(Quality::Exact) { self.spoken(w) } else { None };
        if let Some(q) = text.max(spoken) {
            return Some(q);
        }
        // "金山16号楼": the compound and the number typed together.
        let parts = split_at_digits(w);
        if parts.len() < 2 {
            return None;
        }
        parts.iter().try_fold(Quality::Prefix, |acc, p| Some(acc.min(self.word(p)?))).map(|q| q.min(Quality::Prefix))
    }

    /// Pinyin: every character typed as a start of one of its readings ("j", "jin"), so initials,
    /// whole syllables and mixtures all match ("jshy", "jinshan", "jinshy").
    fn spoken(&self, w: &str) -> Option<Quality> {
        let q = w.as_bytes();
        let (n, m) = (self.sounds.len(), q.len());
        if m == 0 || n == 0 {
            return None;
        }
        // reach[i·(m+1) + j]: the sounds before i can spell the first j query letters, starting
        // at the name's first sound (2) or at a later one (1); 0: not at all.
        let mut reach = vec![0u8; (n + 1) * (m + 1)];
        let at = |i: usize, j: usize| i * (m + 1) + j;
        let mut best = 0;
        for i in 0..n {
            let seed = if i == 0 { 2 } else { 1 };
            reach[at(i, 0)] = reach[at(i, 0)].max(seed);
            for j in 0..m {
                let from = reach[at(i, j)];
                if from == 0 {
                    continue;
                }
                each_reading(self.sounds[i], |r| {
                    // Any start of the reading: "s" and "sh" of "shan" both.
                    for (k, &b) in r.as_bytes().iter().enumerate().take(m - j) {
                        if q[j + k] != b {
                            break;
                        }
                        let cell = &mut reach[at(i + 1, j + k + 1)];
                        *cell = (*cell).max(from);
                    }
                });
            }
            best = best.max(reach[at(i + 1, m)]);
        }
        match (reach[at(n, m)], best) {
            (2, _) => Some(Quality::Exact),
            (_, 2) => Some(Quality::Prefix),
            (_, 1) => Some(Quality::Contains),
            _ => None,
        }
    }
}

/// One bit per latin letter and digit (the alphabet of pinyin and of numbers in names).
fn letter_bit(ch: char) -> u64 {
    match ch {
        'a'..='z' => 1 << (ch as u32 - 'a' as u32),
        '0'..='9' => 1 << (26 + ch as u32 - '0' as u32),
        _ => 0,
    }
}

fn each_reading(s: Sound, mut f: impl FnMut(&str)) {
    match s {
        Sound::Literal(ch) => f(ch.encode_utf8(&mut [0; 4])),
        Sound::Han(m) => m.into_iter().for_each(|p| f(p.plain())),
    }
}

fn text_match(key: &str, w: &str) -> Option<Quality> {
    if key == w {
        Some(Quality::Exact)
    } else if key.starts_with(w) {
        Some(Quality::Prefix)
    } else if key.contains(w) {
        Some(Quality::Contains)
    } else {
        None
    }
}

/// Splits where digits follow something else: "金山16号楼" → "金山", "16号楼".
fn split_at_digits(w: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut prev_digit = true;
    for (i, ch) in w.char_indices() {
        let digit = ch.is_ascii_digit();
        if digit && !prev_digit && i > start {
            parts.push(&w[start..i]);
            start = i;
        }
        prev_digit = digit;
    }
    parts.push(&w[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> (Community, SearchIndex) {
        let c = crate::demo::kangle();
        let grids: Vec<_> = c.grids.iter().map(|g| (g.id, &g.outline)).collect();
        let a = GridAssignment::compute(&grids, c.buildings.iter().map(|b| (b.id, &b.footprint)));
        let i = SearchIndex::new(&c, &a, Lang::ZhCn);
        (c, i)
    }

    #[test]
    fn a_compound_is_found_by_its_name_and_by_pinyin_initials() {
        let (c, i) = index();
        let jinshan = c.compounds.iter().find(|k| k.name == "金山花园").map(|k| k.id).unwrap();
        for q in ["金山花园", "金山", "jshy", "JSHY", "jinshan", "jinshanhuayuan", "jinshy"] {
            let hits = i.search(q);
            assert_eq!(hits.first().map(|h| &h.target), Some(&Target::Compound(jinshan)), "{q}: {hits:?}");
        }
        // 厦 reads xià here (and shà elsewhere): either initial finds it.
        let xm = i.search("xmgw");
        assert_eq!(xm.first().map(|h| h.label.as_str()), Some("厦门港务宿舍"), "{xm:?}");
        let kl = i.search("kl");
        assert!(kl.iter().any(|h| h.label == "康乐新村一期"), "{kl:?}");
        assert!(kl.iter().any(|h| h.label == "康乐第一网格"), "{kl:?}");
    }

    #[test]
    fn a_building_number_finds_the_buildings_with_that_number_first() {
        let (c, i) = index();
        for q in ["16号楼", "16"] {
            let hits = i.search(q);
            assert!(!hits.is_empty(), "{q}");
            let first = hits.iter().take_while(|h| h.kind == Kind::Building).count();
            assert!(first > 1, "{q}: {hits:?}");
            for h in &hits[..first] {
                let Target::Building(b) = h.target else { panic!("{h:?}") };
                assert_eq!(c.building(b).map(|b| b.number.as_str()), Some("16"), "{q}: {h:?}");
            }
        }
        let hits = i.search("金山花园16号楼");
        assert_eq!(hits.first().map(|h| h.label.as_str()), Some("金山花园16号楼"));
        let hits = i.search("金山16号楼");
        assert_eq!(hits.first().map(|h| h.label.as_str()), Some("金山花园16号楼"), "{hits:?}");
        let hits = i.search("jshy 16");
        assert_eq!(hits.first().map(|h| h.label.as_str()), Some("金山花园16号楼"), "{hits:?}");
        assert!(hits.iter().all(|h| h.label.contains("金山花园")), "{hits:?}");
    }

    #[test]
    fn grids_by_name_and_code_and_staff_by_name_and_phone_lead_to_their_grid() {
        let (c, i) = index();
        let third = &c.grids[2];
        let hits = i.search(&third.code);
        assert_eq!(hits.first().map(|h| &h.target), Some(&Target::Grid(third.id)));
        assert_eq!(i.search("康乐第三网格").first().map(|h| &h.target), Some(&Target::Grid(third.id)));
        let worker = c.staff.iter().find(|s| s.grid_id == Some(third.id)).unwrap();
        let hits = i.search(&worker.name);
        let first = hits.first().unwrap();
        assert_eq!(first.kind, Kind::Staff);
        assert!(first.detail.contains(&third.name) && first.detail.contains(&worker.phone), "{first:?}");
        assert!(matches!(first.target, Target::Staff { grid: Some(g), .. } if g == third.id));
        let digits: String = worker.phone.chars().filter(char::is_ascii_digit).collect();
        let hits = i.search(&digits[..7]);
        assert!(hits.iter().any(|h| h.label == worker.name), "{hits:?}");
    }

    #[test]
    fn nothing_found_for_nonsense_and_an_empty_query_lists_nothing() {
        let (_, i) = index();
        assert!(i.search("").is_empty());
        assert!(i.search("   ").is_empty());
        assert!(i.search("zzzzqqq").is_empty());
        assert!(i.search("不存在的地方").is_empty());
        assert!(i.search("k").len() <= MAX_HITS);
    }

    #[test]
    fn roads_and_compound_bounds_are_known() {
        let (c, i) = index();
        let road = c.roads.iter().find(|r| !r.name.is_empty()).unwrap();
        let hits = i.search(&road.name);
        let first = hits.first().unwrap();
        assert_eq!(first.target, Target::Road(road.id));
        let r = bounds(&c, &first.target).unwrap();
        assert!(r.width() > 0.0 || r.height() > 0.0);
        let k = &c.compounds[0];
        let r = bounds(&c, &Target::Compound(k.id)).unwrap();
        assert!(r.width() > 0.0 && r.height() > 0.0);
    }

    #[test]
    fn numbers_sort_as_numbers() {
        let (_, i) = index();
        let hits = i.search("金山花园");
        let labels: Vec<&str> = hits.iter().filter(|h| h.kind == Kind::Building).map(|h| h.label.as_str()).collect();
        let p2 = labels.iter().position(|l| *l == "金山花园2号楼").unwrap();
        let p10 = labels.iter().position(|l| *l == "金山花园10号楼").unwrap();
        assert!(p2 < p10, "{labels:?}");
    }
}
