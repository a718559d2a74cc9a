//! `lading layout EDGES.csv`: ForceAtlas2 on an edge list. (Being written.)

#[derive(clap::Args, Debug)]
pub struct Args {
    /// CSV with `source,target[,weight]`.
    pub edges: std::path::PathBuf,
}

pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("not implemented yet")
}
