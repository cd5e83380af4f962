//! The command-line contract: `demo --out`, `info --db --json`, errors on stderr with a non-zero exit.

use std::process::Command;

fn wangge() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wangge"))
}

#[test]
fn demo_then_info_json_reports_the_seed_totals() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("演示 demo.sqlite");
    let out = wangge().args(["demo", "--out"]).arg(&db).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = wangge().args(["info", "--json", "--db"]).arg(&db).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["buildings"], 188);
    assert_eq!(v["dwellings"], 6012);
    assert_eq!(v["households"], 3752);
    assert_eq!(v["residents"], 9241);
    assert_eq!(v["organisations"], 350);
    assert_eq!(v["grids"], 7);
    assert_eq!(v["staff"]["grid_leader"], 7);
    assert_eq!(v["staff"]["grid_worker"], 14);
    let grid_residents = v["grid_residents"].as_object().unwrap();
    assert_eq!(grid_residents.len(), 7);
    assert_eq!(grid_residents.values().map(|n| n.as_u64().unwrap()).sum::<u64>(), 9241);
    assert!(grid_residents.keys().all(|k| k.starts_with("350206001003")));
}

#[test]
fn demo_refuses_to_overwrite_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    assert!(wangge().args(["demo", "--out"]).arg(&db).status().unwrap().success());
    let out = wangge().args(["demo", "--out"]).arg(&db).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert!(wangge().args(["demo", "--force", "--out"]).arg(&db).status().unwrap().success());
}

#[test]
fn errors_go_to_stderr_with_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.sqlite");
    let out = wangge().args(["info", "--json", "--db"]).arg(&missing).output().unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.sqlite"));
    assert!(!missing.exists(), "info must not create files");

    let junk = dir.path().join("junk.sqlite");
    std::fs::write(&junk, "definitely not sqlite, definitely not sqlite, definitely not").unwrap();
    let out = wangge().args(["info", "--db"]).arg(&junk).output().unwrap();
    assert!(!out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).is_empty());

    let out = wangge().args(["info"]).output().unwrap();
    assert!(!out.status.success());
    let out = wangge().args(["frobnicate"]).output().unwrap();
    assert!(!out.status.success());
}

#[test]
fn export_writes_a_pdf_and_rejects_bad_options() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    assert!(wangge().args(["demo", "--out"]).arg(&db).status().unwrap().success());
    let pdf = dir.path().join("网格图 wall.pdf");
    let out = wangge()
        .args(["export", "wall-map", "--paper", "A1", "--landscape", "--scale", "2500", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

    for bad in [
        vec!["export", "poster"],
        vec!["export", "wall-map", "--paper", "B7"],
        vec!["export", "wall-map", "--tiles", "A4", "--overlap-mm", "500"],
        vec!["export", "wall-map", "--scale", "0"],
        vec!["export", "roster", "--date", "next monday"],
    ] {
        let target = dir.path().join("bad.pdf");
        let out = wangge().args(&bad).arg("--db").arg(&db).arg("--out").arg(&target).output().unwrap();
        assert!(!out.status.success(), "{bad:?} should fail");
        assert!(!String::from_utf8_lossy(&out.stderr).is_empty(), "{bad:?} says why");
        assert!(!target.exists(), "{bad:?} left a file behind");
    }
    let tiled = dir.path().join("tiled.pdf");
    let out = wangge()
        .args(["export", "atlas", "--paper", "A3", "--tiles", "A4", "--overlap-mm", "10", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&tiled)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn staff_photos_are_checked_stored_and_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    assert!(wangge().args(["demo", "--out"]).arg(&db).status().unwrap().success());
    let leader_id = "3";
    let png = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/one-pixel.png");
    let not_a_photo = dir.path().join("简历.txt");
    std::fs::write(&not_a_photo, "not an image at all").unwrap();

    let out = wangge()
        .args(["staff-photo", "--staff", leader_id, "--photo"])
        .arg(&not_a_photo)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("JPEG"));

    let out = wangge().args(["staff-photo", "--staff", leader_id, "--photo", png, "--db"]).arg(&db).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stored = wangge::Store::open(&db, wangge::store::OpenMode::View).unwrap().load_community().unwrap();
    assert_eq!(stored.staff[2].photo.as_deref(), Some(std::fs::read(png).unwrap().as_slice()));

    let out = wangge().args(["staff-photo", "--staff", leader_id, "--clear", "--db"]).arg(&db).output().unwrap();
    assert!(out.status.success());
    assert!(
        wangge::Store::open(&db, wangge::store::OpenMode::View).unwrap().load_community().unwrap().staff[2]
            .photo
            .is_none()
    );

    let out = wangge().args(["staff-photo", "--staff", "无此人", "--clear", "--db"]).arg(&db).output().unwrap();
    assert!(!out.status.success());
}
