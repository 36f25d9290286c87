//! Parsing of the `LeadSource` field: `Source-Action|Offer`.
//!
//! Seen in the wild: spaces around `|`, `AppSource (SPZA)` (a space and parentheses in the
//! source), bare `SPZA`, a display name instead of `publisher.offer` after `|`, a bare source
//! with the action in a separate field, and free text. Parsing never fails: what cannot be
//! read stays in the raw value.

use super::Action;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedLeadSource {
    pub source: Option<String>,
    pub action: Option<Action>,
    /// `publisher.offer` when the part after `|` is an offer id.
    pub offer_id: Option<String>,
    /// The part after `|` when it is a display name.
    pub offer_name: Option<String>,
}

/// Source spellings, longest first so that `AppSource (SPZA)` wins over `AppSource`.
const SOURCE_SPELLINGS: [(&str, &str); 8] = [
    ("appsource (spza)", "AppSource"),
    ("azure marketplace", "AzureMarketplace"),
    ("azuremarketplace", "AzureMarketplace"),
    ("azure portal", "AzurePortal"),
    ("azureportal", "AzurePortal"),
    ("appsource", "AppSource"),
    ("testdrive", "TestDrive"),
    ("spza", "AppSource"),
];

/// Maps any known spelling of a source to its normal name.
pub fn normalize_source(raw: &str) -> Option<&'static str> {
    let key = raw.trim().to_ascii_lowercase();
    let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
    SOURCE_SPELLINGS
        .iter()
        .find(|(spelling, _)| *spelling == key || eq_without_spaces(spelling, &key))
        .map(|(_, name)| *name)
        .or(match key.as_str() {
            "test drive" => Some("TestDrive"),
            _ => None,
        })
}

/// `spelling` with its spaces left out equals `key` (without allocating: imports call this
/// for every record).
fn eq_without_spaces(spelling: &str, key: &str) -> bool {
    spelling.chars().filter(|c| *c != ' ').eq(key.chars())
}

/// `publisher.offer`: one token, a dot inside, no spaces.
pub fn is_offer_id(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('.') {
        Some((publisher, offer)) => {
            !publisher.is_empty()
                && !offer.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        }
        None => false,
    }
}

pub fn parse(raw: &str) -> ParsedLeadSource {
    let raw = raw.trim();
    let (head, offer) = match raw.split_once('|') {
        Some((head, offer)) => (head.trim(), Some(offer.trim())),
        None => (raw, None),
    };
    let mut parsed = ParsedLeadSource::default();
    if let Some(offer) = offer.filter(|o| !o.is_empty()) {
        if is_offer_id(offer) {
            parsed.offer_id = Some(offer.to_string());
        } else {
            parsed.offer_name = Some(offer.to_string());
        }
    }
    let (source, action) = split_source_action(head);
    parsed.source = source;
    parsed.action = action.and_then(Action::parse);
    parsed
}

fn split_source_action(head: &str) -> (Option<String>, Option<&str>) {
    if head.is_empty() {
        return (None, None);
    }
    if let Some(name) = normalize_source(head) {
        return (Some(name.to_string()), None);
    }
    let lower = head.to_ascii_lowercase();
    for (spelling, name) in SOURCE_SPELLINGS {
        // `get` keeps us on a char boundary whatever the input.
        let Some(prefix) = lower.get(..spelling.len()) else {
            continue;
        };
        if prefix != spelling {
            continue;
        }
        let rest = head[spelling.len()..].trim_start();
        if let Some(action) = rest.strip_prefix('-') {
            let action = action.trim();
            return (
                Some(name.to_string()),
                (!action.is_empty()).then_some(action),
            );
        }
    }
    // An unknown source in the documented shape keeps its words; free text yields nothing.
    match head.split_once('-') {
        Some((source, action)) if is_token(source) && is_token(action) => {
            (Some(source.trim().to_string()), Some(action.trim()))
        }
        _ => (None, None),
    }
}

fn is_token(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(
        raw: &str,
    ) -> (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) {
        let r = parse(raw);
        (
            r.source,
            r.action.map(|a| a.as_str().to_string()),
            r.offer_id,
            r.offer_name,
        )
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn documented_form() {
        assert_eq!(
            p("AzureMarketplace-INS|checkpoint.check-point-r77-10sg-byol"),
            (
                s("AzureMarketplace"),
                s("INS"),
                s("checkpoint.check-point-r77-10sg-byol"),
                None
            )
        );
        assert_eq!(
            p("AzurePortal-Create|docusign.3701c77e-1cfa-4c56-91e6-3ed0b622145a"),
            (
                s("AzurePortal"),
                s("Create"),
                s("docusign.3701c77e-1cfa-4c56-91e6-3ed0b622145a"),
                None
            )
        );
    }

    #[test]
    fn spaces_around_the_bar() {
        assert_eq!(
            p("AzureMarketplace-INS | bitnami.openedxcypress"),
            (
                s("AzureMarketplace"),
                s("INS"),
                s("bitnami.openedxcypress"),
                None
            )
        );
    }

    #[test]
    fn appsource_spellings() {
        assert_eq!(
            p("AppSource (SPZA)-PLT|contoso.crm-connector").0,
            s("AppSource")
        );
        assert_eq!(p("AppSource (SPZA)-PLT|contoso.crm-connector").1, s("PLT"));
        assert_eq!(p("SPZA-PLT|contoso.analytics-saas").0, s("AppSource"));
        assert_eq!(p("spza-dnc|contoso.analytics-saas").1, s("DNC"));
        assert_eq!(p("Appsource").0, s("AppSource"));
    }

    #[test]
    fn display_name_after_the_bar() {
        assert_eq!(
            p("AzureMarketplace-StartTestDrive|Red Hat OpenShift Container Platform"),
            (
                s("AzureMarketplace"),
                s("StartTestDrive"),
                None,
                s("Red Hat OpenShift Container Platform")
            )
        );
        assert_eq!(
            p("TestDrive-StartTestDrive|Red Hat OpenShift").0,
            s("TestDrive")
        );
    }

    #[test]
    fn bare_source_and_partner_center_names() {
        assert_eq!(
            p("AzureMarketplace"),
            (s("AzureMarketplace"), None, None, None)
        );
        assert_eq!(p("Azure Marketplace").0, s("AzureMarketplace"));
        assert_eq!(p("Azure portal").0, s("AzurePortal"));
    }

    #[test]
    fn action_case_is_normalized_and_unknown_kept() {
        assert_eq!(p("AzureMarketplace-ins|a.b").1, s("INS"));
        assert_eq!(p("AzurePortal-CREATE|a.b").1, s("Create"));
        assert_eq!(p("AppSource (SPZA)-XSELL|a.b").1, s("XSELL"));
    }

    #[test]
    fn garbage_yields_nothing_but_never_fails() {
        assert_eq!(p("Test run through MS Flow"), (None, None, None, None));
        assert_eq!(p(""), (None, None, None, None));
        assert_eq!(p("|"), (None, None, None, None));
        assert_eq!(p("-|-").0, None);
    }

    fn source_spelling() -> impl Strategy<Value = (&'static str, &'static str)> {
        prop::sample::select(vec![
            ("AzureMarketplace", "AzureMarketplace"),
            ("AzurePortal", "AzurePortal"),
            ("AppSource (SPZA)", "AppSource"),
            ("AppSource", "AppSource"),
            ("SPZA", "AppSource"),
            ("TestDrive", "TestDrive"),
        ])
    }

    proptest! {
        #[test]
        fn never_panics(raw in ".*") {
            let _ = parse(&raw);
        }

        #[test]
        fn round_trips_well_formed_values(
            (spelling, normal) in source_spelling(),
            action in prop::sample::select(vec!["INS", "PLT", "DNC", "Create", "StartTestDrive"]),
            publisher in "[a-z][a-z0-9-]{0,15}",
            offer in "[a-z0-9][a-z0-9._-]{0,30}",
            space_before in prop::bool::ANY,
            space_after in prop::bool::ANY,
        ) {
            let raw = format!(
                "{spelling}-{action}{}|{}{publisher}.{offer}",
                if space_before { " " } else { "" },
                if space_after { " " } else { "" },
            );
            let parsed = parse(&raw);
            prop_assert_eq!(parsed.source.as_deref(), Some(normal));
            prop_assert_eq!(parsed.action.map(|a| a.as_str().to_string()), Some(action.to_string()));
            prop_assert_eq!(parsed.offer_id, Some(format!("{publisher}.{offer}")));
            prop_assert_eq!(parsed.offer_name, None);
        }

        #[test]
        fn display_names_are_kept_verbatim(
            (spelling, normal) in source_spelling(),
            name in "[A-Za-z][A-Za-z0-9 ()]{0,30}[A-Za-z0-9)]",
        ) {
            prop_assume!(name.contains(' '));
            let parsed = parse(&format!("{spelling}-StartTestDrive|{name}"));
            prop_assert_eq!(parsed.source.as_deref(), Some(normal));
            prop_assert_eq!(parsed.offer_name, Some(name.trim().to_string()));
        }
    }
}
