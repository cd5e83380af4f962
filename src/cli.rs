//! The command line: the same binary runs the GUI or a batch command. The subcommands, flags and
//! JSON keys here are a contract that scripts rely on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use crate::i18n::Lang;
use crate::{Document, demo, store};

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
    },
    /// Print the totals of a community document.
    Info {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
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
        Command::Demo {
            out,
            force,
            geojson,
        } => {
            let community = demo::kangle();
            store::write_new_document(out, &community, *force)?;
            if let Some(dir) = geojson {
                store::geojson_export::write_dir(&community, dir).with_context(|| {
                    format!(
                        "写入 GeoJSON 失败 (could not write GeoJSON to {})",
                        dir.display()
                    )
                })?;
            }
            Ok(format!(
                "已写入演示社区 (demo written): {}\n",
                out.display()
            ))
        }
        Command::Info { json } => {
            let Some(db) = db else {
                bail!("请用 --db 指定数据库文件 (give the database with --db FILE)")
            };
            if !db.exists() {
                bail!("找不到文件 (no such file): {}", db.display());
            }
            let doc = Document::open(db, Lang::ZhCn)?;
            let value = info_json(&doc);
            if *json {
                Ok(format!("{}\n", serde_json::to_string(&value)?))
            } else {
                Ok(info_text(&doc))
            }
        }
    }
}

pub fn info_json(doc: &Document) -> serde_json::Value {
    let c = &doc.community;
    let t = c.totals();
    let grid_residents: BTreeMap<&str, u64> = c
        .grids
        .iter()
        .zip(&doc.grid_stats)
        .map(|(g, s)| (g.code.as_str(), s.residents))
        .collect();
    let grid_households: BTreeMap<&str, u64> = c
        .grids
        .iter()
        .zip(&doc.grid_stats)
        .map(|(g, s)| (g.code.as_str(), s.households))
        .collect();
    let mut staff: BTreeMap<&str, usize> = crate::model::StaffRole::ALL
        .iter()
        .map(|r| (r.as_str(), 0))
        .collect();
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
        "grid_residents": grid_residents,
        "grid_households": grid_households,
        "staff": staff,
        "unassigned_buildings": doc.assignment.unassigned().count(),
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
