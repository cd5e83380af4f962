//! Offline MBTiles basemaps: TMS row flipping and overzoom from a parent tile.

use walkers::{TileId, Tiles};
use wangge::app::basemap::MbTiles;

fn mbtiles_with_one_tile(path: &std::path::Path, z: u8, x: u32, y: u32) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
         INSERT INTO metadata VALUES ('name', '康乐底图');",
    )
    .unwrap();
    let png = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/one-pixel.png")).unwrap();
    let tms_row = (1u32 << z) - 1 - y;
    conn.execute("INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)", rusqlite::params![z, x, tms_row, png]).unwrap();
}

#[test]
fn tiles_are_found_with_flipped_rows_and_overzoomed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("底图 basemap.mbtiles");
    let (z, x, y) = (15u8, 26_898u32, 14_298u32);
    mbtiles_with_one_tile(&path, z, x, y);
    let mut tiles = MbTiles::open(&path, egui::Context::default()).unwrap();
    assert_eq!(tiles.name, "康乐底图");

    let exact = tiles.at(TileId { x, y, zoom: z }).expect("tile at its own zoom");
    assert_eq!(exact.uv, egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)));

    // Two levels deeper, the south-east grandchild shows the bottom-right quarter of a quarter.
    let child = tiles.at(TileId { x: x * 4 + 3, y: y * 4 + 3, zoom: z + 2 }).expect("overzoomed tile");
    assert_eq!(child.uv, egui::Rect::from_min_max(egui::pos2(0.75, 0.75), egui::pos2(1.0, 1.0)));

    assert!(tiles.at(TileId { x: x + 1, y, zoom: z }).is_none(), "no neighbour in the file");
    assert!(tiles.at(TileId { x: x / 2, y: y / 2, zoom: z - 1 }).is_none(), "below the file's zoom range");
}

#[test]
fn a_file_without_tiles_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.mbtiles");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);",
    )
    .unwrap();
    drop(conn);
    assert!(MbTiles::open(&path, egui::Context::default()).is_err());
    assert!(MbTiles::open(&dir.path().join("missing.mbtiles"), egui::Context::default()).is_err());
}
