#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The command-line contract, run against the real binary.

use std::process::{Command, Output};

fn megarepo(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_megarepo"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("MEGAREPO_HOME")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn done_then_list_json_shows_it_done() {
    let d = tempfile::tempdir().unwrap();
    let o = megarepo(d.path(), &["checklist", "done", "rust-book"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = megarepo(d.path(), &["checklist", "list", "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let item = v
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "rust-book")
        .unwrap();
    assert_eq!(item["done"], true);
    assert!(item["done_at"].is_string());
    let other = v
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "daily-challenge")
        .unwrap();
    assert_eq!(other["done"], false);
    // undo
    assert!(
        megarepo(d.path(), &["checklist", "undo", "rust-book"])
            .status
            .success()
    );
    let o = megarepo(d.path(), &["checklist", "list", "--filter", "done"]);
    assert!(!stdout(&o).contains("rust-book"), "{}", stdout(&o));
}

#[test]
fn every_seed_item_is_listed() {
    let d = tempfile::tempdir().unwrap();
    let o = megarepo(d.path(), &["checklist", "list"]);
    let out = stdout(&o);
    for want in [
        "Complete \"The Rust Programming Language\" book",
        "Solve 50 Rust problems on Codewars",
        "Jon Gjengset",
        "Write a basic bootloader",
        "Embrace failure as a learning opportunity",
        "Estimated full journey: 12-18 months",
    ] {
        assert!(out.contains(want), "missing {want}");
    }
}

#[test]
fn unknown_id_names_the_closest() {
    let d = tempfile::tempdir().unwrap();
    let o = megarepo(d.path(), &["checklist", "done", "rust-bok"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("unknown item id `rust-bok` (did you mean `rust-book`?)"),
        "{err}"
    );
}

#[test]
fn inc_counts_to_target_and_progress_sums() {
    let d = tempfile::tempdir().unwrap();
    let o = megarepo(d.path(), &["checklist", "inc", "leetcode-30", "30"]);
    assert_eq!(stdout(&o).trim(), "leetcode-30: 30/30 (done)");
    let o = megarepo(d.path(), &["checklist", "inc", "leetcode-30", "-5"]);
    assert_eq!(stdout(&o).trim(), "leetcode-30: 25/30");
    let o = megarepo(d.path(), &["checklist", "progress", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let done = v["overall"]["done"].as_f64().unwrap();
    assert!((done - 25.0 / 30.0).abs() < 1e-9, "{done}");
    assert_eq!(v["overall"]["total"], 38.0);
}

#[test]
fn parent_item_marks_all_children_and_sections_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let o = megarepo(d.path(), &["checklist", "done", "personal-cheat-sheets"]);
    assert_eq!(stdout(&o).trim(), "personal-cheat-sheets: done (5 items)");
    let o = megarepo(d.path(), &["checklist", "done", "fundamentals"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("is a section"));
}

#[test]
fn malformed_roadmap_warns_and_still_works() {
    let d = tempfile::tempdir().unwrap();
    let content = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(content.path().join("lessons")).unwrap();
    std::fs::write(
        content.path().join("lessons/roadmap.yaml"),
        "version: 1\ntitle: [oops\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_megarepo"))
        .args(["--data-dir"])
        .arg(d.path())
        .arg("--content-dir")
        .arg(content.path())
        .args(["checklist", "list"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let err = stderr(&o);
    assert!(err.contains("roadmap.yaml:"), "{err}");
    assert!(err.contains("using the built-in roadmap"), "{err}");
    assert!(stdout(&o).contains("Jon Gjengset"));
}

#[test]
fn data_dir_that_is_a_file_is_a_one_line_error() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("file");
    std::fs::write(&f, "precious").unwrap();
    let o = megarepo(&f, &["checklist", "list"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("is not a folder"), "{err}");
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "precious");
}

#[test]
fn second_instance_is_refused_naming_the_store() {
    let d = tempfile::tempdir().unwrap();
    // Hold the store open in this process, as a running TUI would.
    let held = megarepo::store::Store::open(d.path()).unwrap();
    let o = megarepo(d.path(), &["checklist", "done", "rust-book"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("in use by another running megarepo"), "{err}");
    assert!(
        err.contains(&d.path().join("store").display().to_string()),
        "{err}"
    );
    drop(held);
    assert!(
        megarepo(d.path(), &["checklist", "done", "rust-book"])
            .status
            .success()
    );
}

#[test]
fn damaged_store_is_reported_and_left_in_place() {
    let d = tempfile::tempdir().unwrap();
    assert!(
        megarepo(d.path(), &["checklist", "done", "rust-book"])
            .status
            .success()
    );
    // Damage sled's config file; the store must be reported, not replaced.
    let conf = d.path().join("store/conf");
    std::fs::write(&conf, b"garbage garbage garbage").unwrap();
    let before: Vec<_> = std::fs::read_dir(d.path().join("store"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let o = megarepo(d.path(), &["checklist", "list"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(&d.path().join("store").display().to_string()),
        "{err}"
    );
    assert_eq!(std::fs::read(&conf).unwrap(), b"garbage garbage garbage");
    let after: Vec<_> = std::fs::read_dir(d.path().join("store"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn version_help_and_completions() {
    let d = tempfile::tempdir().unwrap();
    let o = megarepo(d.path(), &["--version"]);
    assert!(stdout(&o).starts_with("megarepo "));
    let o = megarepo(d.path(), &["checklist", "--help"]);
    assert!(stdout(&o).contains("done"));
    let o = megarepo(d.path(), &["completions", "bash"]);
    assert!(stdout(&o).contains("_megarepo"));
    let o = megarepo(d.path(), &["checklist", "frobnicate"]);
    assert!(!o.status.success());
}

#[test]
fn sheets_list_show_search_and_new() {
    let d = tempfile::tempdir().unwrap();
    let o = megarepo(d.path(), &["sheet", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    for want in [
        "ownership",
        "traits",
        "generics",
        "error-handling",
        "concurrency",
        "lesson/phase-2-kv",
    ] {
        assert!(names.contains(&want), "missing {want}: {names:?}");
    }
    // piped: plain text, no escape codes
    let o = megarepo(d.path(), &["sheet", "show", "ownership", "--width", "60"]);
    let text = stdout(&o);
    assert!(text.starts_with("Ownership and Borrowing"), "{text}");
    assert!(!text.contains('\x1b'));
    // Every line fits, but a link's address (its own line in the Links
    // list at the end), which is never broken so it can be copied.
    assert!(
        text.lines()
            .all(|l| unicode_width(l) <= 60 || !l.trim().contains(' ') && l.contains("://")),
        "wrapped to 60"
    );
    let o = megarepo(d.path(), &["sheet", "show", "ownershp"]);
    assert!(
        stderr(&o).contains("did you mean `ownership`"),
        "{}",
        stderr(&o)
    );

    let o = megarepo(d.path(), &["search", "--json", "E0382"]);
    let hits: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let h = hits
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["sheet"] == "ownership")
        .unwrap();
    assert!(h["line"].as_u64().unwrap() > 1);
    assert_eq!(h["heading"], "Reading the compiler");

    // a personal sheet: created from the template, listed as mine, never overwritten
    let o = Command::new(env!("CARGO_BIN_EXE_megarepo"))
        .arg("--data-dir")
        .arg(d.path())
        .args(["sheet", "new", "ownership"])
        .env_remove("EDITOR")
        .env_remove("VISUAL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let path = d.path().join("sheets/ownership.md");
    std::fs::write(&path, "# My ownership notes\nboxes and moves\n").unwrap();
    let o = megarepo(d.path(), &["sheet", "new", "ownership"]);
    assert!(stdout(&o).contains("existing"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# My ownership notes\nboxes and moves\n"
    );
    let o = megarepo(d.path(), &["search", "boxes and moves"]);
    assert!(stdout(&o).contains("my/ownership:2"), "{}", stdout(&o));
    let o = megarepo(d.path(), &["sheet", "new", "../escape"]);
    assert!(!o.status.success());
    assert!(!d.path().join("escape.md").exists());
}

/// Display columns, as the terminal counts them (wide characters are two).
fn unicode_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

#[test]
fn study_settings_change_the_streak_rule_and_bad_values_change_nothing() {
    let d = tempfile::tempdir().unwrap();
    let mut day = jiff::ZonedDateTime::now().date();
    for _ in 0..3 {
        let date = day.to_string();
        day = day.yesterday().unwrap();
        let day = date;
        let o = megarepo(
            d.path(),
            &[
                "timer",
                "log",
                "--date",
                &day,
                "--minutes",
                "40",
                "--mode",
                "coding",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let streak = |d: &std::path::Path| {
        let o = megarepo(d, &["stats", "--json"]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        v["streak"]["current"].as_u64().unwrap()
    };
    assert_eq!(
        streak(d.path()),
        3,
        "40 minutes a day passes the default 30"
    );
    let o = megarepo(
        d.path(),
        &["timer", "settings", "--threshold", "45", "--freezes", "0"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(streak(d.path()), 0, "40 minutes no longer counts at 45");
    let o = megarepo(
        d.path(),
        &["timer", "settings", "--threshold", "30", "--goal", "9999"],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("daily goal"), "{}", stderr(&o));
    let o = megarepo(d.path(), &["timer", "settings", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["streak_threshold_minutes"], 45,
        "a rejected call wrote nothing"
    );
}

fn megarepo_stdin(data: &std::path::Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_megarepo"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("MEGAREPO_HOME")
        .env("EDITOR", "false")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn counters_are_bounded_and_only_on_counted_items() {
    let d = tempfile::tempdir().unwrap();
    let o = megarepo(
        d.path(),
        &["checklist", "inc", "codewars-50", "99999999999"],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("more than"), "{}", stderr(&o));
    let o = megarepo(d.path(), &["checklist", "inc", "codewars-50", "49"]);
    assert_eq!(stdout(&o), "codewars-50: 49/50\n");
    let o = megarepo(d.path(), &["checklist", "inc", "codewars-50", "5"]);
    assert_eq!(stdout(&o), "codewars-50: 50/50 (done)\n");
    let o = megarepo(d.path(), &["checklist", "inc", "rust-book"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("has no counter"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1);
    let o = megarepo(d.path(), &["checklist", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let book = v
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "rust-book")
        .unwrap();
    assert!(book["count"].is_null(), "{book}");
}

#[test]
fn blank_notes_and_empty_journal_text_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let o = megarepo(d.path(), &["checklist", "note", "rust-book", "   "]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("only spaces"), "{}", stderr(&o));
    let o = megarepo(d.path(), &["journal", "add", ""]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("nothing to add"), "{}", stderr(&o));
    let o = megarepo(d.path(), &["journal", "list"]);
    assert!(
        stdout(&o).starts_with("no journal entries yet"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn journal_add_reads_standard_input_without_a_terminal() {
    let d = tempfile::tempdir().unwrap();
    let o = megarepo_stdin(d.path(), &["journal", "add"], "from stdin\nsecond line\n");
    assert!(o.status.success(), "{}", stderr(&o));
    let today = jiff::ZonedDateTime::now().date().to_string();
    let o = megarepo(d.path(), &["journal", "show", &today]);
    assert!(stdout(&o).contains("from stdin"), "{}", stdout(&o));
    assert!(stdout(&o).contains("second line"), "{}", stdout(&o));
    // Empty input changes nothing.
    let o = megarepo_stdin(d.path(), &["journal", "add", "--date", "2026-01-02"], "");
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("standard input was empty"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn completions_into_a_closed_pipe_end_quietly() {
    let d = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_megarepo"))
        .arg("--data-dir")
        .arg(d.path())
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the pipe before the script is written (`| head -0`): every
    // write fails with EPIPE, whatever the pipe buffer holds.
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert_ne!(o.status.code(), Some(101));
}

#[test]
fn a_missing_kv_key_is_not_found_for_get_and_rm_alike() {
    let d = tempfile::tempdir().unwrap();
    for verb in ["get", "rm"] {
        let o = megarepo(d.path(), &["kv", verb, "nope"]);
        assert_eq!(o.status.code(), Some(1), "kv {verb}: {}", stderr(&o));
        assert!(stderr(&o).contains("\"nope\" not found"), "{}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    }
    assert!(
        megarepo(d.path(), &["kv", "set", "k", "v"])
            .status
            .success()
    );
    let o = megarepo(d.path(), &["kv", "rm", "k"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "deleted\n");
}

#[test]
fn empty_results_and_progress_counts_read_plainly() {
    let d = tempfile::tempdir().unwrap();
    let o = megarepo(d.path(), &["checklist", "list", "--filter", "done"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "no items match --filter done\n");
    let o = megarepo(d.path(), &["journal", "list", "--search", "borrow"]);
    assert_eq!(stdout(&o), "no journal entries match `borrow`\n");
    let o = megarepo(d.path(), &["journal", "list"]);
    assert!(
        stdout(&o).starts_with("no journal entries yet"),
        "{}",
        stdout(&o)
    );
    // Whole items, even with a counter part-way.
    assert!(
        megarepo(d.path(), &["checklist", "done", "rust-book"])
            .status
            .success()
    );
    assert!(
        megarepo(d.path(), &["checklist", "inc", "codewars-50", "7"])
            .status
            .success()
    );
    let o = megarepo(d.path(), &["checklist", "progress"]);
    let text = stdout(&o);
    for line in text.lines() {
        let frac = line.split_whitespace().find(|w| w.contains('/')).unwrap();
        assert!(!frac.contains('.'), "{line}");
    }
    assert!(
        text.lines().last().unwrap().starts_with("Overall"),
        "{text}"
    );
    assert!(text.contains(" 1/"), "{text}");
}

#[test]
fn sheet_show_prints_the_link_addresses() {
    let d = tempfile::tempdir().unwrap();
    let o = megarepo(d.path(), &["sheet", "show", "ownership"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let (body, links) = text
        .rsplit_once("\nLinks\n")
        .expect("a Links list at the end");
    assert!(links.contains("https://"), "{links}");
    // Every [n] marker in the text has its address in the list.
    // (on the entry's line, or the next one when it would not fit).
    let lines: Vec<&str> = links.lines().collect();
    let mut n = 1;
    while body.contains(&format!("[{n}]")) {
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with(&format!("[{n}] ")))
            .unwrap_or_else(|| panic!("no entry for [{n}]:\n{links}"));
        let address = if lines[at].contains("://") {
            lines[at]
        } else {
            lines.get(at + 1).copied().unwrap_or("")
        };
        assert!(address.contains("://"), "[{n}]:\n{links}");
        n += 1;
    }
    assert!(n > 3, "expected several links, found {}", n - 1);
    // Piped: no pager, even with one set.
    let o = Command::new(env!("CARGO_BIN_EXE_megarepo"))
        .args(["--data-dir"])
        .arg(d.path())
        .args(["sheet", "show", "ownership"])
        .env("PAGER", "false")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(stdout(&o), text);
}

#[test]
fn an_os_error_is_said_once() {
    let d = tempfile::tempdir().unwrap();
    assert!(
        megarepo(d.path(), &["journal", "add", "one line"])
            .status
            .success()
    );
    let file = d.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let o = megarepo(d.path(), &["journal", "export", file.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert_eq!(err.matches("os error").count(), 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn timer_times_are_local_to_the_minute_and_status_has_json() {
    let d = tempfile::tempdir().unwrap();
    assert!(megarepo(d.path(), &["timer", "start"]).status.success());
    let o = megarepo(d.path(), &["timer", "start"]);
    let err = stderr(&o);
    assert!(err.contains("already running"), "{err}");
    // "started 14:01", not 2026-12-01T14:01:35.703685591Z.
    let started = err.split("started ").nth(1).unwrap();
    let hhmm = &started[..5];
    assert!(
        hhmm.as_bytes()[2] == b':' && hhmm.chars().filter(char::is_ascii_digit).count() == 4,
        "{err}"
    );
    assert!(!err.contains('Z') && !err.contains("T"), "{err}");
    let o = megarepo(d.path(), &["status", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["running"]["mode"], "reading");
    assert!(v["line"].as_str().unwrap().starts_with("running reading"));
    let o = megarepo(d.path(), &["timer", "sessions", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["state"], "running");
    // Without a terminal, rm refuses unless told --yes.
    let o = megarepo(d.path(), &["timer", "stop"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = megarepo(d.path(), &["timer", "rm", "1"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("add --yes"), "{}", stderr(&o));
    let o = megarepo(d.path(), &["timer", "rm", "1", "--yes"]);
    assert!(
        stdout(&o).starts_with("removed session 1"),
        "{}",
        stderr(&o)
    );
    let o = megarepo(d.path(), &["timer", "sessions"]);
    assert!(stdout(&o).starts_with("no sessions"), "{}", stdout(&o));
}

/// The README's command list names every command `megarepo --help` lists,
/// and every subcommand of the app's own groups.
#[test]
fn the_readme_lists_every_command() {
    use clap::CommandFactory;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("## The command line")
        .nth(1)
        .and_then(|s| s.split("```").nth(1))
        .unwrap();
    let cmd = megarepo::cli::Cli::command();
    let mut missing = Vec::new();
    for sub in cmd.get_subcommands() {
        let name = sub.get_name();
        let lines: Vec<&str> = block
            .lines()
            .filter(|l| l.contains(&format!("megarepo {name}")))
            .collect();
        if lines.is_empty() {
            missing.push(name.to_string());
            continue;
        }
        // The app's own groups list each of their subcommands, and their
        // long options.
        if ["checklist", "sheet", "timer", "journal", "exercise"].contains(&name) {
            for s in sub.get_subcommands() {
                let word = s.get_name();
                let named = lines.iter().any(|l| {
                    l.split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                        .any(|w| w == word)
                });
                if !named {
                    missing.push(format!("{name} {word}"));
                    continue;
                }
                for a in s.get_arguments() {
                    if let Some(long) = a.get_long()
                        && !lines.iter().any(|l| l.contains(&format!("--{long}")))
                    {
                        missing.push(format!("{name} {word} --{long}"));
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not in README's command list: {missing:?}"
    );
}

#[test]
fn checklist_changes_answer_in_json_too() {
    let d = tempfile::tempdir().unwrap();
    let o = megarepo(d.path(), &["checklist", "done", "rust-book", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["done"], true);
    assert_eq!(v["items"][0], "rust-book");
    let o = megarepo(
        d.path(),
        &["checklist", "inc", "codewars-50", "3", "--json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["count"].as_u64(), v["target"].as_u64()),
        (Some(3), Some(50))
    );
    let o = megarepo(
        d.path(),
        &["checklist", "note", "rust-book", "chapter 4", "--json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["note"], "chapter 4");
    let o = megarepo(d.path(), &["checklist", "undo", "rust-book", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["done"], false);
}

#[test]
fn date_options_are_refused_in_plain_words() {
    let d = tempfile::tempdir().unwrap();
    let o = megarepo(d.path(), &["exercise", "daily", "--date", "30/11/2026"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("expected today, yesterday or YYYY-MM-DD, like 2026-11-30"),
        "{err}"
    );
    assert!(!err.contains("four digit integer"), "{err}");
    let o = megarepo(d.path(), &["journal", "show", "30/11/2026"]);
    assert_eq!(
        stderr(&o),
        "error: bad date \"30/11/2026\": expected today, yesterday or YYYY-MM-DD, like 2026-11-30\n"
    );
}
