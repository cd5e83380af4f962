//! Documents opened lately (文件 ▸ 最近打开) and the map view each was left at, so that a restart
//! reopens what the user had. Persisted with the settings.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Where the map looked: centre and zoom level.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapView {
    pub lon: f64,
    pub lat: f64,
    pub zoom: f64,
}

impl MapView {
    /// Whether the view can be shown (a hand-edited settings file may hold anything).
    pub fn is_usable(&self) -> bool {
        self.lon.is_finite()
            && self.lat.is_finite()
            && (-180.0..=180.0).contains(&self.lon)
            && (-85.0..=85.0).contains(&self.lat)
            && (2.0..=22.0).contains(&self.zoom)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecentDocument {
    pub path: PathBuf,
    pub view: Option<MapView>,
}

/// Most recent first, each document once, at most [`RecentFiles::MAX`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecentFiles {
    pub documents: Vec<RecentDocument>,
}

impl RecentFiles {
    pub const MAX: usize = 8;

    /// Puts `path` first (keeping the view it had), dropping the oldest beyond the cap.
    pub fn opened(&mut self, path: &Path) {
        let path = normalise(path);
        let view = self.position(&path).map(|i| self.documents.remove(i)).and_then(|d| d.view);
        self.documents.insert(0, RecentDocument { path, view });
        self.documents.truncate(Self::MAX);
    }

    /// The document opened last.
    pub fn last(&self) -> Option<&Path> {
        self.documents.first().map(|d| d.path.as_path())
    }

    pub fn view(&self, path: &Path) -> Option<MapView> {
        let i = self.position(&normalise(path))?;
        self.documents[i].view.filter(MapView::is_usable)
    }

    /// Remembers the view of a listed document (others are not added by looking at them).
    pub fn set_view(&mut self, path: &Path, view: MapView) {
        if let Some(i) = self.position(&normalise(path)) {
            self.documents[i].view = Some(view);
        }
    }

    pub fn remove(&mut self, path: &Path) {
        let path = normalise(path);
        self.documents.retain(|d| d.path != path);
    }

    /// Drops the documents whose file no longer exists.
    pub fn remove_missing(&mut self) {
        self.documents.retain(|d| d.path.exists());
    }

    fn position(&self, path: &Path) -> Option<usize> {
        self.documents.iter().position(|d| d.path == path)
    }
}

/// An absolute path, so that one file opened from two working folders is listed once.
fn normalise(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(r: &RecentFiles) -> Vec<String> {
        r.documents.iter().map(|d| d.path.file_name().unwrap().to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn most_recent_first_each_once_at_most_eight() {
        let dir = std::env::temp_dir();
        let mut r = RecentFiles::default();
        for i in 0..10 {
            r.opened(&dir.join(format!("{i}.sqlite")));
        }
        assert_eq!(paths(&r), ["9", "8", "7", "6", "5", "4", "3", "2"].map(|n| format!("{n}.sqlite")));
        r.opened(&dir.join("5.sqlite"));
        assert_eq!(paths(&r)[..3], ["5.sqlite", "9.sqlite", "8.sqlite"]);
        assert_eq!(r.documents.len(), 8);
        assert_eq!(r.last(), Some(dir.join("5.sqlite").as_path()));
        r.remove(&dir.join("9.sqlite"));
        assert_eq!(paths(&r)[..2], ["5.sqlite", "8.sqlite"]);
    }

    #[test]
    fn a_relative_and_an_absolute_path_to_one_file_are_one_entry() {
        let mut r = RecentFiles::default();
        r.opened(Path::new("康乐.sqlite"));
        r.opened(&std::env::current_dir().unwrap().join("康乐.sqlite"));
        assert_eq!(r.documents.len(), 1);
    }

    #[test]
    fn views_follow_their_document_and_unusable_ones_are_ignored() {
        let dir = std::env::temp_dir();
        let (a, b) = (dir.join("a.sqlite"), dir.join("b.sqlite"));
        let mut r = RecentFiles::default();
        r.opened(&a);
        r.opened(&b);
        let view = MapView { lon: 118.1, lat: 24.5, zoom: 17.0 };
        r.set_view(&a, view);
        r.set_view(&dir.join("never-opened.sqlite"), view);
        assert_eq!(r.documents.len(), 2);
        r.opened(&a);
        assert_eq!(r.view(&a), Some(view), "reopening keeps the view");
        assert_eq!(r.view(&b), None);
        r.set_view(&b, MapView { lon: f64::NAN, lat: 24.5, zoom: 17.0 });
        assert_eq!(r.view(&b), None);
        r.set_view(&b, MapView { lon: 118.0, lat: 24.5, zoom: 99.0 });
        assert_eq!(r.view(&b), None);
    }

    #[test]
    fn missing_files_can_be_removed() {
        let dir = tempfile::tempdir().unwrap();
        let here = dir.path().join("here.sqlite");
        std::fs::write(&here, b"x").unwrap();
        let mut r = RecentFiles::default();
        r.opened(&dir.path().join("gone.sqlite"));
        r.opened(&here);
        r.remove_missing();
        assert_eq!(paths(&r), ["here.sqlite"]);
    }
}
