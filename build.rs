//! Windows builds get an icon and version details embedded in the exe (assets/wangge.rc).

fn main() {
    println!("cargo:rerun-if-changed=assets/wangge.rc");
    println!("cargo:rerun-if-changed=assets/wangge.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let version = env!("CARGO_PKG_VERSION");
    let commas = format!("{},0", version.replace('.', ","));
    let defines = [format!("WANGGE_VERSION=\\\"{version}\\\""), format!("WANGGE_VERSION_COMMAS={commas}")];
    if let Err(e) = embed_resource::compile("assets/wangge.rc", &defines).manifest_optional() {
        // The exe still works without its icon; say why it is missing rather than failing the build.
        println!("cargo:warning=Windows resources not embedded: {e}");
    }
}
