//! `leadbox compose ID`: a lead's email, for reading, for scripts or as a `mailto:` URL.

use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

use super::args::ComposeFormat;
use super::{open_store, Ctx};
use crate::compose::{Draft, Purpose};
use crate::domain::text::{printable, printable_multiline};
use crate::domain::Status;

/// Writes the draft for lead `id`: a first touch until the customer was touched, then the
/// first follow-up (`template` names another). The customer counts as opted out when a lead
/// of theirs is lost.
pub(super) fn compose(
    ctx: &Ctx,
    id: i64,
    template: Option<&str>,
    format: ComposeFormat,
) -> Result<ExitCode> {
    let store = open_store(ctx)?;
    let lead = store.lead(id)?;
    let opted_out = store
        .contact_leads(lead.contact_id)?
        .iter()
        .any(|l| l.status == Status::Lost);
    let purpose = match lead.first_touch_at {
        None => Purpose::FirstTouch,
        Some(_) => Purpose::FollowUp { step: 1 },
    };
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
