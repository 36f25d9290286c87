//! The bundled SQLite is built with the options `.cargo/config.toml` gives it: without them a
//! 1M import took 2.57x the time of `sqlite3 .import` (BENCHMARKS.md), over the 2.5x target.
//! This fails in a build that did not get them (`cargo install` run from outside the
//! repository, or a `LIBSQLITE3_FLAGS` of one's own), so that no measured figure comes from
//! a SQLite other than the one described.

#[test]
fn the_bundled_sqlite_has_the_options_the_figures_were_measured_with() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    let options: Vec<String> = conn
        .prepare("PRAGMA compile_options")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for wanted in [
        "DEFAULT_MEMSTATUS=0",
        "DEFAULT_LOOKASIDE=1200,2048",
        "OMIT_SHARED_CACHE",
    ] {
        assert!(
            options.iter().any(|o| o == wanted),
            "SQLite built without {wanted}: {options:?}"
        );
    }
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "SQLite built with ENABLE_MEMORY_MANAGEMENT: {options:?}"
    );
    // What the store relies on in any build.
    assert!(options.iter().any(|o| o == "THREADSAFE=1"), "{options:?}");
}
