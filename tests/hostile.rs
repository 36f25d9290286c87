//! Hostile files and fields (tests/fixtures/hostile, see EXPECTED.md): each file is imported
//! into a store that already holds a lead, and must give its exit code, say what is wrong
//! (file, line, problem) on stderr without a raw control or bidi character, and leave the
//! store with the leads it held plus the ones the file rightly adds. Then: CSV export
//! neutralizes formulas while JSON keeps them, and terminal output escapes file text.

mod common;

use common::*;
use serde_json::Value;

/// One hostile file: the exit code of its import, what stderr must say (each substring),
/// and how many leads it adds.
struct Case {
    file: &'static str,
    code: i32,
    says: &'static [&'static str],
    adds: usize,
}

const fn case(file: &'static str, code: i32, says: &'static [&'static str], adds: usize) -> Case {
    Case {
        file,
        code,
        says,
        adds,
    }
}

const CASES: &[Case] = &[
    // Formula cells import as they are (export neutralizes them, see below).
    case("formula-cells.csv", 0, &[], 5),
    case("formula-cells.json", 0, &[], 3),
    // Escape sequences, in a bad time and in every field.
    case(
        "escape-receivedat.json",
        1,
        &["escape-receivedat.json:1: receivedAt: cannot read the time '\\e]52;c;aGk=\\u{7}\\e[2J' (expected RFC 3339"],
        0,
    ),
    case("escape-fields.ndjson", 0, &[], 11),
    case("escape-csv.csv", 0, &[], 1),
    case(
        "escape-bad-time.csv",
        1,
        &["escape-bad-time.csv:3: Created Date: cannot read the time '\\e[2J2026'"],
        1,
    ),
    case(
        "escape-header.csv",
        1,
        &["escape-header.csv: line 1: no lead columns in the header (\\e[2Jcolumn, amount)"],
        0,
    ),
    case(
        "escape-json-key.json",
        1,
        &["escape-json-key.json:1: no lead fields", "among the keys \\e[2Jkey, other"],
        0,
    ),
    case("escape-c1.ndjson", 0, &[], 1),
    case(
        "escape-ndjson-bad-type.ndjson",
        1,
        &["escape-ndjson-bad-type.ndjson:2: receivedAt: cannot read the time '\\e[2J'"],
        1,
    ),
    // Bidi controls and invisible characters.
    case("bidi-names.ndjson", 0, &[], 3),
    case(
        "bidi-bad-time.json",
        1,
        &["bidi-bad-time.json:1: receivedAt: cannot read the time '2026-11-20\\u{202e}Z'"],
        0,
    ),
    case("bidi-csv.csv", 0, &[], 1),
    case("zero-width.ndjson", 0, &[], 1),
    // JSON that is no lead.
    case(
        "empty-object.json",
        1,
        &["empty-object.json:1: no lead fields (an empty object): not a lead record"],
        0,
    ),
    case(
        "package.json",
        1,
        &["package.json:1: no lead fields (name, email, phone, company, LeadSource, action or offer) among the keys author, bugs"],
        0,
    ),
    case(
        "objects-without-lead-fields.json",
        1,
        &[
            "objects-without-lead-fields.json:2: no lead fields",
            "objects-without-lead-fields.json:3: no lead fields",
        ],
        0,
    ),
    case(
        "empty-objects.ndjson",
        1,
        &["empty-objects.ndjson:3: no lead fields (an empty object)"],
        0,
    ),
    case("only-name.json", 1, &["only-name.json:1: no lead fields"], 0),
    case(
        "blank-lead-fields.json",
        1,
        &["blank-lead-fields.json:1: no lead fields"],
        0,
    ),
    case(
        "no-lead-in-middle.json",
        1,
        &["no-lead-in-middle.json:3: no lead fields", "among the keys timestamp"],
        2,
    ),
    // Lead fields of the wrong type.
    case(
        "type-firstname-object.json",
        1,
        &["type-firstname-object.json:1: userDetails.firstName: expected text, found an object"],
        0,
    ),
    case(
        "type-receivedat-bool.json",
        1,
        &["type-receivedat-bool.json:1: receivedAt: expected a time as text (RFC 3339), found a boolean"],
        0,
    ),
    case(
        "type-email-array.json",
        1,
        &["type-email-array.json:1: userDetails.email: expected text, found an array"],
        0,
    ),
    case(
        "type-company-number.json",
        1,
        &["type-company-number.json:1: userDetails.company: expected text, found a number"],
        0,
    ),
    case(
        "type-leadsource-bool.json",
        1,
        &["type-leadsource-bool.json:1: leadSource: expected text, found a boolean"],
        0,
    ),
    case(
        "type-userdetails-string.json",
        1,
        &["type-userdetails-string.json:1: userDetails: not a JSON object: Ana Silva"],
        0,
    ),
    case(
        "type-userdetails-array.json",
        1,
        &["type-userdetails-array.json:1: userDetails: expected an object of customer fields, found an array"],
        0,
    ),
    case(
        "type-createdat-number.json",
        1,
        &["type-createdat-number.json:1: createdAt: expected a time as text (RFC 3339), found a number"],
        0,
    ),
    case(
        "type-actioncode-number.ndjson",
        1,
        &["type-actioncode-number.ndjson:2: actionCode: expected text, found a number"],
        2,
    ),
    case(
        "type-description-object.json",
        1,
        &["type-description-object.json:1: description: expected text, found an object"],
        0,
    ),
    // Times outside 1900-2200.
    case(
        "year-1800.json",
        1,
        &["year-1800.json:1: receivedAt: the time '1800-01-01T00:00:00Z' is in the year 1800, outside 1900-2200"],
        0,
    ),
    case(
        "year-2300.csv",
        1,
        &["year-2300.csv:2: Created Date: the time '2300-01-01 00:00:00' is in the year 2300, outside 1900-2200"],
        0,
    ),
    case(
        "year-9999.json",
        1,
        &["year-9999.json:1: receivedAt: the time '9999-12-31T23:59:59Z' is in the year 9999"],
        0,
    ),
    case(
        "year-9999-offset.ndjson",
        1,
        &["year-9999-offset.ndjson:1: receivedAt: the time '9999-12-31T23:30:00-01:00' is in the year 10000"],
        0,
    ),
    case(
        "year-1899-us.csv",
        1,
        &["year-1899-us.csv:2: Created Date: the time '12/31/1899 11:59:59 PM' is in the year 1899"],
        0,
    ),
    case("year-edges.ndjson", 0, &[], 2),
    // Duplicate CSV headers.
    case(
        "dup-email.csv",
        1,
        &["dup-email.csv: line 1: duplicate column 'Email' (columns 2 and 3)"],
        0,
    ),
    case(
        "dup-email-casing.csv",
        1,
        &["dup-email-casing.csv: line 1: duplicate column 'EMAIL' (columns 1 and 3)"],
        0,
    ),
    case(
        "dup-first-name-spelling.csv",
        1,
        &["dup-first-name-spelling.csv: line 1: duplicate column 'first_name' (columns 1 and 3)"],
        0,
    ),
    case(
        "dup-email-semicolon.csv",
        1,
        &["dup-email-semicolon.csv: line 1: duplicate column 'E_MAIL' (columns 1 and 3)"],
        0,
    ),
    case(
        "dup-bom-leadsource.csv",
        1,
        &["dup-bom-leadsource.csv: line 1: duplicate column 'leadsource' (columns 1 and 3)"],
        0,
    ),
    case("dup-unread-columns.csv", 0, &[], 1),
    // JSON arrays.
    case(
        "array-bad-middle.json",
        1,
        &["array-bad-middle.json:4: userDetails.firstName: expected text, found an object"],
        4,
    ),
    case(
        "array-empty.json",
        1,
        &["array-empty.json: no lead records in the file"],
        0,
    ),
    case(
        "array-nested.json",
        1,
        &["array-nested.json:2: expected a lead object, found an array"],
        0,
    ),
    case(
        "array-truncated.json",
        1,
        &["array-truncated.json: line 3: the file ends inside the record that starts on this line"],
        0,
    ),
    case("array-bom.json", 0, &[], 2),
    case(
        "array-then-garbage.json",
        1,
        &[
            "array-then-garbage.json:3: FirstName: expected text, found an array",
            "array-then-garbage.json: line 7: invalid JSON: `<` after the end of the document",
        ],
        0,
    ),
    case(
        "array-trailing-comma.json",
        1,
        &["array-trailing-comma.json: line 3: a comma before `]`"],
        0,
    ),
    case(
        "array-scalars.json",
        1,
        &[
            "array-scalars.json:2: expected a lead object, found a number",
            "array-scalars.json:3: expected a lead object, found a string",
            "array-scalars.json:4: expected a lead object, found null",
            "array-scalars.json:5: expected a lead object, found a boolean",
        ],
        0,
    ),
    case(
        "array-missing-comma.json",
        1,
        &["array-missing-comma.json: line 3: expected `,` or `]` after the record on line 2, found `{`"],
        0,
    ),
    case(
        "array-mismatched-bracket.json",
        1,
        &["array-mismatched-bracket.json: line 2: invalid JSON: `]` does not close"],
        0,
    ),
    case("array-utf16.json", 0, &[], 2),
    case(
        "array-pretty-syntax-error.json",
        1,
        &["array-pretty-syntax-error.json: line 19: invalid JSON: expected `,` or `}` at column 7"],
        0,
    ),
    case("array-strings-with-brackets.json", 0, &[], 2),
    case(
        "array-deep.json",
        1,
        &["array-deep.json: line 2: invalid JSON: recursion limit exceeded"],
        0,
    ),
    // Text that no one encoding reads.
    case(
        "damaged-shift-jis.csv",
        1,
        &[
            "damaged-shift-jis.csv:3: not valid Shift_JIS, the encoding the rest of the file suggests",
            "nothing imported: name the file's encoding with --encoding",
        ],
        0,
    ),
    case(
        "mixed-utf8-windows-1252.csv",
        1,
        &["mixed-utf8-windows-1252.csv:3: not valid UTF-8, though line 2 is: the file mixes encodings"],
        0,
    ),
];

fn hostile(file: &str) -> std::path::PathBuf {
    fixture(&format!("hostile/{file}"))
}

/// The characters of `text` that a terminal must not receive raw: control characters
/// other than the line feed, and the bidi and invisible format characters.
fn raw_terminal_chars(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(
                    c,
                    '\u{202a}'..='\u{202e}'
                        | '\u{2066}'..='\u{2069}'
                        | '\u{200e}'
                        | '\u{200f}'
                        | '\u{061c}'
                        | '\u{200b}'
                        | '\u{2060}'
                        | '\u{feff}'
                        | '\u{ad}'
                )
        })
        .collect()
}

/// A store holding one lead (pascal-single.json, "Some One").
fn seeded() -> Env {
    let env = Env::new();
    let (run, _) = env.import(&[fixture("https-endpoint/pascal-single.json")], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env
}

#[test]
fn hostile_files_import_as_expected() {
    let corpus = std::fs::read_dir(fixture("hostile")).unwrap().count();
    assert_eq!(corpus, CASES.len(), "every file of the corpus has a case");
    let mut failures = Vec::new();
    for case in CASES {
        let env = seeded();
        let path = hostile(case.file);
        let run = env.run([
            "import".as_ref(),
            "--received-at".as_ref(),
            FALLBACK.as_ref(),
            path.as_os_str(),
        ]);
        let leads = env.list(&[]);
        let mut wrong = Vec::new();
        if run.code != case.code {
            wrong.push(format!("exit {} (want {})", run.code, case.code));
        }
        for said in case.says {
            if !run.stderr.contains(said) {
                wrong.push(format!("stderr lacks {said:?}"));
            }
        }
        if case.says.is_empty() && !run.stderr.is_empty() {
            wrong.push("stderr is not empty".into());
        }
        if case.code != 0 && !run.stderr.contains(&format!("hostile/{}", case.file)) {
            wrong.push("stderr does not name the file".into());
        }
        let raw = raw_terminal_chars(&format!("{}{}", run.stdout, run.stderr));
        if !raw.is_empty() {
            wrong.push(format!("raw characters on the terminal: {raw:?}"));
        }
        if leads.len() != 1 + case.adds {
            wrong.push(format!("{} leads (want 1 + {})", leads.len(), case.adds));
        }
        if !leads.iter().any(|l| l["name"] == "Some One") {
            wrong.push("the lead stored before is gone".into());
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{}: {}\n  stderr: {}",
                case.file,
                wrong.join("; "),
                run.stderr.trim_end()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The lead whose email is `email`, as `list --format json` gives it.
fn by_email(leads: &[Value], email: &str) -> Value {
    one(leads, "email", email)
}

#[test]
fn csv_export_neutralizes_formulas_and_json_keeps_them_exact() {
    let env = Env::new();
    for file in ["formula-cells.csv", "formula-cells.json"] {
        let (run, _) = env.import(&[hostile(file)], &[]);
        assert_eq!(run.code, 0, "{file}: {}", run.stderr);
    }
    let f1 = id(&by_email(&env.list(&[]), "f1@formula.example"));
    env.ok(["assign", &f1.to_string(), "@ops-team"]);

    // CSV: export and list give the same cells, a ' before each formula.
    let exported = env.ok(["export", "--format", "csv"]);
    assert_eq!(exported, env.ok(["list", "--format", "csv"]));
    let records = csv_records(&exported);
    let column = |key: &str| LEAD_KEYS.iter().position(|k| *k == key).unwrap();
    let row = |email: &str| {
        records
            .iter()
            .find(|r| r[column("email")] == email)
            .unwrap_or_else(|| panic!("no row for {email}"))
            .clone()
    };
    let cases = [
        (
            "f1@formula.example",
            "first_name",
            "'=HYPERLINK(\"http://x.example\",\"y\")",
        ),
        ("f1@formula.example", "owner", "'@ops-team"),
        ("f2@formula.example", "first_name", "'@SUM(1+1)"),
        ("f3@formula.example", "last_name", "'-2+3"),
        // Import trimmed "  =1+1" to a formula: export neutralizes it.
        ("f3@formula.example", "company", "'=1+1"),
        ("f3@formula.example", "phone", "'+1 425 555 0100"),
        ("f4@formula.example", "company", "'=cmd|' /C calc'!A0"),
        ("f4@formula.example", "description", "'=1+1"),
        ("f5@formula.example", "company", "Safe Co"),
        ("f5@formula.example", "description", "plain"),
        (
            "j1@formula.example",
            "first_name",
            "'=HYPERLINK(\"http://x.example\",\"y\")",
        ),
        ("j2@formula.example", "company", "'=1+1"),
        ("j3@formula.example", "description", "'-cmd"),
        ("j3@formula.example", "first_name", "Ok"),
    ];
    for (email, key, want) in cases {
        assert_eq!(row(email)[column(key)], want, "{email} {key}");
    }
    // No cell of the file starts a formula.
    for record in &records[1..] {
        for cell in record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "formula cell {cell:?}"
            );
        }
    }

    // JSON: exactly as stored.
    let exported: Vec<Value> =
        serde_json::from_str(&env.ok(["export", "--format", "json"])).unwrap();
    let json = |email: &str, key: &str| by_email(&exported, email)[key].clone();
    assert_eq!(
        json("f1@formula.example", "first_name"),
        "=HYPERLINK(\"http://x.example\",\"y\")"
    );
    assert_eq!(json("f1@formula.example", "owner"), "@ops-team");
    assert_eq!(json("f2@formula.example", "first_name"), "@SUM(1+1)");
    assert_eq!(json("f3@formula.example", "company"), "=1+1");
    assert_eq!(json("f3@formula.example", "phone"), "+1 425 555 0100");
    assert_eq!(json("j3@formula.example", "description"), "-cmd");

    // The help says so.
    let help = env.ok(["export", "--help"]);
    assert!(help.contains("leading '"), "{help}");
    assert!(help.contains("OWASP"), "{help}");
}

#[test]
fn a_bad_received_at_puts_no_escape_byte_on_stderr() {
    let env = Env::new();
    let path = hostile("escape-receivedat.json");
    let run = env.run(["import".as_ref(), path.as_os_str()]);
    assert_eq!(run.code, 1);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    assert!(!run.stderr.contains('\u{7}'), "{:?}", run.stderr);
    assert!(
        run.stderr.contains("'\\e]52;c;aGk=\\u{7}\\e[2J'"),
        "{}",
        run.stderr
    );
    // The JSON report is a machine format: the value comes through exactly.
    let (_, reports) = env.import(&[&path], &[]);
    let message = reports[0]["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("'\u{1b}]52;c;aGk=\u{7}\u{1b}[2J'"),
        "{message:?}"
    );

    // A file whose name holds an escape sequence is named escaped too.
    let named = env.path("leads\u{1b}[2J\u{202e}.json");
    std::fs::copy(hostile("year-9999.json"), &named).unwrap();
    let run = env.run(["import".as_ref(), named.as_os_str()]);
    assert_eq!(run.code, 1);
    assert_eq!(
        raw_terminal_chars(&format!("{}{}", run.stdout, run.stderr)),
        Vec::<char>::new()
    );
    assert!(
        run.stderr
            .contains("leads\\e[2J\\u{202e}.json:1: receivedAt"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("leads\\e[2J\\u{202e}.json: 0 new"),
        "{}",
        run.stdout
    );
}

#[test]
fn terminal_output_escapes_what_files_and_users_wrote() {
    let env = Env::new();
    let files: Vec<_> = [
        "escape-fields.ndjson",
        "escape-csv.csv",
        "escape-c1.ndjson",
        "bidi-names.ndjson",
        "bidi-csv.csv",
        "zero-width.ndjson",
    ]
    .iter()
    .map(|f| hostile(f))
    .collect();
    let (run, _) = env.import(&files, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let leads = env.list(&[]);
    assert_eq!(leads.len(), 11 + 1 + 1 + 3 + 1 + 1);

    // The table escapes and still shows the text.
    let table = env.ok(["list"]);
    assert_eq!(raw_terminal_chars(&table), Vec::<char>::new(), "{table}");
    assert!(table.contains("\\e[31mAna\\e]0;pwned"), "{table}");
    assert!(table.contains("\\u{202e}Ana"), "{table}");
    assert!(table.contains("\\u{2067}Noor\\u{2069}"), "{table}");

    // show, for every lead, and the stats.
    for lead in &leads {
        let text = env.ok(["show", &id(lead).to_string()]);
        assert_eq!(raw_terminal_chars(&text), Vec::<char>::new(), "{text}");
    }
    let action = one(&leads, "email", "escape-top2@escape.example");
    let text = env.ok(["show", &id(&action).to_string()]);
    assert!(text.contains("\\e[2J\\e[HactionCode\\u{9b}31m"), "{text}");
    let stats = env.ok(["stats"]);
    assert_eq!(raw_terminal_chars(&stats), Vec::<char>::new(), "{stats}");

    // assign's confirmation.
    let owner = "\u{1b}]52;c;aGk=\u{7}\u{202e}Eve";
    let target = id(&leads[0]).to_string();
    let confirmed = env.ok(["assign", &target, owner]);
    assert_eq!(raw_terminal_chars(&confirmed), Vec::<char>::new());
    assert!(
        confirmed.contains("owner \\e]52;c;aGk=\\u{7}\\u{202e}Eve"),
        "{confirmed}"
    );

    // A usage error quotes the argument escaped, and still exits 2.
    let run = env.run(["list", "--format", "x\u{202e}\u{1b}]52;c;aGk=\u{7}"]);
    assert_eq!(run.code, 2);
    assert_eq!(raw_terminal_chars(&run.stderr), Vec::<char>::new());
    assert!(run.stderr.contains("'x\\u{202e}"), "{}", run.stderr);

    // Machine formats stay exact.
    let after = env.list(&[]);
    let assigned = after.iter().find(|l| l["id"] == leads[0]["id"]).unwrap();
    assert_eq!(assigned["owner"], owner);
    let bidi = one(&after, "email", "bidi1@bidi.example");
    assert_eq!(bidi["first_name"], "\u{202e}Ana");
    let csv = env.ok(["list", "--format", "csv", "--search", "bidi1"]);
    assert!(csv.contains("\u{202e}Ana"), "{csv}");
}

#[test]
fn an_array_followed_by_garbage_reports_its_records_and_the_line() {
    let env = seeded();
    let (run, reports) = env.import(&[hostile("array-then-garbage.json")], &[]);
    assert_eq!(run.code, 1);
    let report = &reports[0];
    // The records before the garbage were read and judged, one by one...
    assert_eq!(report["rejected"], 1);
    assert_eq!(report["errors"][0]["line"], 3);
    // ...and the document's error names the garbage's line; nothing of the file is kept.
    assert_eq!(
        report["failed"],
        "line 7: invalid JSON: `<` after the end of the document"
    );
    assert_eq!(report["new"], 0);
    assert_eq!(env.list(&[]).len(), 1);

    // --strict on an array with one bad record keeps nothing; without it, the rest.
    let (run, reports) = env.import(&[hostile("array-bad-middle.json")], &["--strict"]);
    assert_eq!(run.code, 1);
    assert_eq!(reports[0]["new"], 0);
    assert_eq!(env.list(&[]).len(), 1);
    let (_, reports) = env.import(&[hostile("array-bad-middle.json")], &[]);
    assert_eq!(reports[0]["new"], 4);
    let emails: Vec<Value> = env.list(&[]).iter().map(|l| l["email"].clone()).collect();
    for kept in [0, 1, 3, 4] {
        assert!(emails.contains(&Value::from(format!("a{kept}@arrays.example"))));
    }
}

#[test]
fn a_utf16_array_with_a_bom_keeps_its_text() {
    let env = Env::new();
    let (run, reports) = env.import(&[hostile("array-utf16.json")], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(reports[0]["format"], "json");
    assert_eq!(reports[0]["encoding"], "UTF-16LE");
    let leads = env.list(&[]);
    assert_eq!(
        one(&leads, "email", "u2@arrays.example")["first_name"],
        "陽菜"
    );
}

/// A CSV of `rows` ASCII leads (about 70 KiB: past the 64 KiB the encoding is first told
/// from), then `tail` as it is. Returns the bytes and the number of lines before `tail`
/// (the header and the ASCII rows).
fn ascii_rows_then(tail: &[u8]) -> (Vec<u8>, u64) {
    let mut bytes = b"First Name,Last Name,Email,Company\r\n".to_vec();
    let mut lines = 1;
    while bytes.len() < 70 * 1024 {
        bytes.extend(format!("Ana{lines},Silva,ana{lines}@ascii.example,Contoso\r\n").as_bytes());
        lines += 1;
    }
    bytes.extend_from_slice(tail);
    (bytes, lines)
}

fn shift_jis(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

const JAPANESE_ROWS: &str =
    "太郎,山田,taro@sjis.example,ウィングティップ株式会社\r\n花子,佐藤,hanako@sjis.example,ルツェルン出版\r\n";

/// Legacy text that starts after 64 KiB of ASCII is read in the encoding of the whole file:
/// the names are stored as written, and naming the encoding adds nothing more.
#[test]
fn late_legacy_text_is_read_in_the_encoding_of_the_whole_file() {
    let env = seeded();
    let (bytes, ascii_lines) = ascii_rows_then(&shift_jis(JAPANESE_ROWS));
    let ascii_leads = ascii_lines as usize - 1;
    let sjis = env.path("late-shift-jis.csv");
    std::fs::write(&sjis, &bytes).unwrap();
    let (run, reports) = env.import(&[&sjis], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(reports[0]["encoding"], "Shift_JIS");
    assert_eq!(reports[0]["new"], ascii_leads + 2);
    let leads = env.list(&[]);
    assert_eq!(leads.len(), 1 + ascii_leads + 2);
    let taro = one(&leads, "email", "taro@sjis.example");
    assert_eq!(taro["first_name"], "太郎");
    assert_eq!(taro["last_name"], "山田");
    assert_eq!(taro["company"], "ウィングティップ株式会社");
    assert_eq!(
        one(&leads, "email", "hanako@sjis.example")["name"],
        "花子 佐藤"
    );
    // Named or detected, the same file gives the same leads.
    let (run, reports) = env.import(&[&sjis], &["--encoding", "shift_jis"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        (
            reports[0]["new"].as_u64(),
            reports[0]["duplicates"].as_u64()
        ),
        (Some(0), Some(ascii_leads as u64 + 2))
    );
    assert_eq!(env.list(&[]).len(), 1 + ascii_leads + 2);

    // Windows-1252, and NDJSON.
    let env = seeded();
    let (bytes, _) = ascii_rows_then(&windows_1252(
        "José,Müller,jose@latin.example,Café Señor\r\nZoë,Ø'Brien,zoe@latin.example,Straße\r\n",
    ));
    let latin = env.path("late-windows-1252.csv");
    std::fs::write(&latin, &bytes).unwrap();
    let mut ndjson = Vec::new();
    for i in 0..2000 {
        ndjson.extend(
            format!("{{\"email\":\"n{i}@ndjson.example\",\"firstName\":\"N{i}\"}}\n").as_bytes(),
        );
    }
    ndjson.extend(shift_jis(
        "{\"email\":\"k@ndjson.example\",\"firstName\":\"健二\",\"company\":\"ﾃｽﾄ株式会社\"}\n",
    ));
    assert!(ndjson.len() > 64 * 1024);
    let late_ndjson = env.path("late-shift-jis.ndjson");
    std::fs::write(&late_ndjson, &ndjson).unwrap();
    let (run, reports) = env.import(&[&latin, &late_ndjson], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(reports[0]["encoding"], "windows-1252");
    assert_eq!(reports[1]["encoding"], "Shift_JIS");
    let leads = env.list(&[]);
    let jose = one(&leads, "email", "jose@latin.example");
    assert_eq!(
        (jose["name"].as_str(), jose["company"].as_str()),
        (Some("José Müller"), Some("Café Señor"))
    );
    assert_eq!(
        one(&leads, "email", "zoe@latin.example")["last_name"],
        "Ø'Brien"
    );
    let kenji = one(&leads, "email", "k@ndjson.example");
    assert_eq!(
        (kenji["first_name"].as_str(), kenji["company"].as_str()),
        (Some("健二"), Some("ﾃｽﾄ株式会社"))
    );
}

/// What cannot be decided is refused, naming the first line that is not valid and
/// suggesting --encoding; nothing of the file is stored, what was there stays.
#[test]
fn late_text_whose_encoding_cannot_be_decided_is_refused() {
    let env = seeded();
    let (mixed, lines) = ascii_rows_then(
        &[
            "Renée,Dubois,renee@utf8.example,Crème\r\n".as_bytes(),
            &windows_1252("José,Müller,jose@latin.example,Café\r\n"),
        ]
        .concat(),
    );
    let (damaged, damaged_lines) = ascii_rows_then(
        &[
            shift_jis(JAPANESE_ROWS),
            b"\x81,broken,b@sjis.example,x\r\n".to_vec(),
            shift_jis("健二,田中,kenji@sjis.example,東京\r\n"),
        ]
        .concat(),
    );
    let (bom, bom_lines) =
        ascii_rows_then(&windows_1252("José,Müller,jose@latin.example,Café\r\n"));
    let bom = [b"\xef\xbb\xbf".as_slice(), &bom].concat();
    let cases = [
        (
            "mixed.csv",
            mixed,
            vec![],
            format!(
                "mixed.csv:{}: not valid UTF-8, though line {} is: the file mixes encodings",
                lines + 2,
                lines + 1
            ),
        ),
        (
            "damaged.csv",
            damaged,
            vec![],
            format!(
                "damaged.csv:{}: not valid Shift_JIS, the encoding the rest of the file suggests",
                damaged_lines + 3
            ),
        ),
        (
            "bom.csv",
            bom,
            vec![],
            format!(
                "bom.csv:{}: not valid UTF-8, though the file starts with its byte order mark",
                bom_lines + 1
            ),
        ),
        (
            "given.csv",
            ascii_rows_then(&windows_1252("José,Müller,j@x.example,Café\r\n")).0,
            vec!["--encoding", "shift_jis"],
            format!(
                "given.csv:{}: not valid Shift_JIS, the encoding given",
                lines + 1
            ),
        ),
    ];
    for (name, bytes, extra, says) in cases {
        let path = env.path(name);
        std::fs::write(&path, &bytes).unwrap();
        let mut args = vec!["import".to_string()];
        args.extend(extra.iter().map(|a| a.to_string()));
        args.push(path.display().to_string());
        let run = env.run(&args);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(&says),
            "{name}: want {says:?} in\n{}",
            run.stderr
        );
        assert!(run.stderr.contains("--encoding"), "{name}: {}", run.stderr);
        assert!(
            run.stdout.contains(&format!("{name}: nothing imported")),
            "{}",
            run.stdout
        );
        let leads = env.list(&[]);
        assert_eq!(leads.len(), 1, "{name}: nothing of it is stored");
        assert_eq!(leads[0]["name"], "Some One");
    }

    // A pipe cannot be read twice: late legacy text from one is refused, with the line.
    let (bytes, lines) = ascii_rows_then(&shift_jis(JAPANESE_ROWS));
    let mut child = env
        .command(["import", "/dev/stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(&bytes);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "/dev/stdin:{}: not valid UTF-8, though the start of the file is",
            lines + 1
        )),
        "{stderr}"
    );
    assert!(stderr.contains("name it with --encoding"), "{stderr}");
    assert_eq!(env.list(&[]).len(), 1);
}
