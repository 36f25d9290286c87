//! `leadbox compose ID`: a lead's email, for reading, for scripts or as a `mailto:` URL.

use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

use super::args::ComposeFormat;
use super::{open_store, Ctx};
use crate::compose::{Draft, Purpose};
use crate::domain::text::{printable, printable_multiline};

/// Writes the draft for lead `id`, for what its customer is owed now (the Today queue's
/// item: a first touch, a cadence step, a decision); `template` names another. None for a
/// customer who opted out.
pub(super) fn compose(
    ctx: &Ctx,
    id: i64,
    template: Option<&str>,
    format: ComposeFormat,
) -> Result<ExitCode> {
    let store = open_store(ctx)?;
    let lead = store.lead(id)?;
    let (rules, zone) = (&ctx.config.follow_up, ctx.config.zone());
    let customer = store.customer_of(id)?;
    let owed = customer.next(rules, zone).map(|next| next.owed);
    let days = crate::domain::follow_up::touch_days(&customer.touches, zone);
    let purpose = Purpose::of(owed, days);
    let opted_out = customer.state.opted_out;
    let draft = crate::compose::compose(
        &lead,
        purpose,
        ctx.config.owner.as_deref(),
        opted_out,
        ctx.config.templates.as_deref(),
        template,
    )?;
    let mut out = std::io::stdout().lock();
    match format {
        ComposeFormat::Text => out.write_all(text(&draft).as_bytes())?,
        ComposeFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &draft)?;
            out.write_all(b"\n")?;
        }
        ComposeFormat::Mailto => writeln!(out, "{}", draft.mailto_url())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The draft for a terminal: its text from files and leads escaped.
fn text(draft: &Draft) -> String {
    format!(
        "To: {}\nSubject: {}\n\n{}",
        printable(&draft.to),
        printable(&draft.subject),
        printable_multiline(&draft.body)
    )
}
