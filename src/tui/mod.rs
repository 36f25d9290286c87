//! The interactive inbox.

use crate::store::Store;

pub fn run(_store: Store) -> anyhow::Result<()> {
    anyhow::bail!("the inbox is not built yet: use `leadbox list`")
}
