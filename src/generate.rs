//! A deterministic generator of realistic leads, for the bundled sample, tests and benchmarks.
//!
//! The same seed gives the same bytes on every machine: the random numbers come from a
//! fixed SplitMix64 sequence, not from the platform.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenFormat {
    /// HTTPS-endpoint payloads, one per line, with a `receivedAt` added by the flow.
    Ndjson,
    /// A CRM-style CSV with report labels as headers.
    Csv,
}

#[derive(Debug, Clone)]
pub struct GenOptions {
    pub count: u64,
    pub seed: u64,
    pub format: GenFormat,
    /// The first lead arrives here; the rest spread over `days`.
    pub start: DateTime<Utc>,
    pub days: i64,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const FIRST: &[&str] = &[
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Mateo",
    "Sofia",
    "Lucas",
    "Mia",
    "Elias",
    "Chloé",
    "Jürgen",
    "Zoë",
    "Siobhán",
    "Ingrid",
    "Tomás",
    "Priya",
    "Arjun",
    "Ananya",
    "Wei",
    "Mei",
    "Hiroshi",
    "陽菜",
    "健太",
    "Ji-woo",
    "Fatima",
    "Omar",
    "Amara",
    "Kwame",
    "Lars",
    "Anja",
    "Łukasz",
    "Ömer",
    "Dmitri",
    "Isabel",
    "Renée",
    "François",
    "Björn",
    "Søren",
    "Nguyễn",
];
const LAST: &[&str] = &[
    "Martin",
    "Smith",
    "Garcia",
    "Müller",
    "Rossi",
    "Dubois",
    "Kowalski",
    "Novák",
    "Yılmaz",
    "Nakamura",
    "山田",
    "佐藤",
    "Kim",
    "Chen",
    "Wang",
    "Patel",
    "Iyer",
    "Okafor",
    "Mensah",
    "Nilsson",
    "Andersen",
    "Fernández",
    "O'Brien",
    "Van der Berg",
    "Schmidt",
    "Lefèvre",
    "Costa",
    "Silva",
    "Haddad",
    "Cohen",
];
const COMPANIES: &[(&str, &str)] = &[
    ("Fabrikam", "fabrikam.example"),
    ("Northwind Traders", "northwind.example"),
    ("Contoso Pharmaceuticals", "contoso-pharma.example"),
    ("Tailspin Toys GmbH", "tailspin.example"),
    ("Wingtip Toys", "wingtip.example"),
    ("ウィングティップ株式会社", "wingtip.example.jp"),
    ("Adatum", "adatum.example"),
    ("Relecloud", "relecloud.example"),
    ("Litware", "litware.example"),
    ("Proseware", "proseware.example"),
    ("Woodgrove Bank", "woodgrove.example"),
    ("Alpine Ski House", "alpineskihouse.example"),
    ("Margie's Travel", "margie-travel.example"),
    ("Fourth Coffee", "fourthcoffee.example"),
    ("Lucerne Publishing", "lucerne.example"),
    ("Trey Research", "trey.example"),
    ("Coho Winery", "cohowinery.example"),
    ("Humongous Insurance", "humongous.example"),
    ("Blue Yonder Airlines", "blueyonder.example"),
    ("Wide World Importers", "wideworld.example"),
];
const TITLES: &[&str] = &[
    "CTO",
    "IT Manager",
    "VP Engineering",
    "Cloud Architect",
    "DevOps Lead",
    "Head of Data",
    "Procurement",
    "Founder",
    "Director TI",
    "Leiter IT",
    "Security Engineer",
    "CIO",
    "Product Owner",
    "情報システム部 部長",
];
const COUNTRIES: &[&str] = &[
    "US",
    "USA",
    "DE",
    "FR",
    "GB",
    "JP",
    "IN",
    "BR",
    "ES",
    "SE",
    "NG",
    "SG",
    "United States",
    "Germany",
];
const OFFERS: &[(&str, &str)] = &[
    ("contoso.secure-gateway", "Contoso Secure Gateway"),
    ("contoso.analytics-saas", "Contoso Analytics"),
    ("contoso.crm-connector", "Contoso CRM Connector"),
    ("contoso.backup-vault", "Contoso Backup Vault"),
    ("contoso.ai-assist", "Contoso AI Assist"),
    ("contoso.iot-hub-edge", "Contoso IoT Edge"),
];
const NOTES: &[&str] = &[
    "We need the connector for 40 seats before our Q1 rollout. Please call after 2pm PT.",
    "Looking for SSO with our existing Entra ID tenant, ~300 users.",
    "Can you share pricing for three regions?",
    "Necesitamos una demo en español.",
    "Wir brauchen ein Angebot für 25 Lizenzen.",
    "導入前に日本語でのサポート体制を確認したいです。",
    "Campaigns: ",
    " ",
    "{\"mktcmpid\":\"fall-webinar\",\"partnerid\":\"98765\"}",
    "Evaluating against two competitors, decision by end of month.",
    "Please send the security whitepaper.",
];

/// What the customer pressed, in marketplace terms.
struct Step {
    lead_source: String,
    action: &'static str,
    offer_title: &'static str,
}

fn step(rng: &mut Rng, action: &'static str) -> Step {
    let (id, title) = *rng.pick(OFFERS);
    let source = match action {
        "PLT" | "DNC" => *rng.pick(&["AppSource (SPZA)", "SPZA"]),
        "INS" => *rng.pick(&["AzureMarketplace", "AzureMarketplace", "AppSource (SPZA)"]),
        "Create" => "AzurePortal",
        "StartTestDrive" => *rng.pick(&["TestDrive", "AzureMarketplace"]),
        _ => "AppSource (SPZA)",
    };
    let offer = if action == "StartTestDrive" && rng.chance(40) {
        title.to_string()
    } else {
        id.to_string()
    };
    let sep = if rng.chance(15) { " | " } else { "|" };
    Step {
        lead_source: format!("{source}-{action}{sep}{offer}"),
        action,
        offer_title: title,
    }
}

fn pick_action(rng: &mut Rng) -> &'static str {
    match rng.below(100) {
        0..=34 => "PLT",
        35..=64 => "INS",
        65..=76 => "StartTestDrive",
        77..=87 => "Create",
        88..=97 => "DNC",
        _ => "XSELL",
    }
}

/// The next funnel step after a customer's earlier one.
fn follow_up_action(previous: &str) -> &'static str {
    match previous {
        "PLT" => "INS",
        "INS" => "StartTestDrive",
        "StartTestDrive" => "Create",
        _ => "INS",
    }
}

#[derive(Clone)]
struct Customer {
    first: String,
    last: String,
    email: String,
    phone: String,
    country: String,
    company: String,
    title: String,
    last_action: &'static str,
}

fn customer(rng: &mut Rng, n: u64) -> Customer {
    let first = rng.pick(FIRST).to_string();
    let last = rng.pick(LAST).to_string();
    let (company, domain) = *rng.pick(COMPANIES);
    let local: String = format!("{first}.{last}")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect::<String>()
        .to_lowercase();
    let local = if local.trim_matches('.').is_empty() {
        format!("lead{n}")
    } else {
        format!("{local}{}", n % 97)
    };
    Customer {
        email: format!("{local}@{domain}"),
        phone: if rng.chance(70) {
            format!("+1 425 555 {:04}", rng.below(10_000))
        } else {
            String::new()
        },
        country: rng.pick(COUNTRIES).to_string(),
        company: company.to_string(),
        title: rng.pick(TITLES).to_string(),
        first,
        last,
        last_action: "",
    }
}

fn test_customer(rng: &mut Rng) -> Customer {
    let tag = format!(
        "MSFT_TEST_{}",
        636_573_304_831_318_844u64 + rng.below(1_000_000_000)
    );
    Customer {
        first: tag.clone(),
        last: tag.clone(),
        email: format!("{tag}@test.com"),
        phone: "1234567890".into(),
        country: "US".into(),
        company: tag.clone(),
        title: tag,
        last_action: "INS",
    }
}

/// Writes `count` leads. About a fifth come back from an earlier customer at the next
/// funnel step; one in sixty is a Microsoft test lead and 3% have their personal data withheld.
pub fn write_leads(out: &mut dyn Write, options: &GenOptions) -> io::Result<()> {
    let mut rng = Rng(options.seed);
    let mut recent = Recent::default();
    let span = Duration::days(options.days.max(1)).num_seconds();
    let step_s = span / options.count.max(1) as i64;
    let mut sink = Sink::new(out, options.format)?;
    for n in 0..options.count {
        let jitter = rng.below(step_s.max(1) as u64) as i64;
        let at = options.start + Duration::seconds(n as i64 * step_s + jitter);
        let lead = next_lead(&mut rng, &mut recent, n, at);
        sink.write(&lead)?;
    }
    sink.finish()
}

/// One generated lead.
struct GenLead {
    who: Customer,
    /// The customer's personal data is left out (the country stays).
    withheld: bool,
    step: Step,
    note: &'static str,
    at: DateTime<Utc>,
}

impl GenLead {
    /// `value`, or nothing when the personal data is withheld.
    fn shown(&self, value: &str) -> String {
        if self.withheld {
            String::new()
        } else {
            value.to_string()
        }
    }
}

/// Lead number `n`, received `at`.
fn next_lead(rng: &mut Rng, recent: &mut Recent, n: u64, at: DateTime<Utc>) -> GenLead {
    let roll = rng.below(100);
    let mut who = recent.customer(rng, n, roll);
    let withheld = (21..24).contains(&roll);
    let action = if who.last_action.is_empty() {
        pick_action(rng)
    } else {
        follow_up_action(who.last_action)
    };
    who.last_action = action;
    if !withheld && !who.first.starts_with("MSFT_TEST_") {
        recent.remember(who.clone());
    }
    let step = step(rng, action);
    let note = if action == "PLT" || rng.chance(15) {
        *rng.pick(NOTES)
    } else {
        ""
    };
    GenLead {
        who,
        withheld,
        step,
        note,
        at,
    }
}

/// The last customers whose data was shown: they may come back at their next funnel step.
#[derive(Default)]
struct Recent(Vec<Customer>);

impl Recent {
    /// The customer of lead `n`, `roll` (0 to 99) deciding whether an earlier one comes back.
    fn customer(&self, rng: &mut Rng, n: u64, roll: u64) -> Customer {
        // Every sixtieth lead is a connection test, so even a small sample has some.
        if n % 60 == 7 {
            test_customer(rng)
        } else if roll < 21 && !self.0.is_empty() {
            let i = rng.below(self.0.len() as u64) as usize;
            let mut c = self.0[i].clone();
            if rng.chance(30) {
                c.email = c.email.to_uppercase();
            }
            c
        } else {
            customer(rng, n)
        }
    }

    fn remember(&mut self, who: Customer) {
        self.0.push(who);
        if self.0.len() > 200 {
            self.0.remove(0);
        }
    }
}

/// Where the leads go, in the format asked for.
enum Sink<'a> {
    Json(&'a mut dyn Write),
    Csv(Box<csv::Writer<&'a mut dyn Write>>),
}

impl<'a> Sink<'a> {
    /// The sink for `format`, with its header written (CSV).
    fn new(out: &'a mut dyn Write, format: GenFormat) -> io::Result<Sink<'a>> {
        Ok(match format {
            GenFormat::Ndjson => Sink::Json(out),
            GenFormat::Csv => {
                let mut csv = csv::Writer::from_writer(out);
                csv.write_record([
                    "First Name",
                    "Last Name",
                    "Email",
                    "Phone",
                    "Country",
                    "Company",
                    "Title",
                    "Lead Source",
                    "Offer Name",
                    "Description",
                    "Created Date",
                ])?;
                Sink::Csv(Box::new(csv))
            }
        })
    }

    fn write(&mut self, lead: &GenLead) -> io::Result<()> {
        let who = &lead.who;
        match self {
            Sink::Json(out) => {
                let record = json!({
                    "userDetails": {
                        "firstName": lead.shown(&who.first), "lastName": lead.shown(&who.last), "email": lead.shown(&who.email),
                        "phone": lead.shown(&who.phone), "country": who.country, "company": lead.shown(&who.company),
                        "title": lead.shown(&who.title),
                    },
                    "leadSource": lead.step.lead_source,
                    "actionCode": lead.step.action,
                    "offerTitle": lead.step.offer_title,
                    "description": if lead.withheld { "Academic licence enquiry." } else { lead.note },
                    "receivedAt": crate::domain::time::format_time(lead.at),
                });
                serde_json::to_writer(&mut **out, &record)?;
                out.write_all(b"\n")?;
            }
            Sink::Csv(csv) => csv.write_record([
                lead.shown(&who.first),
                lead.shown(&who.last),
                lead.shown(&who.email),
                lead.shown(&who.phone),
                who.country.clone(),
                lead.shown(&who.company),
                lead.shown(&who.title),
                lead.step.lead_source.clone(),
                lead.step.offer_title.to_string(),
                lead.note.to_string(),
                lead.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            ])?,
        }
        Ok(())
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Sink::Json(out) => out.flush(),
            Sink::Csv(mut csv) => csv.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn generate(format: GenFormat, seed: u64) -> String {
        let options = GenOptions {
            count: 200,
            seed,
            format,
            start: Utc.with_ymd_and_hms(2026, 11, 16, 0, 0, 0).unwrap(),
            days: 5,
        };
        let mut out = Vec::new();
        write_leads(&mut out, &options).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn same_seed_same_bytes() {
        assert_eq!(
            generate(GenFormat::Ndjson, 7),
            generate(GenFormat::Ndjson, 7)
        );
        assert_ne!(
            generate(GenFormat::Ndjson, 7),
            generate(GenFormat::Ndjson, 8)
        );
    }

    #[test]
    fn csv_has_a_header_and_one_row_per_lead() {
        let text = generate(GenFormat::Csv, 1);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().get(7), Some("Lead Source"));
        assert_eq!(reader.records().count(), 200);
    }
}
