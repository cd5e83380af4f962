// On Windows the GUI gets no console window; batch commands attach to the caller's console.
#![cfg_attr(windows, windows_subsystem = "windows")]

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
                eprintln!("错误 (error): {e:#}");
                ExitCode::FAILURE
            }
        },
        None => {
            let lang = cli.lang.unwrap_or_default();
            let doc = match wangge::app::open_or_create_default(cli.db.clone(), lang) {
                Ok(doc) => doc,
                Err(e) => {
                    eprintln!("错误 (error): {e:#}");
                    return ExitCode::FAILURE;
                }
            };
            match wangge::app::run_gui(doc, cli.lang) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("错误 (error): {e}");
                    ExitCode::FAILURE
                }
            }
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
