//! The lead model.

use chrono::{DateTime, Duration, Utc};
use std::fmt;
use std::str::FromStr;

use super::names;
use super::sla::{self, SlaState};
use super::time::format_time;

/// Sources after normalization.
pub const KNOWN_SOURCES: [&str; 4] = ["AzureMarketplace", "AzurePortal", "AppSource", "TestDrive"];

/// What the customer pressed. Unknown codes are kept verbatim: no official list exists.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Ins,
    Plt,
    Dnc,
    Create,
    StartTestDrive,
    Other(String),
}

impl Action {
    pub const KNOWN: [Action; 5] = [
        Action::Ins,
        Action::Plt,
        Action::Dnc,
        Action::Create,
        Action::StartTestDrive,
    ];

    /// Normalizes a code whatever its letter case; `None` for a blank one.
    pub fn parse(code: &str) -> Option<Action> {
        let code = code.trim();
        if code.is_empty() {
            return None;
        }
        Some(match code.to_ascii_lowercase().as_str() {
            "ins" => Action::Ins,
            "plt" => Action::Plt,
            "dnc" => Action::Dnc,
            "create" => Action::Create,
            "starttestdrive" => Action::StartTestDrive,
            _ => Action::Other(code.to_string()),
        })
    }

    pub fn as_str(&self) -> &str {
        match self {
            Action::Ins => "INS",
            Action::Plt => "PLT",
            Action::Dnc => "DNC",
            Action::Create => "Create",
            Action::StartTestDrive => "StartTestDrive",
            Action::Other(code) => code,
        }
    }

    pub fn is_known(&self) -> bool {
        !matches!(self, Action::Other(_))
    }

    /// What the customer did, in the words of the marketplace buttons.
    pub fn describe(&self) -> &str {
        match self {
            Action::Ins => "Get it now",
            Action::Plt => "Contact me",
            Action::Dnc => "Do not contact",
            Action::Create => "Create (Azure portal)",
            Action::StartTestDrive => "Test Drive",
            Action::Other(_) => "unknown action",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a lead stands in the pipeline.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::Display,
)]
#[strum(serialize_all = "lowercase")]
pub enum Status {
    New,
    Contacted,
    Qualified,
    Won,
    Lost,
}

impl Status {
    pub const ALL: &'static [Status] = <Status as strum::VariantArray>::VARIANTS;

    /// Won or lost: the lead's SLA clock has stopped.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Won | Status::Lost)
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        names::parse("status", s)
    }
}

/// A logged contact attempt. Only customer touches count for the SLA.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::Display,
)]
#[strum(serialize_all = "lowercase")]
pub enum TouchKind {
    Email,
    Call,
    Meeting,
    Note,
}

impl TouchKind {
    pub const ALL: &'static [TouchKind] = <TouchKind as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// A note is internal: it never reaches the customer, so it is no follow-up.
    pub fn reaches_customer(self) -> bool {
        !matches!(self, TouchKind::Note)
    }

    /// [`TouchKind::reaches_customer`] as a SQL condition on the kind column `column`.
    pub fn reaches_customer_sql(column: &str) -> String {
        let kinds: Vec<String> = TouchKind::ALL
            .iter()
            .filter(|k| k.reaches_customer())
            .map(|k| format!("'{}'", k.as_str()))
            .collect();
        format!("{column} IN ({})", kinds.join(", "))
    }
}

impl FromStr for TouchKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        names::parse("touch kind", s)
    }
}

/// A lead as an importer produces it, before it has an id or a contact.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewLead {
    /// The record's own time, when it has one.
    pub received_at: Option<DateTime<Utc>>,
    pub source: Option<String>,
    pub action: Option<Action>,
    pub offer: Option<String>,
    pub offer_name: Option<String>,
    pub lead_source: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Set only when the export has a single name field.
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub country: Option<String>,
    pub company: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// The export's own key (Azure Table keys, Partner Center Referral ID, Dynamics leadid).
    pub external_key: Option<String>,
}

/// A lead field a search looks in: its name as stored, and where a new lead keeps it.
pub type SearchField = (&'static str, fn(&NewLead) -> &Option<String>);

/// The fields a search looks in: the one list the search index, the store's row-by-row check
/// and [`NewLead::search_fields`] follow.
pub const SEARCH_FIELDS: [SearchField; 9] = [
    ("first_name", |l| &l.first_name),
    ("last_name", |l| &l.last_name),
    ("full_name", |l| &l.full_name),
    ("email", |l| &l.email),
    ("phone", |l| &l.phone),
    ("company", |l| &l.company),
    ("offer", |l| &l.offer),
    ("offer_name", |l| &l.offer_name),
    ("description", |l| &l.description),
];

impl NewLead {
    /// The values of [`SEARCH_FIELDS`], in its order (a missing one as ""; each keeps its
    /// position).
    pub fn search_fields(&self) -> impl Iterator<Item = &str> {
        SEARCH_FIELDS
            .iter()
            .map(|(_, field)| field(self).as_deref().unwrap_or_default())
    }

    pub fn name(&self) -> Option<String> {
        display_name(
            self.first_name.as_deref(),
            self.last_name.as_deref(),
            self.full_name.as_deref(),
        )
    }

    /// Someone can be reached: an email, a phone or a name ([`sla::is_reachable`]).
    pub fn is_reachable(&self) -> bool {
        reachable(
            [&self.email, &self.phone],
            [&self.first_name, &self.last_name, &self.full_name],
        )
    }

    pub fn is_test(&self) -> bool {
        [
            &self.first_name,
            &self.last_name,
            &self.full_name,
            &self.email,
            &self.company,
        ]
        .into_iter()
        .flatten()
        .any(|v| super::is_test_text(v))
    }

    /// True when the record carries nothing a rep could use.
    pub fn is_blank(&self) -> bool {
        [
            &self.lead_source,
            &self.offer,
            &self.first_name,
            &self.last_name,
            &self.full_name,
            &self.email,
            &self.phone,
            &self.country,
            &self.company,
            &self.title,
            &self.description,
        ]
        .iter()
        .all(|v| v.is_none())
            && self.action.is_none()
    }
}

/// "First Last", or the full name, or nothing.
pub fn display_name(first: Option<&str>, last: Option<&str>, full: Option<&str>) -> Option<String> {
    let mut joined = String::new();
    for (i, part) in [first, last].into_iter().flatten().enumerate() {
        if i > 0 {
            joined.push(' ');
        }
        joined.push_str(part);
    }
    match joined.is_empty() {
        true => full.map(str::to_string),
        false => Some(joined),
    }
}

/// [`sla::is_reachable`] of a lead's email and phone, and its name's parts.
fn reachable(contacts: [&Option<String>; 2], names: [&Option<String>; 3]) -> bool {
    let name = names.iter().find_map(|part| part.as_deref());
    sla::is_reachable(contacts[0].as_deref(), contacts[1].as_deref(), name)
}

/// A stored lead with its workflow fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    pub id: i64,
    pub contact_id: i64,
    pub received_at: DateTime<Utc>,
    pub source: Option<String>,
    pub action: Option<Action>,
    pub offer: Option<String>,
    pub offer_name: Option<String>,
    pub lead_source: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub country: Option<String>,
    pub company: Option<String>,
    pub title: Option<String>,
    /// The customer's notes. A read for the inbox leaves out notes longer than a page can
    /// show (see `Store::notes_start`): `notes_len` still says how long they are.
    pub description: Option<String>,
    /// The length of the customer's notes in the store, in bytes.
    pub notes_len: usize,
    pub is_test: bool,
    pub status: Status,
    pub owner: Option<String>,
    /// Customer touches logged on this lead itself.
    pub touches: u32,
    pub last_touch_at: Option<DateTime<Utc>>,
    /// The first customer touch on any lead of the contact at or after this lead arrived.
    pub first_touch_at: Option<DateTime<Utc>>,
    /// `None` for a DNC or test lead, which owes no follow-up.
    pub sla_due_at: Option<DateTime<Utc>>,
    /// When it was set to won or lost; `None` while it is open.
    pub closed_at: Option<DateTime<Utc>>,
}

impl Lead {
    pub fn name(&self) -> Option<String> {
        display_name(
            self.first_name.as_deref(),
            self.last_name.as_deref(),
            self.full_name.as_deref(),
        )
    }

    pub fn is_contactable(&self) -> bool {
        sla::is_contactable(self.action.as_ref(), self.is_test, self.is_reachable())
    }

    /// Someone can be reached: an email, a phone or a name ([`sla::is_reachable`]).
    pub fn is_reachable(&self) -> bool {
        reachable(
            [&self.email, &self.phone],
            [&self.first_name, &self.last_name, &self.full_name],
        )
    }

    pub fn sla_state(&self, now: DateTime<Utc>) -> SlaState {
        sla::state(self.sla_due_at, self.first_touch_at, self.closed_at, now)
    }

    /// The customer asked not to be contacted.
    pub fn is_dnc(&self) -> bool {
        self.action == Some(Action::Dnc)
    }

    /// Whether a touch of `kind` at `at` may be logged on this lead now: never an email,
    /// call or meeting on a DNC lead (a note is internal, so it is allowed), never later
    /// than a minute after now (clock skew), never before the lead arrived.
    pub fn check_touch(
        &self,
        kind: TouchKind,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), TouchRefused> {
        if self.is_dnc() && kind.reaches_customer() {
            return Err(TouchRefused::DoNotContact {
                lead: self.id,
                kind,
            });
        }
        if at > now + TOUCH_CLOCK_SKEW {
            return Err(TouchRefused::InTheFuture { at, now });
        }
        if at < self.received_at {
            return Err(TouchRefused::BeforeArrival {
                lead: self.id,
                at,
                received_at: self.received_at,
            });
        }
        Ok(())
    }
}

/// How far ahead of now a touch may be logged: clocks of two machines differ a little.
pub const TOUCH_CLOCK_SKEW: Duration = Duration::seconds(60);

/// Why a touch cannot be logged on a lead ([`Lead::check_touch`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TouchRefused {
    #[error(
        "cannot log the {kind}: lead {lead} is DNC (the customer asked not to be contacted); \
         only a note can be logged on it"
    )]
    DoNotContact { lead: i64, kind: TouchKind },
    #[error(
        "cannot log a touch at {}: that is in the future (now is {})",
        format_time(*at),
        format_time(*now)
    )]
    InTheFuture {
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    #[error(
        "cannot log a touch at {}: lead {lead} arrived later, at {}",
        format_time(*at),
        format_time(*received_at)
    )]
    BeforeArrival {
        lead: i64,
        at: DateTime<Utc>,
        received_at: DateTime<Utc>,
    },
}

/// A lead with only its ids and arrival: new, untouched, every other field empty (the
/// tests' starting point).
#[cfg(test)]
pub(crate) fn bare_lead(id: i64, received_at: DateTime<Utc>) -> Lead {
    Lead {
        id,
        contact_id: 1,
        received_at,
        source: None,
        action: None,
        offer: None,
        offer_name: None,
        lead_source: None,
        first_name: None,
        last_name: None,
        full_name: None,
        email: None,
        phone: None,
        country: None,
        company: None,
        title: None,
        description: None,
        notes_len: 0,
        is_test: false,
        status: Status::New,
        owner: None,
        touches: 0,
        last_touch_at: None,
        first_touch_at: None,
        sla_due_at: None,
        closed_at: None,
    }
}

/// One entry of a lead's touch log.
#[derive(Debug, Clone, PartialEq)]
pub struct Touch {
    pub id: i64,
    pub lead_id: i64,
    pub kind: TouchKind,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn lead(action: Option<Action>) -> Lead {
        Lead {
            action,
            ..bare_lead(7, Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap())
        }
    }

    #[test]
    fn a_dnc_lead_takes_notes_only() {
        let dnc = lead(Some(Action::Dnc));
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        for kind in [TouchKind::Email, TouchKind::Call, TouchKind::Meeting] {
            assert_eq!(
                dnc.check_touch(kind, now, now),
                Err(TouchRefused::DoNotContact { lead: 7, kind })
            );
        }
        assert_eq!(dnc.check_touch(TouchKind::Note, now, now), Ok(()));
        let plt = lead(Some(Action::Plt));
        assert_eq!(plt.check_touch(TouchKind::Email, now, now), Ok(()));
        assert_eq!(
            dnc.check_touch(TouchKind::Call, now, now)
                .unwrap_err()
                .to_string(),
            "cannot log the call: lead 7 is DNC (the customer asked not to be contacted); \
             only a note can be logged on it"
        );
    }

    #[test]
    fn a_touch_lies_between_the_arrival_and_a_minute_from_now() {
        let l = lead(None);
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 18, 0, 0).unwrap();
        let ok = |at| l.check_touch(TouchKind::Email, at, now);
        assert_eq!(ok(now + Duration::seconds(60)), Ok(()));
        assert_eq!(ok(l.received_at), Ok(()));
        assert_eq!(
            ok(now + Duration::seconds(61)).unwrap_err().to_string(),
            "cannot log a touch at 2026-11-21T18:01:01Z: that is in the future \
             (now is 2026-11-21T18:00:00Z)"
        );
        assert_eq!(
            ok(l.received_at - Duration::seconds(1))
                .unwrap_err()
                .to_string(),
            "cannot log a touch at 2026-11-20T07:59:59Z: lead 7 arrived later, \
             at 2026-11-20T08:00:00Z"
        );
        // A note is held to the same times.
        assert!(l
            .check_touch(TouchKind::Note, now + Duration::hours(1), now)
            .is_err());
    }
}
