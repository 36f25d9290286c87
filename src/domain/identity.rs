//! Who a lead is: test-lead detection, the contact identity that groups one customer's
//! leads, and the fingerprint that makes re-imports harmless.

use sha2::{Digest, Sha256};

use super::NewLead;

/// Microsoft's connection-test leads carry `MSFT_TEST_<digits>` in every text field.
pub fn is_test_text(value: &str) -> bool {
    value
        .as_bytes()
        .windows(10)
        .any(|w| w.eq_ignore_ascii_case(b"MSFT_TEST_"))
}

fn fold(value: &str) -> String {
    value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The key shared by every lead of one customer: the email (trimmed, any case), else the
/// full name with the company. `None` when personal data was withheld: such a lead is a
/// contact of its own.
pub fn contact_identity(lead: &NewLead) -> Option<String> {
    if let Some(email) = lead
        .email
        .as_deref()
        .map(fold_email)
        .filter(|e| !e.is_empty())
    {
        return Some(format!("email:{email}"));
    }
    let name = lead.name().map(|n| fold(&n)).filter(|n| !n.is_empty())?;
    let company = lead.company.as_deref().map(fold).unwrap_or_default();
    Some(format!("name:{name}|{company}"))
}

/// An email as leads of one customer share it: trimmed, in lower case.
pub fn fold_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The contact identity of the customer with this email, as [`contact_identity`] gives it
/// for a lead that has the email; `None` for a blank one.
pub fn email_identity(email: &str) -> Option<String> {
    let email = fold_email(email);
    (!email.is_empty()).then(|| format!("email:{email}"))
}

/// 64 bits of the SHA-256 of a contact identity: stable across versions, unlike `Hash`.
pub fn identity_hash(identity: &str) -> i64 {
    let digest = Sha256::digest(identity.as_bytes());
    i64::from_le_bytes(
        digest[..8]
            .try_into()
            .expect("a SHA-256 digest has 32 bytes"),
    )
}

/// What the store files a lead under, worked out once, wherever the lead was parsed (an
/// import computes it on the parser's thread, beside the store's).
#[derive(Debug, Clone, PartialEq)]
pub struct LeadKeys {
    pub record_hash: i64,
    /// The contact identity and its hash; `None` when personal data was withheld.
    pub contact: Option<(String, i64)>,
    pub is_test: bool,
}

impl LeadKeys {
    pub fn of(lead: &NewLead) -> LeadKeys {
        LeadKeys {
            record_hash: record_hash(lead),
            contact: contact_identity(lead).map(|identity| {
                let hash = identity_hash(&identity);
                (identity, hash)
            }),
            is_test: lead.is_test(),
        }
    }
}

/// The record's identity across imports: the export's own key when it has one, else a
/// fingerprint of the content. 64 bits of SHA-256: collisions are out of reach at any
/// realistic volume.
pub fn record_hash(lead: &NewLead) -> i64 {
    let digest = match &lead.external_key {
        Some(key) => Sha256::new()
            .chain_update(b"key\x1f")
            .chain_update(key.as_bytes())
            .finalize(),
        None => fingerprint_digest(lead),
    };
    i64::from_le_bytes(
        digest[..8]
            .try_into()
            .expect("a SHA-256 digest has 32 bytes"),
    )
}

/// A stable key for a record that has no key of its own in the export. The fallback
/// received time is left out, so the same payload imported twice is the same record.
fn fingerprint_digest(lead: &NewLead) -> sha2::digest::Output<Sha256> {
    let mut hasher = Sha256::new();
    let action = lead.action.as_ref().map(|a| a.as_str().to_string());
    let time = lead.received_at.map(|t| t.timestamp().to_string());
    let email = lead.email.as_deref().map(|e| e.trim().to_lowercase());
    let fields = [
        &lead.lead_source,
        &lead.source,
        &action,
        &lead.offer,
        &lead.offer_name,
        &lead.first_name,
        &lead.last_name,
        &lead.full_name,
        &email,
        &lead.phone,
        &lead.country,
        &lead.company,
        &lead.title,
        &lead.description,
        &time,
    ];
    for field in fields {
        hasher.update(field.as_deref().unwrap_or("\u{0}").as_bytes());
        hasher.update([0x1f]);
    }
    hasher.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(first: &str, last: &str, email: &str, company: &str) -> NewLead {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        NewLead {
            first_name: opt(first),
            last_name: opt(last),
            email: opt(email),
            company: opt(company),
            ..NewLead::default()
        }
    }

    #[test]
    fn email_identity_ignores_case_and_spaces() {
        let a = lead("Priya", "Raman", "priya.raman@fabrikam.io", "Fabrikam");
        let b = lead("P.", "Raman", "  Priya.Raman@Fabrikam.io ", "Other");
        assert_eq!(contact_identity(&a), contact_identity(&b));
    }

    #[test]
    fn name_and_company_when_no_email() {
        let a = lead("Olivia", "Martin", "", "Contoso");
        let b = lead("olivia", " MARTIN", "", "contoso");
        let c = lead("Olivia", "Martin", "", "Fabrikam");
        assert_eq!(contact_identity(&a), contact_identity(&b));
        assert_ne!(contact_identity(&a), contact_identity(&c));
    }

    #[test]
    fn withheld_data_has_no_identity() {
        let mut a = lead("", "", "", "");
        a.country = Some("US".into());
        assert_eq!(contact_identity(&a), None);
    }

    #[test]
    fn test_leads_are_recognized() {
        assert!(is_test_text("MSFT_TEST_636573304831318844@test.com"));
        assert!(lead("MSFT_TEST_1", "x", "", "").is_test());
        assert!(!lead("Ana", "Test", "ana@test.com", "").is_test());
    }

    #[test]
    fn fingerprint_ignores_email_case_but_not_content() {
        let a = lead("Ana", "Silva", "ana@x.io", "X");
        let b = lead("Ana", "Silva", "ANA@x.io", "X");
        let c = lead("Ana", "Silva", "ana@x.io", "Y");
        assert_eq!(record_hash(&a), record_hash(&b));
        assert_ne!(record_hash(&a), record_hash(&c));
    }
}
