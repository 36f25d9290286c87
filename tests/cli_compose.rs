//! `leadbox compose`: the email a lead gets, as text, JSON or a `mailto:` URL, and the
//! customers nobody writes to.

mod common;

use common::*;
use serde_json::Value;

/// The id of the one lead with this email (exactly, in its case) and action.
fn lead_id(env: &Env, email: &str, action: &str) -> String {
    let leads = env.list(&[]);
    let found: Vec<&Value> = leads
        .iter()
        .filter(|l| l["email"] == email && l["action"] == action)
        .collect();
    assert_eq!(found.len(), 1, "{email} {action}");
    id(found[0]).to_string()
}

/// The id of the one lead whose name is `name`.
fn named(env: &Env, name: &str) -> String {
    id(&env.lead_where("name", name)).to_string()
}

fn write_settings(env: &Env, text: &str) {
    let path = env.path("xdg-config/leadbox/config.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_contact_me_lead_gets_an_answer_to_its_notes() {
    let env = Env::new();
    env.import_good();
    write_settings(&env, "owner = \"Ben Ito\"\n");
    let priya = lead_id(&env, "priya.raman@fabrikam.io", "PLT");
    assert_eq!(
        env.ok(["compose", &priya]),
        "To: priya.raman@fabrikam.io\n\
         Subject: Contoso CRM Connector: your request on Microsoft AppSource\n\
         \n\
         Hi Priya,\n\
         \n\
         Thank you for asking to be contacted about Contoso CRM Connector for Fabrikam.\n\
         \n\
         You wrote:\n\
         \n    We need the connector for 40 seats before our Q1 rollout. Please call after \
         2pm PT.\n\
         \n\
         I have read your notes and would like to go through them with you.\n\
         \n\
         Would a 30-minute call this week suit you? Reply with a time that works for you and \
         I will send an invitation.\n\
         \n\
         Best regards,\n\
         Ben Ito\n"
    );
}

#[test]
fn each_action_gets_its_first_touch() {
    let env = Env::new();
    env.import_good();
    let subject = |id: &str| -> String {
        let out = env.ok(["compose", id]);
        out.lines().nth(1).unwrap().to_string()
    };
    let cases = [
        (
            lead_id(&env, "tomas@northwind.example", "INS"),
            "Subject: Getting started with Contoso CRM Connector",
            "Thank you for getting Contoso CRM Connector for Northwind Traders. I would be glad \
             to help you set it up",
        ),
        (
            lead_id(&env, "Priya.Raman@Fabrikam.io", "StartTestDrive"),
            "Subject: Your test drive of Contoso CRM Connector (Test Drive)",
            "You have just started a test drive of Contoso CRM Connector (Test Drive)",
        ),
        (
            lead_id(&env, "j.mueller@tailspin.example", "Create"),
            "Subject: Welcome to Contoso Analytics",
            "Welcome, and thank you for choosing Contoso Analytics in the Azure portal for \
             Tailspin Toys GmbH.",
        ),
        (
            lead_id(&env, "lars.nilsson@proseware.example", "XSELL"),
            "Subject: Your interest in Contoso Analytics",
            "Thank you for your interest in Contoso Analytics for Proseware.",
        ),
    ];
    for (id, expected_subject, sentence) in cases {
        assert_eq!(subject(&id), expected_subject);
        let out = env.ok(["compose", &id]);
        assert!(out.contains(sentence), "{out}");
    }
    // No offer name (a CRM export names only the offer's id): the phrases do without it.
    let priya_create = lead_id(&env, "priya.raman@fabrikam.io", "Create");
    assert_eq!(subject(&priya_create), "Subject: Welcome aboard");
    let out = env.ok(["compose", &priya_create]);
    assert!(
        out.contains("thank you for choosing our offer in the Azure portal for Fabrikam."),
        "{out}"
    );
}

#[test]
fn json_has_to_subject_and_body_in_order() {
    let env = Env::new();
    env.import_good();
    let id = lead_id(&env, "hina.yamada@wingtip.example.jp", "StartTestDrive");
    let text = env.ok(["compose", &id, "--format", "json"]);
    assert_eq!(keys_in_order(&text), ["to", "subject", "body"]);
    let draft: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(draft["to"], "hina.yamada@wingtip.example.jp");
    assert_eq!(draft["subject"], "Your test drive of Contoso Analytics");
    let body = draft["body"].as_str().unwrap();
    assert!(
        body.starts_with("Hi 陽菜,\n\nYou have just started"),
        "{body}"
    );
    assert!(
        body.contains("I can walk you and the team at ウィングティップ株式会社 through"),
        "{body}"
    );
    assert!(body.ends_with("Best regards,\n"), "{body}");
}

/// The templates folder replaces a shipped template; mailto percent-encodes all of it.
#[test]
fn mailto_is_one_url_from_the_templates_folder() {
    let env = Env::new();
    env.import_good();
    let folder = env.path("my templates");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(
        folder.join("first_touch_create.txt"),
        "Subject: Welcome, {{ first_name }} & co\n\n{{ greeting }}\nMüller & {{ company }}?\n",
    )
    .unwrap();
    write_settings(
        &env,
        &format!("templates = {:?}\n", folder.display().to_string()),
    );
    let id = lead_id(&env, "j.mueller@tailspin.example", "Create");
    assert_eq!(
        env.ok(["compose", &id, "--format", "mailto"]),
        "mailto:j.mueller@tailspin.example\
         ?subject=Welcome%2C%20J%C3%BCrgen%20%26%20co\
         &body=Hi%20J%C3%BCrgen%2C%0D%0AM%C3%BCller%20%26%20Tailspin%20Toys%20GmbH%3F%0D%0A\n"
    );
    // The other templates are still the shipped ones.
    let ins = lead_id(&env, "tomas@northwind.example", "INS");
    assert!(env.ok(["compose", &ins]).contains("Getting started"));
    // A folder that is not there is an error, not the shipped templates in silence.
    std::fs::remove_file(folder.join("first_touch_create.txt")).unwrap();
    std::fs::remove_dir(&folder).unwrap();
    let run = env.run(["compose", &id]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr.trim(),
        format!(
            "leadbox: {}: not a folder (the templates setting)",
            folder.display()
        )
    );
}

#[test]
fn a_touched_lead_gets_a_follow_up_and_any_template_by_name() {
    let env = Env::new();
    env.import_good();
    let tomas = lead_id(&env, "tomas@northwind.example", "INS");
    env.touch(tomas.parse().unwrap(), "email", "2026-11-20T09:00:00Z");
    let out = env.ok(["compose", &tomas]);
    assert!(
        out.starts_with(
            "To: tomas@northwind.example\nSubject: Contoso CRM Connector: following up\n\n\
             Hi Tomás,\n\nI am following up on my note about Contoso CRM Connector. Do you have \
             a few minutes this week to talk about what you and Northwind Traders need?"
        ),
        "{out}"
    );
    let subject = |template: &str| {
        let out = env.ok(["compose", &tomas, "--template", template]);
        out.lines().nth(1).unwrap().to_string()
    };
    assert_eq!(
        subject("follow_up_2"),
        "Subject: Contoso CRM Connector: a quick question"
    );
    assert_eq!(
        subject("decide"),
        "Subject: Contoso CRM Connector: shall I close your request?"
    );
    assert_eq!(
        subject("first_touch_plt"),
        "Subject: Contoso CRM Connector: your request on Microsoft AppSource"
    );
    let run = env.run(["compose", &tomas, "--template", "last_try"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr.trim(),
        "leadbox: no template named \"last_try\": the shipped ones are first_touch_plt, \
         first_touch_ins, first_touch_test_drive, first_touch_create, follow_up, follow_up_2, \
         decide, fallback"
    );
    let run = env.run(["compose", &tomas, "--template", "../../etc/passwd"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("is not a template name"),
        "{}",
        run.stderr
    );
}

#[test]
fn nobody_writes_to_dnc_test_opted_out_or_addressless_leads() {
    let env = Env::new();
    env.import_good();
    let refusal = |id: &str| {
        let run = env.run(["compose", id, "--format", "mailto"]);
        assert_eq!(run.code, 1, "{id}: {}", run.stdout);
        assert!(run.stdout.is_empty());
        run.stderr.trim().to_string()
    };
    let grace = lead_id(&env, "grace.liu@adatum.example", "DNC");
    assert_eq!(
        refusal(&grace),
        format!(
            "leadbox: lead {grace} is DNC (the customer asked not to be contacted): no email \
             is written to them"
        )
    );
    let test = lead_id(&env, "MSFT_TEST_636573304831318844@test.com", "INS");
    assert_eq!(
        refusal(&test),
        format!("leadbox: lead {test} is a Microsoft test lead: there is no customer to write to")
    );
    // A Partner Center download carries no email.
    let olivia = named(&env, "Olivia Martin");
    assert_eq!(
        refusal(&olivia),
        format!("leadbox: lead {olivia} has no email address")
    );
    // A lead lost as "opted out": its customer is opted out, through every one of their
    // leads; lost for another reason, they are not.
    let priya_plt = lead_id(&env, "priya.raman@fabrikam.io", "PLT");
    let priya_drive = lead_id(&env, "Priya.Raman@Fabrikam.io", "StartTestDrive");
    env.ok(["compose", &priya_plt]);
    let lost = ["status", &priya_drive, "lost", "--force", "--reason"];
    env.ok([&lost[..], &["no budget"]].concat());
    env.ok(["compose", &priya_plt]);
    env.ok([&lost[..], &["Opted out"]].concat());
    for id in [&priya_plt, &priya_drive] {
        assert_eq!(
            refusal(id),
            format!("leadbox: the customer of lead {id} opted out: no email is written to them")
        );
    }
    let run = env.run(["compose", "9999"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("9999"), "{}", run.stderr);
}

/// The customer's notes reach the terminal escaped; JSON carries them exactly.
#[test]
fn hostile_notes_are_escaped_on_the_terminal_only() {
    let env = Env::new();
    let (run, _) = env.import(&[fixture("hostile/escape-fields.ndjson")], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = lead_id(&env, "escape-top0@escape.example", "INS");
    let args = ["compose", &id, "--template", "first_touch_plt"];
    let text = env.ok(args);
    assert!(
        text.contains("You wrote:\n\n    \\e[2J\\e[Hdescription\\u{9b}31m\n"),
        "{text}"
    );
    assert!(!text.contains(['\u{1b}', '\u{9b}']));
    let json = env.ok([&args[..], &["--format", "json"]].concat());
    let draft: Value = serde_json::from_str(&json).unwrap();
    assert!(draft["body"]
        .as_str()
        .unwrap()
        .contains("    \u{1b}[2J\u{1b}[Hdescription\u{9b}31m\n"));
    let url = env.ok([&args[..], &["--format", "mailto"]].concat());
    assert!(url.contains("%1B%5B2J%1B%5BHdescription%C2%9B31m"), "{url}");
    assert!(url.trim().chars().all(|c| c.is_ascii_graphic()), "{url}");
}
