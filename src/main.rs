// On Windows the GUI gets no console window; batch commands attach to the caller's console. A build
// without the GUI is an ordinary console program.
#![cfg_attr(all(windows, feature = "gui"), windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;
use wangge::cli::{Cli, run};

fn main() -> ExitCode {
    #[cfg(windows)]
    attach_parent_console();
    let cli = Cli::parse();
    match &cli.command {
        Some(command) => match run(command, cli.db.as_deref()) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                // A refused import still prints its report for scripts.
                if let Some(refusal) = e.downcast_ref::<wangge::cli::Refusal>() {
                    print!("{}", refusal.report);
                }
                eprintln!("错误 (error): {e:#}");
                ExitCode::FAILURE
            }
        },
        None => run_gui(&cli),
    }
}

/// Built without the `gui` feature: only the subcommands exist.
#[cfg(not(feature = "gui"))]
fn run_gui(_cli: &Cli) -> ExitCode {
    eprintln!(
        "错误 (error): 此版本未包含图形界面，请使用子命令（wangge --help）。\n\
         This build has no GUI (built without the `gui` feature); use a subcommand (wangge --help)."
    );
    ExitCode::FAILURE
}

/// The GUI never ends with only a line on stderr (invisible when started from a shortcut): a
/// document that cannot be opened opens the window with the message and a way out, and a window
/// that cannot start at all is reported in a native message box.
#[cfg(feature = "gui")]
fn run_gui(cli: &Cli) -> ExitCode {
    wangge::app::crash::install_panic_log();
    let lang = cli.lang.unwrap_or_default();
    // Without --db the window reopens the last document, which only its settings know.
    let start = cli.db.clone().map(|db| wangge::app::open_or_create_default(Some(db), lang));
    match wangge::app::run_gui(start, cli.lang) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let text = format!("网格通无法启动窗口 (Wangge could not open its window): {e}");
            wangge::app::crash::log_message(&text);
            eprintln!("错误 (error): {text}");
            let _ = rfd::MessageDialog::new()
                .set_level(rfd::MessageLevel::Error)
                .set_title("网格通 Wangge")
                .set_description(&text)
                .show();
            ExitCode::FAILURE
        }
    }
}

#[cfg(windows)]
fn attach_parent_console() {
    // SAFETY: AttachConsole has no preconditions; failure (no parent console) is harmless.
    unsafe extern "system" {
        fn AttachConsole(process_id: u32) -> i32;
    }
    const ATTACH_PARENT_PROCESS: u32 = u32::MAX;
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}
