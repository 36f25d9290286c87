//! Personalized emails to a lead: a template picked for where the lead stands, filled in
//! from the lead, and refused for anyone who must not be written to.
//!
//! A template is a text file, `NAME.txt`: a first line `Subject: ...`, a blank line, then
//! the body, in Jinja syntax (`{{ first_name }}`, `{% if company %}...{% endif %}`). The
//! shipped ones (`assets/templates/`) are built into the program; a file of the same name
//! in the templates folder (the `templates` setting) replaces one. [`send`] hands a draft
//! to the rep's mail program.

pub mod send;

use minijinja::value::Value;
use minijinja::{context, AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;
use std::path::{Path, PathBuf};

use crate::domain::follow_up::Owed;
use crate::domain::{Action, Lead};

/// Why the lead is written to now: what its customer is owed ([`Purpose::of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The first email: the template follows what the customer pressed.
    FirstTouch,
    /// The `step`th follow-up after the first touch (1 for the first follow-up).
    FollowUp { step: usize },
    /// The last try before the lead is closed.
    Decide,
}

impl Purpose {
    /// The email for what a customer is owed next (`domain::follow_up::next`); with nothing
    /// owed, a follow-up after the customer's `touch_days` days of touches, or a first touch.
    pub fn of(owed: Option<Owed>, touch_days: usize) -> Purpose {
        match owed {
            Some(Owed::FirstTouch { .. }) => Purpose::FirstTouch,
            Some(Owed::Step { step }) => Purpose::FollowUp { step },
            Some(Owed::Decide) => Purpose::Decide,
            Some(Owed::NextStep) | None if touch_days > 0 => Purpose::FollowUp { step: touch_days },
            Some(Owed::NextStep) | None => Purpose::FirstTouch,
        }
    }
}

/// An email ready for the rep's mail program. The body ends with a line break.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Why no draft was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    #[error(
        "lead {lead} is DNC (the customer asked not to be contacted): no email is written to them"
    )]
    DoNotContact { lead: i64 },
    #[error("lead {lead} is a Microsoft test lead: there is no customer to write to")]
    TestLead { lead: i64 },
    #[error("the customer of lead {lead} opted out: no email is written to them")]
    OptedOut { lead: i64 },
    #[error("lead {lead} has no email address")]
    NoEmail { lead: i64 },
    #[error("lead {lead}'s email {email:?} is not one address")]
    NotAnAddress { lead: i64, email: String },
    #[error("{name:?} is not a template name: letters, digits, _ and - only (e.g. follow_up_2)")]
    BadName { name: String },
    #[error("no template named {name:?}: the shipped ones are {}", shipped_names().join(", "))]
    NoSuchTemplate { name: String },
    #[error("{}: not a folder (the templates setting)", .0.display())]
    NotAFolder(PathBuf),
    #[error("{}: {problem}", .path.display())]
    Unreadable { path: PathBuf, problem: String },
    /// A template that does not parse or names an unknown value: `where: problem`.
    #[error("{template}: {problem}")]
    BadTemplate { template: String, problem: String },
}

/// The shipped templates: (name, text).
pub const SHIPPED: [(&str, &str); 8] = [
    (
        "first_touch_plt",
        include_str!("../../assets/templates/first_touch_plt.txt"),
    ),
    (
        "first_touch_ins",
        include_str!("../../assets/templates/first_touch_ins.txt"),
    ),
    (
        "first_touch_test_drive",
        include_str!("../../assets/templates/first_touch_test_drive.txt"),
    ),
    (
        "first_touch_create",
        include_str!("../../assets/templates/first_touch_create.txt"),
    ),
    (
        "follow_up",
        include_str!("../../assets/templates/follow_up.txt"),
    ),
    (
        "follow_up_2",
        include_str!("../../assets/templates/follow_up_2.txt"),
    ),
    ("decide", include_str!("../../assets/templates/decide.txt")),
    (
        "fallback",
        include_str!("../../assets/templates/fallback.txt"),
    ),
];

fn shipped_names() -> Vec<&'static str> {
    SHIPPED.iter().map(|(name, _)| *name).collect()
}

/// The draft of an email to `lead` for `purpose`, signed by `owner` (none: the lead's
/// owner; neither: unsigned). `template` names one instead of the lookup
/// ([`template_names`]); each name is looked for in `templates_dir` first, then among the
/// shipped ones. Refused for a DNC or test lead, an `opted_out` customer, and a lead without
/// an email address.
pub fn compose(
    lead: &Lead,
    purpose: Purpose,
    owner: Option<&str>,
    opted_out: bool,
    templates_dir: Option<&Path>,
    template: Option<&str>,
) -> Result<Draft, ComposeError> {
    let to = recipient(lead, opted_out)?;
    if let Some(dir) = templates_dir.filter(|dir| !dir.is_dir()) {
        return Err(ComposeError::NotAFolder(dir.to_path_buf()));
    }
    let (label, text) = match template {
        Some(name) => {
            check_name(name)?;
            find(name, templates_dir)?.ok_or_else(|| ComposeError::NoSuchTemplate {
                name: name.to_string(),
            })?
        }
        None => {
            let mut found = None;
            for name in template_names(lead.action.as_ref(), purpose) {
                found = find(&name, templates_dir)?;
                if found.is_some() {
                    break;
                }
            }
            found.expect("the fallback is shipped")
        }
    };
    let owner = owner.or(lead.owner.as_deref());
    let (subject, body) = render(&label, &text, &values(lead, purpose, owner))?;
    Ok(Draft { to, subject, body })
}

/// The templates tried for a lead, most specific first: per cadence step (`follow_up_2`),
/// then `follow_up`; for a first touch, per action (`first_touch_plt`, `first_touch_ins`,
/// `first_touch_test_drive`, `first_touch_create`); `decide` for the last try; then
/// `fallback`.
pub fn template_names(action: Option<&Action>, purpose: Purpose) -> Vec<String> {
    let mut names = Vec::new();
    match purpose {
        Purpose::FirstTouch => {
            let per_action = match action {
                Some(Action::Plt) => Some("plt"),
                Some(Action::Ins) => Some("ins"),
                Some(Action::StartTestDrive) => Some("test_drive"),
                Some(Action::Create) => Some("create"),
                Some(Action::Dnc | Action::Other(_)) | None => None,
            };
            names.extend(per_action.map(|a| format!("first_touch_{a}")));
        }
        Purpose::FollowUp { step } => {
            names.push(format!("follow_up_{step}"));
            names.push("follow_up".into());
        }
        Purpose::Decide => names.push("decide".into()),
    }
    names.push("fallback".into());
    names
}

/// The address to write to, unless the lead must not be written to.
fn recipient(lead: &Lead, opted_out: bool) -> Result<String, ComposeError> {
    let id = lead.id;
    if lead.is_dnc() {
        return Err(ComposeError::DoNotContact { lead: id });
    }
    if lead.is_test {
        return Err(ComposeError::TestLead { lead: id });
    }
    if opted_out {
        return Err(ComposeError::OptedOut { lead: id });
    }
    let email = lead.email.as_deref().map(str::trim).unwrap_or_default();
    if email.is_empty() {
        return Err(ComposeError::NoEmail { lead: id });
    }
    if !is_one_address(email) {
        return Err(ComposeError::NotAnAddress {
            lead: id,
            email: email.to_string(),
        });
    }
    Ok(email.to_string())
}

/// One `local@domain`, with nothing that would add a recipient or a header to a `mailto:`
/// URL or a mail program's command line.
fn is_one_address(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || ",;<>()[]\"\\:?&%#".contains(c))
}

/// A template name is a file name in the templates folder: no path can be given as one.
fn check_name(name: &str) -> Result<(), ComposeError> {
    let fine = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match fine {
        true => Ok(()),
        false => Err(ComposeError::BadName {
            name: name.to_string(),
        }),
    }
}

/// The template `name`: where it comes from (for messages) and its text; the folder's file
/// before the shipped one.
fn find(name: &str, dir: Option<&Path>) -> Result<Option<(String, String)>, ComposeError> {
    if let Some(dir) = dir {
        let path = dir.join(format!("{name}.txt"));
        match std::fs::read_to_string(&path) {
            Ok(text) => return Ok(Some((path.display().to_string(), text))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(ComposeError::Unreadable {
                    path,
                    problem: crate::io_error::describe(&e),
                })
            }
        }
    }
    Ok(SHIPPED
        .iter()
        .find(|(shipped, _)| *shipped == name)
        .map(|(_, text)| (format!("assets/templates/{name}.txt"), text.to_string())))
}

/// The names of the values a template gets ([`values`]).
pub const VALUES: [&str; 14] = [
    "greeting",
    "first_name",
    "last_name",
    "name",
    "company",
    "title",
    "country",
    "email",
    "offer",
    "offer_name",
    "action",
    "notes",
    "owner",
    "step",
];

/// What a template can use. Every value is there, empty when the lead lacks it, so that a
/// misspelt name is an error rather than a silent gap.
fn values(lead: &Lead, purpose: Purpose, owner: Option<&str>) -> Value {
    let first_name = one_line(lead.first_name.as_deref());
    let name = one_line(lead.name().as_deref());
    context! {
        greeting => greeting(&first_name, &name),
        first_name,
        last_name => one_line(lead.last_name.as_deref()),
        name,
        company => one_line(lead.company.as_deref()),
        title => one_line(lead.title.as_deref()),
        country => one_line(lead.country.as_deref()),
        email => one_line(lead.email.as_deref()),
        offer => one_line(lead.offer.as_deref()),
        offer_name => one_line(lead.offer_name.as_deref()),
        action => lead.action.as_ref().map(|a| a.describe().to_string()).unwrap_or_default(),
        notes => customer_notes(lead.description.as_deref()),
        owner => one_line(owner),
        step => match purpose {
            Purpose::FollowUp { step } => step,
            Purpose::FirstTouch | Purpose::Decide => 0,
        },
    }
}

/// `Hi Ada,` with a first name, `Hello Ada Lovelace,` with only a full name, else `Hello,`.
fn greeting(first_name: &str, name: &str) -> String {
    match (first_name, name) {
        ("", "") => "Hello,".into(),
        ("", name) => format!("Hello {name},"),
        (first, _) => format!("Hi {first},"),
    }
}

/// A field as one tidy line: line breaks and runs of spaces become one space.
fn one_line(value: Option<&str>) -> String {
    value
        .unwrap_or_default()
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The notes the customer wrote, or nothing: blank, `Campaigns: ` alone and the JSON of the
/// AppSource URL parameters are the marketplace's, not the customer's.
fn customer_notes(description: Option<&str>) -> String {
    let notes = description.unwrap_or_default().replace("\r\n", "\n");
    let notes = notes.trim();
    let campaign_only = notes
        .strip_suffix(':')
        .is_some_and(|label| label.eq_ignore_ascii_case("campaigns"));
    let parameters = (notes.starts_with('{') || notes.starts_with('['))
        && serde_json::from_str::<serde_json::Value>(notes).is_ok();
    if campaign_only || parameters {
        return String::new();
    }
    notes.to_string()
}

/// The subject and body of template `text` (named `label` in messages) with `values`.
fn render(label: &str, text: &str, values: &Value) -> Result<(String, String), ComposeError> {
    let bad = |problem: String| ComposeError::BadTemplate {
        template: label.to_string(),
        problem,
    };
    let text = text.replace("\r\n", "\n");
    let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let subject = first
        .get(..8)
        .filter(|head| head.eq_ignore_ascii_case("subject:"))
        .map(|_| &first[8..])
        .ok_or_else(|| bad("the first line must be \"Subject: ...\"".into()))?;
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    // A line holding only `{% if %}` or `{% endif %}` leaves no line behind.
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .expect("the default delimiters");
    env.set_syntax(syntax);
    let fill = |source: &str| {
        let template = env
            .template_from_named_str(label, source)
            .map_err(|e| bad(template_problem(&e, &[])))?;
        template.render(values).map_err(|e| {
            let mut unknown: Vec<String> = template
                .undeclared_variables(false)
                .into_iter()
                .filter(|name| !VALUES.contains(&name.as_str()))
                .filter(|name| !env.globals().any(|(global, _)| global == name))
                .collect();
            unknown.sort();
            bad(template_problem(&e, &unknown))
        })
    };
    let subject = one_line(Some(&fill(subject)?));
    // The body keeps its lines where the file has them: errors name the file's line.
    let body = tidy(&fill(&format!("\n{rest}"))?);
    Ok((subject, body))
}

/// minijinja's error in one line: what is wrong, and where; for a value that is not there,
/// its name (`unknown`: the template's names that are no value) and the ones there are.
fn template_problem(error: &minijinja::Error, unknown: &[String]) -> String {
    let what = match error.kind() {
        minijinja::ErrorKind::UndefinedError if !unknown.is_empty() => format!(
            "no value named {}: the values are {}",
            unknown.join(", "),
            VALUES.join(", ")
        ),
        kind => error
            .detail()
            .map(|detail| format!("{kind}: {detail}"))
            .unwrap_or_else(|| kind.to_string()),
    };
    match error.line() {
        Some(line) => format!("line {line}: {what}"),
        None => what,
    }
}

/// The body as an email wants it: no trailing spaces, no blank line at either end, never two
/// blank lines in a row (a paragraph left out leaves none), one line break at the end.
fn tidy(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut blank_before = true;
    for line in body.lines().map(str::trim_end) {
        if line.is_empty() {
            if !blank_before {
                out.push('\n');
            }
            blank_before = true;
        } else {
            out.push_str(line);
            out.push('\n');
            blank_before = false;
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

impl Draft {
    /// `To:`, `Subject:`, a blank line and the body: what a draft file holds.
    pub fn text(&self) -> String {
        format!(
            "To: {}\nSubject: {}\n\n{}",
            self.to, self.subject, self.body
        )
    }

    /// The draft as one `mailto:` URL (RFC 6068): every byte but letters, digits and
    /// `-._~` percent-encoded (`@` too, except in the address), line breaks as `%0D%0A`.
    pub fn mailto_url(&self) -> String {
        let body = self.body.replace("\r\n", "\n").replace('\n', "\r\n");
        format!(
            "mailto:{}?subject={}&body={}",
            percent_encode(&self.to, "@"),
            percent_encode(&self.subject, ""),
            percent_encode(&body, "")
        )
    }
}

/// `text` with every byte percent-encoded but the unreserved ones (RFC 3986) and `keep`.
fn percent_encode(text: &str, keep: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for &byte in text.as_bytes() {
        let plain = byte.is_ascii_alphanumeric() || b"-._~".contains(&byte);
        if plain || keep.as_bytes().contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::bare_lead;
    use chrono::{TimeZone, Utc};

    fn lead(action: Option<Action>) -> Lead {
        Lead {
            action,
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            email: Some("ada@analytical.example".into()),
            company: Some("Analytical Engines".into()),
            offer: Some("contoso.crm-connector".into()),
            offer_name: Some("Contoso CRM Connector".into()),
            ..bare_lead(7, Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap())
        }
    }

    fn draft(lead: &Lead, purpose: Purpose) -> Draft {
        compose(lead, purpose, Some("Ben Ito"), false, None, None).unwrap()
    }

    /// The name of the shipped template a draft came from, found by its subject.
    fn subject_of(name: &str, lead: &Lead) -> String {
        let text = SHIPPED.iter().find(|(n, _)| *n == name).unwrap().1;
        render(name, text, &values(lead, Purpose::FirstTouch, None))
            .unwrap()
            .0
    }

    #[test]
    fn the_lookup_goes_from_the_most_specific_to_the_fallback() {
        let names = |action: Option<Action>, purpose| template_names(action.as_ref(), purpose);
        assert_eq!(
            names(Some(Action::Plt), Purpose::FirstTouch),
            ["first_touch_plt", "fallback"]
        );
        assert_eq!(
            names(Some(Action::StartTestDrive), Purpose::FirstTouch),
            ["first_touch_test_drive", "fallback"]
        );
        assert_eq!(
            names(Action::parse("XSELL"), Purpose::FirstTouch),
            ["fallback"]
        );
        assert_eq!(names(None, Purpose::FirstTouch), ["fallback"]);
        assert_eq!(
            names(Some(Action::Ins), Purpose::FollowUp { step: 2 }),
            ["follow_up_2", "follow_up", "fallback"]
        );
        assert_eq!(
            names(Some(Action::Ins), Purpose::Decide),
            ["decide", "fallback"]
        );
    }

    #[test]
    fn each_purpose_and_action_gets_its_template() {
        let cases = [
            (Some(Action::Plt), Purpose::FirstTouch, "first_touch_plt"),
            (Some(Action::Ins), Purpose::FirstTouch, "first_touch_ins"),
            (
                Some(Action::StartTestDrive),
                Purpose::FirstTouch,
                "first_touch_test_drive",
            ),
            (
                Some(Action::Create),
                Purpose::FirstTouch,
                "first_touch_create",
            ),
            (Action::parse("XSELL"), Purpose::FirstTouch, "fallback"),
            (
                Some(Action::Plt),
                Purpose::FollowUp { step: 1 },
                "follow_up",
            ),
            (
                Some(Action::Plt),
                Purpose::FollowUp { step: 2 },
                "follow_up_2",
            ),
            (
                Some(Action::Plt),
                Purpose::FollowUp { step: 3 },
                "follow_up",
            ),
            (Some(Action::Create), Purpose::Decide, "decide"),
        ];
        for (action, purpose, expected) in cases {
            let lead = lead(action);
            assert_eq!(
                draft(&lead, purpose).subject,
                subject_of(expected, &lead),
                "{purpose:?}"
            );
        }
    }

    #[test]
    fn a_first_touch_of_contact_me_answers_the_notes() {
        let lead = Lead {
            description: Some("We need 40 seats.\r\nCall after 2pm.".into()),
            ..lead(Some(Action::Plt))
        };
        let draft = draft(&lead, Purpose::FirstTouch);
        assert_eq!(draft.to, "ada@analytical.example");
        assert_eq!(
            draft.subject,
            "Contoso CRM Connector: your request on Microsoft AppSource"
        );
        assert_eq!(
            draft.body,
            "Hi Ada,\n\
             \n\
             Thank you for asking to be contacted about Contoso CRM Connector for Analytical \
             Engines.\n\
             \n\
             You wrote:\n\
             \n    We need 40 seats.\n    Call after 2pm.\n\
             \n\
             I have read your notes and would like to go through them with you.\n\
             \n\
             Would a 30-minute call this week suit you? Reply with a time that works for you \
             and I will send an invitation.\n\
             \n\
             Best regards,\n\
             Ben Ito\n"
        );
    }

    #[test]
    fn marketplace_text_is_no_customer_notes() {
        for description in [
            " ",
            "Campaigns: ",
            "{\"mktcmpid\":\"1234\",\"partnerid\":\"98765\"}",
        ] {
            let lead = Lead {
                description: Some(description.into()),
                ..lead(Some(Action::Plt))
            };
            let body = draft(&lead, Purpose::FirstTouch).body;
            assert!(!body.contains("You wrote"), "{description:?}: {body}");
            assert!(!body.contains("mktcmpid"), "{body}");
        }
    }

    #[test]
    fn the_greeting_and_the_signature_follow_what_is_known() {
        let mut lead = lead(Some(Action::Ins));
        assert!(draft(&lead, Purpose::FirstTouch)
            .body
            .starts_with("Hi Ada,\n"));
        lead.first_name = None;
        lead.last_name = None;
        lead.full_name = Some("Olivia  Martin".into());
        assert!(draft(&lead, Purpose::FirstTouch)
            .body
            .starts_with("Hello Olivia Martin,\n"));
        lead.full_name = None;
        assert!(draft(&lead, Purpose::FirstTouch)
            .body
            .starts_with("Hello,\n"));
        // No owner given: the lead's; neither: unsigned.
        lead.owner = Some("Chloé".into());
        let unsigned = compose(&lead, Purpose::FirstTouch, None, false, None, None).unwrap();
        assert!(
            unsigned.body.ends_with("Best regards,\nChloé\n"),
            "{}",
            unsigned.body
        );
        lead.owner = None;
        let unsigned = compose(&lead, Purpose::FirstTouch, None, false, None, None).unwrap();
        assert!(
            unsigned.body.ends_with("Best regards,\n"),
            "{}",
            unsigned.body
        );
    }

    /// Every shipped template, with every value missing, reads as an email.
    #[test]
    fn every_shipped_template_reads_well_with_every_value_missing() {
        let empty = Lead {
            email: Some("x@y.example".into()),
            ..bare_lead(1, Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap())
        };
        for purpose in [
            Purpose::FirstTouch,
            Purpose::FollowUp { step: 2 },
            Purpose::Decide,
        ] {
            for (name, text) in SHIPPED {
                let (subject, body) = render(name, text, &values(&empty, purpose, None))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                for part in [&subject, &body] {
                    for bad in [
                        "{{", "}}", "{%", " ,", " .", " :", "Hi ,", "Dear ,", "()", "  ",
                    ] {
                        assert!(!part.contains(bad), "{name}: {bad:?} in {part:?}");
                    }
                }
                assert!(
                    subject.starts_with(|c: char| c.is_uppercase()) && !subject.ends_with(':'),
                    "{name}: {subject:?}"
                );
                assert!(body.starts_with("Hello,\n\n"), "{name}: {body}");
                assert!(body.ends_with("Best regards,\n"), "{name}: {body}");
                assert!(!body.contains("\n\n\n"), "{name}: {body}");
            }
        }
    }

    #[test]
    fn who_must_not_be_written_to_is_refused() {
        let refused = |lead: &Lead, opted_out| {
            compose(lead, Purpose::FirstTouch, None, opted_out, None, None).unwrap_err()
        };
        assert_eq!(
            refused(&lead(Some(Action::Dnc)), false),
            ComposeError::DoNotContact { lead: 7 }
        );
        let test = Lead {
            is_test: true,
            ..lead(Some(Action::Ins))
        };
        assert_eq!(refused(&test, false), ComposeError::TestLead { lead: 7 });
        assert_eq!(
            refused(&lead(Some(Action::Ins)), true),
            ComposeError::OptedOut { lead: 7 }
        );
        for email in [None, Some(""), Some("  ")] {
            let lead = Lead {
                email: email.map(String::from),
                ..lead(Some(Action::Ins))
            };
            assert_eq!(refused(&lead, false), ComposeError::NoEmail { lead: 7 });
        }
        for email in [
            "ada",
            "ada@",
            "@x.example",
            "a@b@c.example",
            "ada@x.example,eve@evil.example",
            "ada@x.example?cc=eve@evil.example",
            "ada@x.example&bcc=eve@evil.example",
            "ada @x.example",
            "ada@x.example\n",
        ] {
            let lead = Lead {
                email: Some(format!("{email}\u{1b}")),
                ..lead(Some(Action::Ins))
            };
            assert!(
                matches!(refused(&lead, false), ComposeError::NotAnAddress { .. }),
                "{email:?}"
            );
        }
        assert_eq!(
            refused(&lead(Some(Action::Dnc)), false).to_string(),
            "lead 7 is DNC (the customer asked not to be contacted): no email is written to them"
        );
    }

    #[test]
    fn the_templates_folder_wins_over_the_shipped_templates() {
        let dir = tempfile::tempdir().unwrap();
        let lead = lead(Some(Action::Plt));
        std::fs::write(
            dir.path().join("follow_up.txt"),
            "Subject: Still there, {{ first_name }}?\r\n\r\n{{ greeting }}\r\nOurs.\r\n",
        )
        .unwrap();
        let ours = compose(
            &lead,
            Purpose::FollowUp { step: 2 },
            None,
            false,
            Some(dir.path()),
            None,
        )
        .unwrap();
        // follow_up_2 is shipped and more specific: it still comes first.
        assert_eq!(ours.subject, subject_of("follow_up_2", &lead));
        let ours = compose(
            &lead,
            Purpose::FollowUp { step: 1 },
            None,
            false,
            Some(dir.path()),
            None,
        )
        .unwrap();
        assert_eq!(ours.subject, "Still there, Ada?");
        assert_eq!(ours.body, "Hi Ada,\nOurs.\n");
        // Named with --template, from the folder or the shipped ones.
        let named = |name| {
            compose(
                &lead,
                Purpose::FirstTouch,
                None,
                false,
                Some(dir.path()),
                Some(name),
            )
        };
        assert_eq!(named("follow_up").unwrap().subject, "Still there, Ada?");
        assert_eq!(
            named("decide").unwrap().subject,
            subject_of("decide", &lead)
        );
        assert_eq!(
            named("nope").unwrap_err().to_string(),
            "no template named \"nope\": the shipped ones are first_touch_plt, \
             first_touch_ins, first_touch_test_drive, first_touch_create, follow_up, \
             follow_up_2, decide, fallback"
        );
        assert!(matches!(
            named("../secrets").unwrap_err(),
            ComposeError::BadName { .. }
        ));
        let missing = dir.path().join("missing");
        assert_eq!(
            compose(
                &lead,
                Purpose::FirstTouch,
                None,
                false,
                Some(&missing),
                None
            )
            .unwrap_err(),
            ComposeError::NotAFolder(missing)
        );
    }

    #[test]
    fn a_bad_template_names_its_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let lead = lead(Some(Action::Plt));
        let write = |text: &str| std::fs::write(dir.path().join("fallback.txt"), text).unwrap();
        let problem = || {
            compose(
                &lead,
                Purpose::FirstTouch,
                None,
                false,
                Some(dir.path()),
                Some("fallback"),
            )
            .unwrap_err()
            .to_string()
        };
        let path = dir.path().join("fallback.txt").display().to_string();
        write("Hello {{ first_name }}\n");
        assert_eq!(
            problem(),
            format!("{path}: the first line must be \"Subject: ...\"")
        );
        write("Subject: Hi\n\nDear {{ frist_name }},\n");
        assert_eq!(
            problem(),
            format!(
                "{path}: line 3: no value named frist_name: the values are greeting, \
                 first_name, last_name, name, company, title, country, email, offer, \
                 offer_name, action, notes, owner, step"
            )
        );
        // A global of minijinja's is no unknown value: the attribute is what is missing.
        write("Subject: Hi\n\n{{ range.x }} {{ company.x.y }}\n");
        let message = problem();
        assert!(
            message.starts_with(&format!("{path}: line 3: ")),
            "{message}"
        );
        assert!(!message.contains("no value named"), "{message}");
        write("Subject: Hi\n\n{% if company %}\nno end\n");
        let message = problem();
        assert!(
            message.starts_with(&format!("{path}: line 4: syntax error")),
            "{message}"
        );
        std::fs::write(dir.path().join("fallback.txt"), b"Subject: \xff\n").unwrap();
        let message = problem();
        assert!(message.starts_with(&format!("{path}: ")), "{message}");
    }

    #[test]
    fn every_value_is_named_in_values() {
        let lead = lead(Some(Action::Plt));
        let given = values(&lead, Purpose::FirstTouch, None);
        let mut names: Vec<String> = given
            .try_iter()
            .unwrap()
            .map(|key| key.to_string())
            .collect();
        names.sort();
        let mut expected = VALUES.map(String::from).to_vec();
        expected.sort();
        assert_eq!(names, expected);
    }

    #[test]
    fn values_come_as_tidy_single_lines() {
        let lead = Lead {
            company: Some("Evil\nCorp\u{1b}[2J".into()),
            offer_name: Some("  Contoso\tAnalytics ".into()),
            ..lead(Some(Action::Create))
        };
        let draft = draft(&lead, Purpose::FirstTouch);
        assert_eq!(draft.subject, "Welcome to Contoso Analytics");
        assert!(draft.body.contains("for Evil Corp [2J."), "{}", draft.body);
    }

    #[test]
    fn a_mailto_url_encodes_every_reserved_byte() {
        let draft = Draft {
            to: "ada+leads@analytical.example".into(),
            subject: "Q&A: 100% ready?".into(),
            body: "Hi Ada,\n\nTom & Jerry = #1\nMüller\n".into(),
        };
        assert_eq!(
            draft.mailto_url(),
            "mailto:ada%2Bleads@analytical.example\
             ?subject=Q%26A%3A%20100%25%20ready%3F\
             &body=Hi%20Ada%2C%0D%0A%0D%0ATom%20%26%20Jerry%20%3D%20%231%0D%0AM%C3%BCller%0D%0A"
        );
        assert_eq!(
            draft.text(),
            "To: ada+leads@analytical.example\nSubject: Q&A: 100% ready?\n\n\
             Hi Ada,\n\nTom & Jerry = #1\nMüller\n"
        );
    }

    #[test]
    fn tidy_leaves_one_blank_line_between_paragraphs() {
        assert_eq!(
            tidy("\n\nHi,  \n\n\n\nText\nmore\n\n"),
            "Hi,\n\nText\nmore\n"
        );
        assert_eq!(tidy(""), "");
    }
}
