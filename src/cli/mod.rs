//! The command line: the same binary runs the GUI or a batch command. The subcommands, flags and
//! JSON keys here are a contract that scripts rely on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use crate::export::tables::Layer;
use crate::export::{self, ExportOptions, PageSize, Product};
use crate::files::{self, OutputKind};
use crate::i18n::Lang;
use crate::store::OpenMode;
use crate::{Document, demo, store};

mod assess;
mod cases;
mod coverage;
mod edits;
mod grids;
mod heatmap;
mod import;
mod layers;
mod plans;
mod tables;
mod tracks;

pub use assess::AssessAction;
pub use import::Refusal;

#[derive(Debug, Parser)]
#[command(
    name = "wangge",
    version,
    about = "网格通 Wangge — 社区网格化服务管理 (grid management for urban communities)"
)]
pub struct Cli {
    /// Community document (SQLite) to open in the GUI; default: the demo in the user data folder.
    #[arg(long, global = true)]
    pub db: Option<PathBuf>,
    /// UI language: zh (default) or en.
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the demo community (康乐社区) to a new database file.
    Demo {
        #[arg(long)]
        out: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
        /// Also write the layers as GeoJSON (and staff as CSV) into this folder.
        #[arg(long)]
        geojson: Option<PathBuf>,
        /// A synthetic district of this many buildings instead of Kangle (for benchmarks against
        /// other tools, e.g. scripts/bench-vs-qgis.sh).
        #[arg(long, hide = true)]
        district: Option<usize>,
        /// Grids of the synthetic district.
        #[arg(long, hide = true, default_value_t = 100)]
        district_grids: usize,
    },
    /// Export a printable PDF (wall-map, atlas, boards, roster, staffing, coverage, assessment, badges, weekly,
    /// case-sheets), the grid layer as
    /// GeoJSON (`export grids --out FILE.geojson`) or one layer as GeoJSON, Excel or CSV
    /// (`export layer buildings --out FILE.xlsx`).
    Export {
        /// wall-map | atlas | boards | roster | staffing | coverage | assessment | badges | weekly | case-sheets | grids | layer
        product: String,
        /// For `layer`: boundary | compounds | roads | buildings | grids | organisations | staff | grid-stats
        name: Option<String>,
        /// Paper: A0–A4 or WIDTHxHEIGHT in mm (default: A1 for the wall map and coverage map, A4 for the atlas, assessment, badges, weekly report and case sheets, A3 otherwise).
        #[arg(long)]
        paper: Option<String>,
        /// Landscape instead of portrait.
        #[arg(long)]
        landscape: bool,
        /// Split each page onto sheets of this size (A4, A3…) to print a poster on an office printer.
        #[arg(long)]
        tiles: Option<String>,
        /// Overlap between tiled sheets, in millimetres.
        #[arg(long, default_value_t = 10.0)]
        overlap_mm: f32,
        /// Map scale 1:N (default: the largest round scale that fits).
        #[arg(long)]
        scale: Option<u32>,
        /// Output PDF file.
        #[arg(long)]
        out: PathBuf,
        /// Language of the printed texts: zh (default) or en.
        #[arg(long, value_parser = parse_lang)]
        lang: Option<Lang>,
        /// Print date on the pages (YYYY-MM-DD; default today).
        #[arg(long)]
        date: Option<String>,
        /// Boards: `grid` (one per grid, default) or `building` (one per inhabited building).
        #[arg(long, default_value = "grid", value_parser = ["grid", "building"])]
        per: String,
        /// Coverage map: start of the audited window (RFC 3339, e.g. 2026-11-01T00:00:00+08:00).
        #[arg(long)]
        from: Option<String>,
        /// Coverage map: end of the window (excluded; RFC 3339).
        #[arg(long)]
        to: Option<String>,
        /// Wall map: colour the buildings by grid (default), residents, households or last patrol.
        #[arg(long, default_value = "grid", value_parser = ["grid", "residents", "households", "last-patrol"])]
        overlay: String,
        /// Every colour and image in grey (luminance), for black-and-white printers.
        #[arg(long)]
        greyscale: bool,
        /// Map frames: a hatch pattern per grid (neighbours differ), for black-and-white printers.
        #[arg(long)]
        hatch: bool,
        /// Assessment: the month, YYYY-MM (default: last month). `--out FILE.xlsx` writes a workbook.
        #[arg(long)]
        month: Option<String>,
        /// Badges: `card` (85.6 × 54 mm, default) or `hanging` (90 × 120 mm).
        #[arg(long, value_parser = ["card", "hanging"])]
        size: Option<String>,
        /// Badges: without the QR code (the phone as a vCard).
        #[arg(long)]
        no_qr: bool,
        /// Badges: a back page after each sheet (duties, hotline), for long-edge duplex printing.
        #[arg(long)]
        back: bool,
        /// Weekly report: the ISO week, e.g. 2026-W48 (default: last week). Output .pdf or .xlsx.
        #[arg(long)]
        week: Option<String>,
        /// Case sheets: the cases to print, by number (`--case 3 --case 7` or `--case 3,7`); every open
        /// case when not given.
        #[arg(long = "case", value_delimiter = ',')]
        cases: Vec<i64>,
    },
    /// The monthly assessment (考核): `assess --month 2026-11 [--json]` shows the ranking;
    /// `assess score --staff ID --month 2026-11 --scores 90,85,88,92,95 [--comment T] [--by ID]`
    /// records the leaders' score of 德、能、勤、绩、廉.
    Assess {
        #[command(subcommand)]
        action: Option<AssessAction>,
        #[arg(long)]
        month: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Attach a photo (JPEG or PNG) to a staff member, for supervision boards and staff badges.
    StaffPhoto {
        /// The staff member's name (or numeric id).
        #[arg(long)]
        staff: String,
        /// The photo file; omit together with --clear to remove the photo.
        #[arg(long, required_unless_present = "clear")]
        photo: Option<PathBuf>,
        /// Remove the photo instead.
        #[arg(long, conflicts_with = "photo")]
        clear: bool,
    },
    /// Change fields of one row: `set building 12 residents=90 households=30` (one edit, logged).
    Set {
        /// building | grid | staff | community | shift
        entity: String,
        /// The row's id (community: 1).
        id: i64,
        /// FIELD=VALUE pairs; names as in `info --json` and the GeoJSON properties.
        #[arg(required = true)]
        assignments: Vec<String>,
    },
    /// Add or remove staff.
    Staff {
        #[command(subcommand)]
        action: StaffAction,
    },
    /// The change log (变更记录), newest first.
    Log {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Revert one change-log entry, as a new logged edit.
    Revert { log_id: i64 },
    /// Copy the document to a new file (like File ▸ Save As): the target is replaced only when the
    /// copy is complete.
    SaveAs {
        #[arg(long)]
        out: PathBuf,
    },
    /// Bring a layer in from a file, as one logged, undoable edit: `import buildings FILE` (GeoJSON,
    /// Shapefile or its .zip, GeoPackage, CSV), `import boundary|compounds|roads|organisations FILE`,
    /// `import grids FILE.geojson` (replaces the grid layer), `import staff FILE.csv|.xlsx`,
    /// `import attributes FILE.csv|.xlsx --key number|name`, `import tracks FILE.gpx|.csv|.xlsx|.geojson
    /// --worker NAME_OR_ID [--crs wgs84|gcj02]` (patrol tracks). Prints one JSON object.
    Import {
        /// buildings | boundary | compounds | roads | organisations | grids | staff | attributes
        layer: String,
        file: PathBuf,
        /// What to do with invalid features: fail (default: nothing is imported), skip, repair.
        #[arg(long, default_value = "fail")]
        on_invalid: String,
        /// The GeoPackage table or spreadsheet sheet to read.
        #[arg(long = "layer")]
        source_layer: Option<String>,
        /// The file's coordinate system when it declares none or declares it wrongly: EPSG:N or gcj02.
        #[arg(long)]
        crs: Option<String>,
        /// Text encoding of DBF/CSV attributes: auto (default), utf8, gbk.
        #[arg(long, default_value = "auto")]
        encoding: String,
        /// Which column feeds which field: --map number=楼号 name=名称 (default: guessed from the names).
        #[arg(long, num_args = 1.., action = clap::ArgAction::Append)]
        map: Vec<String>,
        /// Buildings: replace the existing buildings instead of adding to them.
        #[arg(long)]
        replace: bool,
        /// Attributes: join rows onto buildings by number or name.
        #[arg(long)]
        key: Option<String>,
        /// Tracks: the grid worker who walked them (staff id or exact name).
        #[arg(long)]
        worker: Option<String>,
    },
    /// Make a new community document from files: `new --out DB --name NAME --boundary FILE`.
    New {
        #[arg(long)]
        out: PathBuf,
        /// The community's name (社区名称).
        #[arg(long)]
        name: String,
        /// The community boundary (any vector format `import` reads).
        #[arg(long)]
        boundary: PathBuf,
        #[arg(long)]
        buildings: Option<PathBuf>,
        #[arg(long)]
        compounds: Option<PathBuf>,
        #[arg(long)]
        roads: Option<PathBuf>,
        #[arg(long)]
        organisations: Option<PathBuf>,
        /// Staff list (.csv or .xlsx).
        #[arg(long)]
        staff: Option<PathBuf>,
        /// The community's 12-digit statistical code (grid codes start with it).
        #[arg(long, default_value = "")]
        code: String,
        /// The subdistrict (街道).
        #[arg(long, default_value = "")]
        subdistrict: String,
        /// The coordinate system of files that declare none: EPSG:N or gcj02.
        #[arg(long)]
        crs: Option<String>,
        #[arg(long, default_value = "fail")]
        on_invalid: String,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Check the grid layer: overlaps, gaps, parts outside the boundary, building assignment, balance.
    Check {
        #[arg(long)]
        json: bool,
        /// Check a stored plan (网格方案) instead of the active grids; the file is only read.
        #[arg(long)]
        plan: Option<String>,
        /// Pieces smaller than this (m²) are slivers and not reported.
        #[arg(long, default_value_t = 1.0)]
        tolerance_m2: f64,
    },
    /// Give the grids codes in reading order (rows north→south, west→east in a row).
    Renumber {
        /// Only show the old → new mapping.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Patrol coverage audit (巡查覆盖/盲区): per grid, the half days in which every building was visited,
    /// and the buildings unvisited for too long. Default window: the 30 days before the current half day.
    Coverage {
        /// Start of the window (RFC 3339, e.g. 2026-11-01T00:00:00+08:00); give --to with it.
        #[arg(long)]
        from: Option<String>,
        /// End of the window (excluded).
        #[arg(long)]
        to: Option<String>,
        /// A patrol point this close to a footprint (m) visits the building.
        #[arg(long, default_value_t = crate::geom::coverage::DEFAULT_DISTANCE_M)]
        distance_m: f64,
        /// Consecutive unvisited half days that make a blind spot.
        #[arg(long, default_value_t = crate::geom::coverage::DEFAULT_BLIND_HALF_DAYS)]
        blind_half_days: usize,
        #[arg(long)]
        json: bool,
    },
    /// The patrol heatmap (巡查热力图): quartic kernel density of the patrol points, in UTM 50N
    /// (EPSG:32650), as .asc, .tif or .png. Prints {"points","rows","cols","max","out"}.
    Heatmap {
        /// Kernel radius in metres.
        #[arg(long, default_value_t = 50.0)]
        radius_m: f64,
        /// Pixel size in metres.
        #[arg(long, default_value_t = 2.0)]
        pixel_m: f64,
        /// Points at or after this instant (RFC 3339, e.g. 2026-11-30T08:00:00+08:00).
        #[arg(long)]
        from: Option<String>,
        /// Points before this instant (RFC 3339).
        #[arg(long)]
        to: Option<String>,
        /// Only this worker's tracks (staff name or id).
        #[arg(long)]
        worker: Option<String>,
        /// Only points inside this grid (code or name).
        #[arg(long)]
        grid: Option<String>,
        /// FILE.asc, FILE.tif or FILE.png.
        #[arg(long)]
        out: PathBuf,
    },
    /// Grid plans (网格方案): without a subcommand, propose a plan with balanced grids and store it
    /// as plan NAME (not active): `plan --name NAME [--min N --max N | --households MIN-MAX]
    /// [--grids N] [--lock CODE]... --json`. Subcommands: list, activate, compare, delete, duplicate.
    Plan {
        #[command(subcommand)]
        action: Option<PlanAction>,
        #[command(flatten)]
        args: ProposeArgs,
    },
    /// Cases (事件): `case add --category C --lon X --lat Y --text T` prints the new id;
    /// `case update ID --status S [--to ROLE_OR_STAFF_ID]`; `case list [--status S] [--grid CODE] --json`.
    Case {
        #[command(subcommand)]
        action: cases::CaseAction,
    },
    /// Print the totals of a community document.
    Info {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// What `plan` proposes (without a subcommand).
#[derive(Debug, clap::Args)]
pub struct ProposeArgs {
    /// Fewest residents per grid (with --max).
    #[arg(long)]
    pub min: Option<u32>,
    /// Most residents per grid (with --min).
    #[arg(long)]
    pub max: Option<u32>,
    /// Households per grid instead of residents: MIN-MAX, e.g. 300-500.
    #[arg(long)]
    pub households: Option<String>,
    /// Exactly this many grids (locked ones included); without a range: grids of equal residents.
    #[arg(long)]
    pub grids: Option<usize>,
    /// Seed of the search: the same seed gives the same plan.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// A current grid (by code) kept exactly as it is; repeat for several.
    #[arg(long)]
    pub lock: Vec<String>,
    /// Keeping compounds whole: ignore | prefer (default) | strict.
    #[arg(long, default_value = "prefer")]
    pub compounds: String,
    /// Name of the new plan (must be new).
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum PlanAction {
    /// The plans of the document, the active one first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Make a stored plan the active one (the current grids are stored under the old name).
    Activate {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Buildings, residents and households that change grid from plan A to plan B; with
    /// `--out FILE.pdf` also the printed comparison (map and transfer table).
    Compare {
        a: String,
        b: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        print: ComparePrint,
    },
    /// Remove a stored plan (not the active one).
    Delete { name: String },
    /// Copy a plan (the active one or a stored one) as a new stored plan.
    Duplicate {
        name: String,
        #[arg(long = "as")]
        as_name: String,
    },
}

/// How `plan compare --out` prints the comparison.
#[derive(Debug, clap::Args)]
pub struct ComparePrint {
    /// Write the printed comparison to this PDF file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Paper: A0–A4 or WIDTHxHEIGHT in mm (default A3).
    #[arg(long, requires = "out")]
    pub paper: Option<String>,
    /// Landscape (the default).
    #[arg(long, requires = "out", conflicts_with = "portrait")]
    pub landscape: bool,
    /// Portrait instead of landscape.
    #[arg(long, requires = "out")]
    pub portrait: bool,
    /// Language of the printed texts: zh (default) or en.
    #[arg(long, requires = "out", value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Print date on the pages (YYYY-MM-DD; default today).
    #[arg(long, requires = "out")]
    pub date: Option<String>,
    /// Every colour in grey (luminance), for black-and-white printers.
    #[arg(long, requires = "out")]
    pub greyscale: bool,
}

#[derive(Debug, Subcommand)]
pub enum StaffAction {
    /// Add a staff member; prints the new id.
    Add {
        /// grid_leader | grid_worker | community_leader | community_police | urban_management | mediator
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        phone: String,
        /// Grid code (e.g. 35020600100301).
        #[arg(long)]
        grid: Option<String>,
    },
    /// Remove a staff member (with their shifts); undoable by `revert`.
    Remove { id: i64 },
}

fn parse_lang(s: &str) -> std::result::Result<Lang, String> {
    match s.to_ascii_lowercase().as_str() {
        "zh" | "zh-cn" | "zh_cn" | "cn" => Ok(Lang::ZhCn),
        "en" | "en-us" | "en-gb" => Ok(Lang::En),
        other => Err(format!("unknown language {other:?} (zh, en)")),
    }
}

/// Runs a batch subcommand and returns what to print on stdout.
pub fn run(command: &Command, db: Option<&Path>) -> Result<String> {
    match command {
        Command::Demo { out, force, geojson, district, district_grids } => {
            let community = match district {
                Some(n) => demo::district((*n).clamp(1, 1_000_000), (*district_grids).clamp(1, 10_000), 1),
                None => demo::kangle(),
            };
            store::write_new_document(out, &community, *force)?;
            if let Some(dir) = geojson {
                store::geojson_export::write_dir(&community, dir, &[out.as_path()])
                    .with_context(|| format!("写入 GeoJSON 失败 (could not write GeoJSON to {})", dir.display()))?;
            }
            Ok(format!("已写入演示社区 (demo written): {}\n", out.display()))
        }
        Command::Export { product, name, out, .. } if product == "grids" && name.is_none() => {
            let doc = open_existing(db, OpenMode::View, Lang::ZhCn)?;
            grids::export_grids(&doc, out)
        }
        Command::Export { product, name, out, .. } if product == "layer" => {
            let Some(name) = name else {
                bail!("请给出图层名 (give the layer name): export layer NAME --out FILE; {}", Layer::names());
            };
            layers::export_layer(db, name, out)
        }
        Command::Export { product, name: Some(name), .. } => {
            bail!(
                "{product} 不需要名称 {name:?} (takes no name); 图层导出请用 (to export a layer use) export layer {name}"
            )
        }
        Command::Import { layer, file, key, encoding, .. } if layer == "staff" || layer == "attributes" => {
            if layer == "staff" {
                tables::import_staff(db, file, encoding)
            } else {
                tables::import_attributes(db, file, key.as_deref(), encoding)
            }
        }
        Command::Import { layer, file, crs, encoding, worker, source_layer, .. } if layer == "tracks" => {
            tracks::import_tracks(db, file, worker.as_deref(), source_layer.as_deref(), crs.as_deref(), encoding)
        }
        Command::Import { layer, file, .. } if layer == "grids" => {
            // The file is read and checked before the document is opened for writing.
            let bytes = files::read_bounded(file, crate::import::grids::MAX_GRID_FILE_BYTES)?;
            let imported = crate::import::grids::read_grids(&bytes)
                .with_context(|| format!("{} 无法导入 (cannot be imported)", file.display()))?;
            let mut doc = open_existing(db, OpenMode::Edit, Lang::ZhCn)?;
            grids::import_grids(&mut doc, &imported)
        }
        Command::Import { layer, file, on_invalid, source_layer, crs, encoding, map, replace, .. } => {
            let Some(target) = crate::import::mapping::Target::parse(layer) else {
                bail!(
                    "未知的图层 (unknown layer) {layer:?}: buildings, boundary, compounds, roads, organisations, grids, staff, attributes, tracks"
                );
            };
            let args = import::LayerArgs {
                on_invalid: on_invalid.as_str(),
                source_layer: source_layer.as_deref(),
                crs: crs.as_deref(),
                encoding: encoding.as_str(),
                map,
                replace: *replace,
            };
            import::import_layer(db, target, file, &args)
        }
        Command::New {
            out,
            name,
            boundary,
            buildings,
            compounds,
            roads,
            organisations,
            staff,
            code,
            subdistrict,
            crs,
            on_invalid,
            force,
        } => {
            let files = crate::import::community::NewFiles {
                boundary,
                buildings: buildings.as_deref(),
                compounds: compounds.as_deref(),
                roads: roads.as_deref(),
                organisations: organisations.as_deref(),
                staff: staff.as_deref(),
            };
            import::new_document(out, name, code, subdistrict, &files, crs.as_deref(), on_invalid, *force)
        }
        Command::Check { json, plan: Some(plan), tolerance_m2 } => {
            let doc = open_existing(db, OpenMode::View, Lang::ZhCn)?;
            plans::check_plan(&doc, plan, *json, *tolerance_m2)
        }
        Command::Check { json, plan: None, tolerance_m2 } => {
            let doc = open_existing(db, OpenMode::View, Lang::ZhCn)?;
            grids::check(&doc, *json, *tolerance_m2)
        }
        Command::Plan { action, args } => plans::run(db, action.as_ref(), args),
        Command::Case { action } => cases::run(db, action),
        Command::Assess { action, month, json } => assess::run(db, action.as_ref(), month.as_deref(), *json),
        Command::Renumber { dry_run, json } => {
            let mode = if *dry_run { OpenMode::View } else { OpenMode::Edit };
            let mut doc = open_existing(db, mode, Lang::ZhCn)?;
            grids::renumber(&mut doc, *dry_run, *json)
        }
        Command::Export {
            product,
            name: _,
            paper,
            landscape,
            tiles,
            overlap_mm,
            scale,
            out,
            lang,
            date,
            per,
            from,
            to,
            overlay,
            greyscale,
            hatch,
            month,
            size,
            no_qr,
            back,
            week,
            cases,
        } => {
            let product = Product::parse(product).with_context(|| {
                format!(
                    "未知的导出类型 (unknown product) {product:?}: wall-map, atlas, boards, roster, staffing, coverage, assessment, badges, weekly, case-sheets, grids, layer"
                )
            })?;
            let default_paper = match product {
                Product::WallMap | Product::Coverage => "A1",
                Product::Atlas | Product::Assessment | Product::Badges | Product::Weekly | Product::CaseSheets => "A4",
                _ => "A3",
            };
            let paper: PageSize = paper.as_deref().unwrap_or(default_paper).parse()?;
            let tiles: Option<PageSize> = tiles.as_deref().map(str::parse).transpose()?;
            let date = match date {
                Some(d) => match crate::time::parse_date(d) {
                    Some(d) => Some(d),
                    None => bail!("日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD): {d:?}"),
                },
                None => None,
            };
            let window = match (from, to) {
                (None, None) => None,
                (Some(from), Some(to)) => {
                    let parse = crate::geom::patrol_filter::parse_time;
                    let (from, to) = (parse(from).map_err(anyhow::Error::msg)?, parse(to).map_err(anyhow::Error::msg)?);
                    if from >= to {
                        bail!("起始时间须早于结束时间 (--from must be before --to)");
                    }
                    Some((from, to))
                }
                _ => bail!("--from 与 --to 须同时给出 (give both --from and --to)"),
            };
            let overlay = match overlay.as_str() {
                "residents" => crate::layers::overlay::BuildingOverlay::Residents,
                "households" => crate::layers::overlay::BuildingOverlay::Households,
                "last-patrol" => crate::layers::overlay::BuildingOverlay::LastPatrol,
                _ => crate::layers::overlay::BuildingOverlay::ByGrid,
            };
            if overlay != crate::layers::overlay::BuildingOverlay::ByGrid && product != Product::WallMap {
                bail!("--overlay 只用于网格图 (only the wall map takes --overlay)");
            }
            if (size.is_some() || *no_qr || *back) && product != Product::Badges {
                bail!("--size、--no-qr 与 --back 只用于工作牌 (only the badges take --size, --no-qr and --back)");
            }
            let badge_size = match size.as_deref() {
                None => export::BadgeSize::default(),
                Some(s) => export::BadgeSize::parse(s).with_context(|| {
                    format!("工作牌尺寸应为 card 或 hanging (--size must be card or hanging): {s:?}")
                })?,
            };
            if window.is_some() && product != Product::Coverage {
                bail!("--from/--to 只用于巡查覆盖图 (only the coverage map takes --from/--to)");
            }
            if week.is_some() && product != Product::Weekly {
                bail!("--week 只用于例会周报 (only the weekly report takes --week)");
            }
            if !cases.is_empty() && product != Product::CaseSheets {
                bail!("--case 只用于事件处理单 (only the case sheets take --case)");
            }
            if month.is_some() && product != Product::Assessment {
                bail!("--month 只用于考核表 (only the assessment takes --month)");
            }
            if let Some(m) = month {
                crate::assessment::Month::parse(m).map_err(anyhow::Error::msg)?;
            }
            let ext = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
            let xlsx = match (product, ext.as_deref()) {
                (Product::Weekly | Product::Assessment, Some("xlsx")) => true,
                (Product::Weekly | Product::Assessment, Some("pdf")) => false,
                (Product::Weekly | Product::Assessment, _) => bail!(
                    "例会周报和考核表只能导出为 .pdf 或 .xlsx (the weekly report and the assessment are written as .pdf or .xlsx): {}",
                    out.display()
                ),
                (_, Some("xlsx")) => bail!(
                    "只有例会周报和考核表可导出为 .xlsx (only the weekly report and the assessment are written as .xlsx)"
                ),
                _ => false,
            };
            let lang = lang.unwrap_or_default();
            let doc = open_existing(db, OpenMode::View, lang)?;
            let week = match week {
                Some(w) => Some(
                    crate::weekly::WeekSpan::parse(w, &crate::time::time_zone(&doc.community.info.time_zone))
                        .map_err(anyhow::Error::msg)?,
                ),
                None => None,
            };
            let missing: Vec<String> = cases
                .iter()
                .filter(|&&id| doc.community.case(crate::model::CaseId(id)).is_none())
                .map(|id| format!("#{id}"))
                .collect();
            if !missing.is_empty() {
                bail!("没有这些事件 (no such cases): {}", missing.join(", "));
            }
            // Checked before the work, so a refused target costs nothing and is never touched.
            let target = files::check_output(out, OutputKind::Export, &[doc_path(&doc)?])?;
            let opts = ExportOptions {
                // The assessment's sixteen columns want the long side.
                landscape: *landscape || product == Product::Assessment,
                scale: *scale,
                tiles,
                overlap_mm: *overlap_mm,
                lang,
                // Today where the community is, not where the computer's clock is set.
                date: date.unwrap_or_else(|| crate::time::today(&doc.community.info.time_zone)).to_string(),
                per_building: per == "building",
                window,
                overlay,
                greyscale: *greyscale,
                hatch: *hatch,
                // A date given prints the roster of its week; without one, the week of the latest shifts.
                week_of: date,
                month: month.clone(),
                badge_size,
                badge_qr: !*no_qr,
                badge_back: *back,
                week,
                cases: (!cases.is_empty()).then(|| cases.iter().map(|&id| crate::model::CaseId(id)).collect()),
                ..ExportOptions::new(product, paper)
            };
            let bytes = match (xlsx, product) {
                (true, Product::Weekly) => {
                    let report = export::products::weekly_report(&doc, &opts)?;
                    export::products::weekly_xlsx(&doc, &report, lang)
                        .map_err(|e| anyhow::anyhow!("无法生成 Excel 文件 (could not make the .xlsx): {e}"))?
                }
                (true, _) => export::assessment_xlsx(&doc, &opts)?,
                _ => export::export_pdf(&doc, &opts)?,
            };
            files::write_atomically(&target, &bytes)?;
            Ok(format!("已导出 (exported): {} ({} KB)\n", out.display(), bytes.len() / 1024))
        }
        Command::StaffPhoto { staff, photo, clear: _ } => {
            // Read and check the photo first: a refused photo leaves the document untouched.
            let bytes = match photo {
                Some(p) => Some(files::read_bounded(p, store::MAX_PHOTO_BYTES as u64)?),
                None => None,
            };
            let prepared = bytes.as_deref().map(store::prepare_photo).transpose().map_err(anyhow::Error::msg)?;
            let mut doc = open_existing(db, OpenMode::Edit, Lang::ZhCn)?;
            edits::staff_photo(&mut doc, staff, prepared)
        }
        Command::Set { entity, id, assignments } => {
            let mut doc = open_existing(db, OpenMode::Edit, Lang::ZhCn)?;
            edits::set(&mut doc, entity, *id, assignments)
        }
        Command::Staff { action } => {
            let mut doc = open_existing(db, OpenMode::Edit, Lang::ZhCn)?;
            edits::staff(&mut doc, action)
        }
        Command::Log { json, limit } => {
            let doc = open_existing(db, OpenMode::View, Lang::ZhCn)?;
            edits::log(&doc, *json, *limit)
        }
        Command::Revert { log_id } => {
            let mut doc = open_existing(db, OpenMode::Edit, Lang::ZhCn)?;
            let ids = doc.revert(*log_id)?;
            Ok(format!("已还原第 {log_id} 条记录 (reverted entry {log_id}); 新记录 (new entries): {ids:?}\n"))
        }
        Command::SaveAs { out } => {
            let Some(db) = db else { bail!("请用 --db 指定数据库文件 (give the database with --db FILE)") };
            let store = store::Store::open(db, OpenMode::View)?;
            store.save_as(out)?;
            Ok(format!("已另存为 (saved as): {}\n", out.display()))
        }
        Command::Coverage { from, to, distance_m, blind_half_days, json } => {
            let doc = open_existing(db, OpenMode::View, Lang::ZhCn)?;
            let args = coverage::Args {
                from: from.as_deref(),
                to: to.as_deref(),
                distance_m: *distance_m,
                blind_half_days: *blind_half_days,
                json: *json,
            };
            coverage::run(&doc, &args)
        }
        Command::Heatmap { radius_m, pixel_m, from, to, worker, grid, out } => {
            let args = heatmap::HeatmapArgs {
                radius_m: *radius_m,
                pixel_m: *pixel_m,
                from: from.as_deref(),
                to: to.as_deref(),
                worker: worker.as_deref(),
                grid: grid.as_deref(),
                out,
            };
            heatmap::heatmap(db, &args)
        }
        Command::Info { json } => {
            let doc = open_existing(db, OpenMode::View, Lang::ZhCn)?;
            let value = info_json(&doc);
            if *json { Ok(format!("{}\n", serde_json::to_string(&value)?)) } else { Ok(info_text(&doc)) }
        }
    }
}

/// Opens the `--db` document; a document with unusable rows is an error naming them (the GUI opens
/// it and lists them instead).
fn open_existing(db: Option<&Path>, mode: OpenMode, lang: Lang) -> Result<Document> {
    let Some(db) = db else { bail!("请用 --db 指定数据库文件 (give the database with --db FILE)") };
    let doc = Document::open(db, mode, lang)?;
    if !doc.problems.is_empty() {
        let mut text = format!(
            "{}：{} 行数据有误，请修正后再试 ({} rows cannot be used):",
            db.display(),
            doc.problems.len(),
            doc.problems.len()
        );
        for p in doc.problems.iter().take(20) {
            text.push_str(&format!("\n  {p}"));
        }
        bail!(text);
    }
    Ok(doc)
}

fn doc_path(doc: &Document) -> Result<&Path> {
    doc.path.as_deref().context("文档没有文件 (the document has no file)")
}

pub fn info_json(doc: &Document) -> serde_json::Value {
    let c = &doc.community;
    let t = c.totals();
    let grid_residents: BTreeMap<&str, u64> =
        c.grids.iter().zip(&doc.grid_stats).map(|(g, s)| (g.code.as_str(), s.residents)).collect();
    let grid_households: BTreeMap<&str, u64> =
        c.grids.iter().zip(&doc.grid_stats).map(|(g, s)| (g.code.as_str(), s.households)).collect();
    let mut staff: BTreeMap<&str, usize> = crate::model::StaffRole::ALL.iter().map(|r| (r.as_str(), 0)).collect();
    for s in &c.staff {
        *staff.entry(s.role.as_str()).or_default() += 1;
    }
    serde_json::json!({
        "community": c.info.name,
        "subdistrict": c.info.subdistrict,
        "code": c.info.code,
        "buildings": t.buildings,
        "dwellings": t.dwellings,
        "households": t.households,
        "residents": t.residents,
        "organisations": t.organisations,
        "compounds": c.compounds.len(),
        "grids": t.grids,
        "plan": c.info.plan_name,
        "plans": c.plans.len(),
        "grid_residents": grid_residents,
        "grid_households": grid_households,
        "staff": staff,
        "unassigned_buildings": doc.assignment.unassigned().count(),
        "updates": doc.update_count(),
        "topology": {
            "gap_m2": round2(doc.topology.gap_area),
            "overlap_m2": round2(doc.topology.overlap_area),
            "outside_m2": round2(doc.topology.outside_area),
        },
    })
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn info_text(doc: &Document) -> String {
    use std::fmt::Write;
    let c = &doc.community;
    let t = c.totals();
    let mut s = String::new();
    let _ = writeln!(s, "{}（{}）", c.info.name, c.info.subdistrict);
    let _ = writeln!(
        s,
        "楼栋 {}  房屋 {}  户数 {}  居民 {}  单位 {}  网格 {}",
        t.buildings, t.dwellings, t.households, t.residents, t.organisations, t.grids
    );
    for (g, st) in c.grids.iter().zip(&doc.grid_stats) {
        let _ = writeln!(
            s,
            "  {}  {}  居民 {}  户数 {}  楼栋 {}",
            g.code, g.name, st.residents, st.households, st.buildings
        );
    }
    s
}
