//! The GUI never dies silently: a panic is written to a log file in the data folder (with the time
//! and where it happened) before the frame that panicked is abandoned and the message shown.

use std::io::Write;
use std::path::PathBuf;

/// `…/data/wangge-errors.log` (Windows: `%APPDATA%\Wangge\Wangge\data\wangge-errors.log`).
pub fn log_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("cn", "Wangge", "Wangge").map(|d| d.data_dir().join("wangge-errors.log"))
}

/// Installs the hook that logs every panic (then the default hook prints it as before).
pub fn install_panic_log() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some(path) = log_path() {
            let _ = append(&path, &format!("{} {info}\n{}\n", timestamp(), std::backtrace::Backtrace::force_capture()));
        }
        default(info);
    }));
}

/// Logs a start-up failure, which the window then shows.
pub fn log_message(message: &str) {
    if let Some(path) = log_path() {
        let _ = append(&path, &format!("{} {message}\n", timestamp()));
    }
}

fn append(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    f.write_all(text.as_bytes())
}

fn timestamp() -> String {
    format!("[{}]", crate::time::now_rfc3339(crate::time::DEFAULT_TIME_ZONE))
}
