//! The command line: `lading [--db DB]` and its subcommands.
//!
//! Each subcommand lives in its own file and exposes `Args` (clap) and `run`. Errors are
//! reported once, here, with their context chain.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod layout;

#[derive(Parser, Debug)]
#[command(name = "lading", version, about = "Explore trade between state-owned companies")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lay out an edge list (source,target[,weight]) with ForceAtlas2: the layout benchmark.
    Layout(layout::Args),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Layout(args)) => layout::run(args),
        None => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("lading: {err:#}");
            ExitCode::FAILURE
        }
    }
}
