//! The fields that lead exports carry, whatever the export calls them, and how a record's
//! fields become a [`NewLead`].

use crate::domain::lead_source;
use crate::domain::time::{read_time, TimeProblem};
use crate::domain::{Action, NewLead};
use std::cell::RefCell;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    FirstName,
    LastName,
    FullName,
    Email,
    Phone,
    Country,
    Company,
    Title,
    Description,
    LeadSource,
    ActionCode,
    CallToAction,
    OfferName,
    OfferId,
    /// A time column; lower ranks win when a record has several.
    Time(usize),
    PartitionKey,
    RowKey,
    ReferralId,
    LeadId,
    /// A JSON string (or object) holding the customer fields.
    CustomerInfo,
}

/// Time columns in order of preference: the flow's own receipt time, then creation times,
/// then the storage timestamp.
const TIME_NAMES: [&str; 7] = [
    "receivedat",
    "createdat",
    "createdtime",
    "creationdate",
    "createddate",
    "createdon",
    "timestamp",
];

/// Lower case without spaces, `_`, `-` or a BOM: `First Name`, `first_name` and
/// `FirstName` are one header.
pub fn normalize_key(key: &str) -> String {
    key.trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

pub fn field_for(key: &str) -> Option<Field> {
    let key = normalize_key(key);
    // Storage Explorer's type annotations (`LeadSource@type`) describe, they hold no data.
    if key.ends_with("@type") {
        return None;
    }
    if let Some(rank) = TIME_NAMES.iter().position(|t| *t == key) {
        return Some(Field::Time(rank));
    }
    Some(match key.as_str() {
        "firstname" | "givenname" => Field::FirstName,
        "lastname" | "surname" | "familyname" => Field::LastName,
        "fullname" | "name" | "customername" | "contactname" => Field::FullName,
        "email" | "emailaddress" | "emailaddress1" | "mail" | "customeremail" => Field::Email,
        "phone" | "phonenumber" | "telephone" | "telephone1" | "mobilephone" | "customerphone" => {
            Field::Phone
        }
        "country" | "customercountry" | "address1country" | "countryregion" => Field::Country,
        "company" | "companyname" | "organization" | "organisation" | "account" | "accountname" => {
            Field::Company
        }
        "title" | "jobtitle" => Field::Title,
        "description" | "notes" | "comments" => Field::Description,
        "leadsource" => Field::LeadSource,
        "actioncode" | "action" => Field::ActionCode,
        "calltoaction" => Field::CallToAction,
        "offertitle" | "offerdisplayname" | "offername" => Field::OfferName,
        "productid" | "offerid" => Field::OfferId,
        "partitionkey" => Field::PartitionKey,
        "rowkey" => Field::RowKey,
        "referralid" => Field::ReferralId,
        "leadid" => Field::LeadId,
        "customerinfo" | "userdetails" => Field::CustomerInfo,
        _ => return None,
    })
}

/// Fields that make a table a lead export: one of them must be among the headers.
pub fn is_lead_field(field: Field) -> bool {
    !matches!(field, Field::Time(_) | Field::PartitionKey | Field::RowKey)
}

/// A record's values by field, as read, before interpretation.
#[derive(Debug, Default)]
pub struct RawLead {
    first_name: Option<String>,
    last_name: Option<String>,
    full_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    country: Option<String>,
    company: Option<String>,
    title: Option<String>,
    description: Option<String>,
    lead_source: Option<String>,
    action_code: Option<String>,
    call_to_action: Option<String>,
    offer_name: Option<String>,
    offer_id: Option<String>,
    times: [Option<(String, String)>; TIME_NAMES.len()],
    partition_key: Option<String>,
    row_key: Option<String>,
    referral_id: Option<String>,
    lead_id: Option<String>,
}

/// Blank and whitespace-only values carry nothing.
fn clean(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_string())
}

impl RawLead {
    /// Sets a field; `column` names it in error messages. The first non-empty value wins.
    pub fn set(&mut self, field: Field, column: &str, value: &str) {
        let Some(value) = clean(value) else { return };
        let slot = match field {
            Field::FirstName => &mut self.first_name,
            Field::LastName => &mut self.last_name,
            Field::FullName => &mut self.full_name,
            Field::Email => &mut self.email,
            Field::Phone => &mut self.phone,
            Field::Country => &mut self.country,
            Field::Company => &mut self.company,
            Field::Title => &mut self.title,
            Field::Description => &mut self.description,
            Field::LeadSource => &mut self.lead_source,
            Field::ActionCode => &mut self.action_code,
            Field::CallToAction => &mut self.call_to_action,
            Field::OfferName => &mut self.offer_name,
            Field::OfferId => &mut self.offer_id,
            Field::PartitionKey => &mut self.partition_key,
            Field::RowKey => &mut self.row_key,
            Field::ReferralId => &mut self.referral_id,
            Field::LeadId => &mut self.lead_id,
            Field::Time(rank) => {
                self.times[rank].get_or_insert((column.to_string(), value));
                return;
            }
            Field::CustomerInfo => return,
        };
        slot.get_or_insert(value);
    }

    /// Interprets the record. Fails only on a value that is present but unreadable.
    pub fn into_lead(self) -> Result<NewLead, String> {
        let received_at = match self.times.iter().flatten().next() {
            Some((column, raw)) => Some(read_time(raw).map_err(|problem| match problem {
                TimeProblem::Unreadable => format!(
                    "{column}: {} (expected RFC 3339, YYYY-MM-DD HH:MM:SS or M/D/YYYY h:mm:ss AM/PM)",
                    problem.describe(raw)
                ),
                TimeProblem::OutOfRange(_) => format!("{column}: {}", problem.describe(raw)),
            })?),
            None => None,
        };
        let parsed = self
            .lead_source
            .as_deref()
            .map(parse_lead_source)
            .unwrap_or_default();
        // Partner Center's `Lead Source` is a bare source name the parser already knows.
        let source = parsed.source.clone();
        let action = self
            .action_code
            .as_deref()
            .and_then(Action::parse)
            .or(parsed.action)
            .or_else(|| {
                self.call_to_action
                    .as_deref()
                    .and_then(|cta| action_for_call_to_action(cta, source.as_deref()))
            });
        let offer_id = parsed.offer_id.or(self.offer_id);
        let offer_name = self.offer_name.or(parsed.offer_name);
        let offer = offer_id.or_else(|| offer_name.clone());
        let external_key = match (&self.partition_key, &self.row_key) {
            (Some(pk), Some(rk)) => Some(format!("azure-table:{pk}/{rk}")),
            _ => self
                .referral_id
                .map(|id| format!("partner-center:{id}"))
                .or(self.lead_id.map(|id| format!("dynamics:{id}"))),
        };
        Ok(NewLead {
            received_at,
            source,
            action,
            offer,
            offer_name,
            lead_source: self.lead_source,
            first_name: self.first_name,
            last_name: self.last_name,
            full_name: self.full_name,
            email: self.email,
            phone: self.phone,
            country: self.country,
            company: self.company,
            title: self.title,
            description: self.description,
            external_key,
        })
    }
}

/// [`lead_source::parse`], remembered per thread: a file's leads come from a few offers, so a
/// handful of LeadSource values repeat lead after lead.
fn parse_lead_source(raw: &str) -> lead_source::ParsedLeadSource {
    /// Values remembered at most (a file with more distinct ones starts over).
    const REMEMBERED: usize = 1024;
    thread_local! {
        static PARSED: RefCell<foldhash::HashMap<String, lead_source::ParsedLeadSource>> =
            RefCell::default();
    }
    PARSED.with(|parsed| {
        let mut parsed = parsed.borrow_mut();
        if let Some(known) = parsed.get(raw) {
            return known.clone();
        }
        if parsed.len() >= REMEMBERED {
            parsed.clear();
        }
        let new = lead_source::parse(raw);
        parsed.insert(raw.to_string(), new.clone());
        new
    })
}

/// Partner Center names the button instead of the action code.
fn action_for_call_to_action(cta: &str, source: Option<&str>) -> Option<Action> {
    let key = normalize_key(cta);
    Some(match key.as_str() {
        "contactme" => Action::Plt,
        "getitnow" if source == Some("AzurePortal") => Action::Create,
        "getitnow" | "freetrial" => Action::Ins,
        "testdrive" => Action::StartTestDrive,
        "create" | "subscribe" => Action::Create,
        _ => return Action::parse(cta),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_spellings_meet() {
        for h in [
            "First Name",
            "first_name",
            "FirstName",
            "firstname",
            "\u{feff}First-Name",
        ] {
            assert_eq!(field_for(h), Some(Field::FirstName), "{h}");
        }
        assert_eq!(field_for("emailaddress1"), Some(Field::Email));
        assert_eq!(field_for("LeadSource@type"), None);
        assert_eq!(field_for("CreatedTime"), Some(Field::Time(2)));
        assert_eq!(field_for("invoice_no"), None);
    }

    #[test]
    fn action_code_wins_over_lead_source() {
        let mut raw = RawLead::default();
        raw.set(Field::LeadSource, "LeadSource", "AzureMarketplace-PLT|a.b");
        raw.set(Field::ActionCode, "ActionCode", "ins");
        assert_eq!(raw.into_lead().unwrap().action, Some(Action::Ins));
    }

    #[test]
    fn call_to_action_maps_by_source() {
        let lead = |src: &str, cta: &str| {
            let mut raw = RawLead::default();
            raw.set(Field::LeadSource, "Lead Source", src);
            raw.set(Field::CallToAction, "Call to action", cta);
            raw.into_lead().unwrap()
        };
        assert_eq!(
            lead("Azure portal", "Get it now").action,
            Some(Action::Create)
        );
        assert_eq!(
            lead("Azure Marketplace", "Get it now").action,
            Some(Action::Ins)
        );
        assert_eq!(lead("Appsource", "Contact me").action, Some(Action::Plt));
        assert_eq!(
            lead("Appsource", "Test drive").action,
            Some(Action::StartTestDrive)
        );
        assert_eq!(
            lead("Appsource", "Contact me").source.as_deref(),
            Some("AppSource")
        );
    }

    #[test]
    fn offer_id_from_any_field_display_name_kept() {
        let mut raw = RawLead::default();
        raw.set(
            Field::LeadSource,
            "LeadSource",
            "AzureMarketplace-StartTestDrive|Contoso Secure Gateway",
        );
        raw.set(Field::OfferId, "ProductId", "contoso.secure-gateway-td");
        let lead = raw.into_lead().unwrap();
        assert_eq!(lead.offer.as_deref(), Some("contoso.secure-gateway-td"));
        assert_eq!(lead.offer_name.as_deref(), Some("Contoso Secure Gateway"));
    }

    #[test]
    fn unreadable_time_names_the_column() {
        let mut raw = RawLead::default();
        raw.set(Field::Time(2), "CreatedTime", "last tuesday");
        let err = raw.into_lead().unwrap_err();
        assert!(
            err.starts_with("CreatedTime: cannot read the time 'last tuesday' (expected"),
            "{err}"
        );
        let mut raw = RawLead::default();
        raw.set(Field::Time(0), "receivedAt", "1800-01-01T00:00:00Z");
        let err = raw.into_lead().unwrap_err();
        assert_eq!(
            err,
            "receivedAt: the time '1800-01-01T00:00:00Z' is in the year 1800, outside 1900-2200"
        );
    }

    /// A remembered LeadSource reads as a fresh parse, also once the memory starts over.
    #[test]
    fn remembered_lead_sources_parse_as_fresh_ones() {
        let samples = [
            "AzureMarketplace-INS|checkpoint.check-point-r77-10sg-byol",
            "AppSource (SPZA) - PLT | Contoso CRM",
            "SPZA",
            "",
        ];
        for round in 0..3 {
            for raw in samples {
                assert_eq!(parse_lead_source(raw), lead_source::parse(raw), "{raw:?}");
            }
            // More distinct values than are remembered, between rounds.
            for i in 0..1100 {
                let raw = format!("TestDrive-StartTestDrive|p.offer-{round}-{i}");
                assert_eq!(parse_lead_source(&raw), lead_source::parse(&raw));
            }
        }
    }
}
