//! Lanes: the inbox's action filters as the store keeps them. Each known action has a lane,
//! in the order of its tab (`Action::KNOWN`); every other action shares one; Microsoft's test
//! leads have one of their own whatever their action. A lead's lane is stored with it and
//! leads every sort order, so a filter reads one range. This is the one definition.

use super::Action;

/// A lane number as stored.
pub type Lane = u8;

/// Leads whose action is not a known one (or missing).
pub const OTHER: Lane = Action::KNOWN.len() as Lane + 1;
/// Microsoft's test leads, whatever their action.
pub const TEST: Lane = OTHER + 1;

/// The lane of a known action: 1 for the first of `Action::KNOWN`, and so on.
pub fn of_known(action: &Action) -> Option<Lane> {
    Action::KNOWN
        .iter()
        .position(|known| known == action)
        .map(|i| i as Lane + 1)
}

/// The known action a lane holds (none for the other and test lanes).
pub fn action(lane: Lane) -> Option<&'static Action> {
    Action::KNOWN.get(usize::from(lane).checked_sub(1)?)
}

/// The lane a lead is stored in.
pub fn of(action: Option<&Action>, is_test: bool) -> Lane {
    if is_test {
        return TEST;
    }
    action.and_then(of_known).unwrap_or(OTHER)
}

/// The same rule in SQL, over an action column (its text as stored) and a test flag.
pub fn sql(action: &str, is_test: &str) -> String {
    let known: String = Action::KNOWN
        .iter()
        .map(|a| {
            format!(
                " WHEN {action} = '{}' THEN {}",
                a.as_str(),
                of(Some(a), false)
            )
        })
        .collect();
    format!("CASE WHEN {is_test} THEN {TEST}{known} ELSE {OTHER} END")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_has_the_lane_of_its_tab() {
        assert_eq!(of(Some(&Action::Ins), false), 1);
        assert_eq!(of(Some(&Action::Plt), false), 2);
        assert_eq!(of(Some(&Action::Dnc), false), 3);
        assert_eq!(of(Some(&Action::Create), false), 4);
        assert_eq!(of(Some(&Action::StartTestDrive), false), 5);
        assert_eq!(of(Some(&Action::Other("XSELL".into())), false), 6);
        assert_eq!(of(None, false), 6);
        assert_eq!(of(Some(&Action::Ins), true), 7);
        assert_eq!((OTHER, TEST), (6, 7));
        assert_eq!(action(2), Some(&Action::Plt));
        assert_eq!(action(OTHER), None);
        assert_eq!(action(0), None);
    }

    #[test]
    fn the_sql_rule_is_the_same() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let rule = sql("a", "t");
        for (a, t, lane) in [
            ("INS", 0, 1),
            ("PLT", 0, 2),
            ("DNC", 0, 3),
            ("Create", 0, 4),
            ("StartTestDrive", 0, 5),
            ("XSELL", 0, 6),
            ("ins", 0, 6),
            ("INS", 1, 7),
        ] {
            let got: i64 = conn
                .query_row(
                    &format!("SELECT {rule} FROM (SELECT ?1 AS a, ?2 AS t)"),
                    rusqlite::params![a, t],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(got, lane, "{a} {t}");
        }
    }
}
