//! `import tracks FILE --worker NAME_OR_ID`: a worker's patrol tracks from GPX, CSV/.xlsx or GeoJSON,
//! as one logged, undoable edit. The file and the worker are checked against a read-only open
//! first, so a refusal leaves the document byte-identical.

use std::path::Path;

use anyhow::{Result, bail};

use crate::i18n::Lang;
use crate::import::community::Refusal;
use crate::import::text::EncodingChoice;
use crate::import::tracks::{TrackCrs, TrackError, TrackOptions, read_tracks, resolve_worker};
use crate::store::OpenMode;

pub(super) fn import_tracks(
    db: Option<&Path>,
    file: &Path,
    worker: Option<&str>,
    sheet: Option<&str>,
    crs: Option<&str>,
    encoding: &str,
) -> Result<String> {
    let Some(worker) = worker else {
        bail!("请用 --worker 指定网格员（编号或姓名） (give the grid worker with --worker ID_OR_NAME)");
    };
    let crs = crs.map(TrackCrs::parse).transpose().map_err(anyhow::Error::msg)?.unwrap_or_default();
    let encoding = EncodingChoice::parse(encoding).map_err(anyhow::Error::msg)?;
    let view = super::open_existing(db, OpenMode::View, Lang::ZhCn)?;
    let zone = view.community.info.time_zone.clone();
    let staff = resolve_worker(&view.community, worker).map_err(anyhow::Error::msg)?.clone();
    let options = TrackOptions {
        crs,
        encoding,
        sheet: sheet.map(str::to_owned),
        ..TrackOptions::new(crate::time::time_zone(&zone))
    };
    let read = match read_tracks(file, &options) {
        Ok(read) => read,
        // Scripts get the report (why each point was rejected) as for a refused layer import.
        Err(TrackError::NoPoints { message, read }) => {
            return Err(Refusal { report: format!("{}\n", read.to_json(&zone)), message }.into());
        }
        Err(e) => return Err(e.into()),
    };
    drop(view);
    let mut doc = super::open_existing(db, OpenMode::Edit, Lang::ZhCn)?;
    let report = read.to_json(&zone);
    doc.apply(read.into_edit(doc.next_track_id(), &staff, file))?;
    Ok(format!("{report}\n"))
}
