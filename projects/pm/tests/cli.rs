#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Black-box tests of the `pm` binary: every subcommand, the `--json`
//! shapes, the exit statuses, and what happens to a damaged board.

mod common;

use std::collections::BTreeSet;
use std::fs;

use common::{fails, json, ok, pm, pm_command, workspace};
use serde_json::Value;

/// The keys of a JSON object, sorted.
fn keys(v: &Value) -> Vec<String> {
    let set: BTreeSet<String> = v.as_object().expect("an object").keys().cloned().collect();
    set.into_iter().collect()
}

#[test]
fn a_week_of_study_tasks() {
    let ws = workspace();
    let d = ws.path();
    assert_eq!(
        ok(d, &["project", "add", "rust-book", "-d", "The Book"]),
        "added project rust-book\n"
    );
    assert_eq!(
        ok(
            d,
            &[
                "add",
                "Read",
                "chapter",
                "4",
                "-p",
                "rust-book",
                "-t",
                "reading",
                "-P",
                "high",
                "--due",
                "2099-01-02"
            ]
        ),
        "added #1 Read chapter 4\n"
    );
    ok(
        d,
        &[
            "add",
            "Exercism two-fer",
            "-t",
            "practice",
            "--due",
            "2000-01-01",
            "-n",
            "use match",
        ],
    );
    ok(d, &["add", "Write a blog post"]);

    assert_eq!(ok(d, &["start", "1"]), "#1 doing: Read chapter 4\n");
    assert_eq!(ok(d, &["done", "3"]), "#3 done: Write a blog post\n");
    assert_eq!(
        ok(d, &["tag", "2", "rust", "exercism"]),
        "#2 tags: practice, rust, exercism\n"
    );
    assert_eq!(
        ok(d, &["tag", "2", "--remove", "exercism"]),
        "#2 tags: practice, rust\n"
    );
    assert_eq!(ok(d, &["due", "1", "none"]), "#1 has no due date\n");
    assert_eq!(
        ok(d, &["due", "1", "2099-01-01"]),
        "#1 due 2099-01-01 (Thu)\n"
    );

    // list: done tasks are hidden unless asked for; doing sorts first.
    let list = ok(d, &["list"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(lines[0].starts_with("#1  doing  high"), "{list}");
    assert!(
        lines[0].contains("[rust-book]") && lines[0].contains("+reading"),
        "{list}"
    );
    assert!(lines[1].contains("(due 2000-01-01, overdue)"), "{list}");
    assert_eq!(ok(d, &["list", "--all"]).lines().count(), 3);

    // Filters.
    let ids = |args: &[&str]| -> Vec<u64> {
        let mut all = vec!["list", "--json"];
        all.extend_from_slice(args);
        json(d, &all)
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(ids(&["--status", "done"]), [3]);
    assert_eq!(ids(&["--status", "todo", "--status", "doing"]), [1, 2]);
    assert_eq!(ids(&["--tag", "rust"]), [2]);
    assert_eq!(ids(&["--project", "rust-book"]), [1]);
    assert_eq!(ids(&["--due", "2050-01-01"]), [2]);
    assert_eq!(ids(&["--overdue"]), [2]);
    assert_eq!(ids(&["--all", "--tag", "nope"]), Vec::<u64>::new());

    // edit, search.
    ok(
        d,
        &[
            "edit",
            "2",
            "--title",
            "Exercism: two-fer",
            "--no-notes",
            "--priority",
            "low",
            "--project",
            "rust-book",
        ],
    );
    let t2 = &json(d, &["search", "two-fer", "--json"])[0];
    assert_eq!((t2["id"].as_u64(), t2["notes"].is_null()), (Some(2), true));
    assert_eq!(t2["priority"], "low");
    assert_eq!(ok(d, &["search", "nothing-like-this"]), "no tasks\n");
    assert_eq!(
        json(d, &["search", "BLOG", "--json"])[0]["id"],
        3,
        "search ignores case and sees done tasks"
    );

    // board: three columns with their counts.
    let board = ok(d, &["board"]);
    let head: Vec<&str> = board
        .lines()
        .next()
        .unwrap()
        .split('|')
        .map(str::trim)
        .collect();
    assert_eq!(head, ["TODO (1)", "DOING (1)", "DONE (1)"], "{board}");
    assert!(
        board.contains("#2 Exercism: two-fer!"),
        "overdue cards are marked: {board}"
    );
    let only = ok(d, &["board", "--project", "rust-book"]);
    assert!(only.starts_with("TODO (1)"), "{only}");
    assert!(only.contains("DONE (0)"), "{only}");

    // report.
    let report = ok(d, &["report"]);
    assert!(report.contains("rust-book"), "{report}");
    assert!(
        report.contains("#2 Exercism: two-fer [rust-book]: due 2000-01-01"),
        "{report}"
    );

    // rm, and ids are not reused.
    assert_eq!(ok(d, &["rm", "3"]), "removed #3 Write a blog post\n");
    assert_eq!(ok(d, &["add", "next"]), "added #4 next\n");

    // project list and rm.
    assert_eq!(
        ok(d, &["project", "list"]),
        "rust-book  1 todo, 1 doing, 0 done  The Book\n"
    );
    fails(d, &["project", "rm", "rust-book"], 1);
    assert_eq!(
        ok(d, &["project", "rm", "rust-book", "--force"]),
        "removed project rust-book; its 2 task(s) are kept without a project\n"
    );
    assert!(
        json(d, &["list", "--json"])
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["project"].is_null())
    );
}

#[test]
fn json_shapes_are_stable() {
    let ws = workspace();
    let d = ws.path();
    ok(d, &["project", "add", "p"]);
    ok(d, &["add", "bare"]);
    ok(
        d,
        &[
            "add",
            "full",
            "-p",
            "p",
            "-t",
            "x",
            "--due",
            "2000-01-01",
            "-n",
            "notes",
        ],
    );
    ok(d, &["done", "1"]);

    let list = json(d, &["list", "--all", "--json"]);
    let expected = [
        "created", "done_at", "due", "id", "notes", "overdue", "priority", "project", "source",
        "status", "tags", "title", "updated",
    ];
    for task in list.as_array().unwrap() {
        assert_eq!(keys(task), expected, "every task has every key: {task}");
    }
    let bare = &list[1];
    assert_eq!(
        (bare["title"].as_str(), bare["status"].as_str()),
        (Some("bare"), Some("done"))
    );
    assert!(bare["due"].is_null() && bare["project"].is_null() && bare["done_at"].is_string());
    assert_eq!(bare["tags"], serde_json::json!([]));
    let full = &list[0];
    assert_eq!(
        (full["due"].as_str(), full["overdue"].as_bool()),
        (Some("2000-01-01"), Some(true))
    );

    let report = json(d, &["report", "--json", "--weeks", "2"]);
    assert_eq!(
        keys(&report),
        ["done_per_week", "overdue", "projects", "today"]
    );
    assert_eq!(
        keys(&report["projects"][0]),
        ["doing", "done", "overdue", "project", "todo"]
    );
    assert_eq!(report["projects"][0]["project"], "p");
    assert_eq!(
        report["projects"][1]["project"],
        Value::Null,
        "tasks without a project"
    );
    assert_eq!(report["projects"][1]["done"], 1);
    assert_eq!(
        keys(&report["overdue"][0]),
        ["days_late", "due", "id", "project", "title"]
    );
    let weeks = report["done_per_week"].as_array().unwrap();
    assert_eq!(weeks.len(), 2);
    assert_eq!(keys(&weeks[1]), ["done", "week_start"]);
    assert_eq!(
        weeks[1]["done"], 1,
        "the task done just now counts this week"
    );

    let projects = json(d, &["project", "list", "--json"]);
    assert_eq!(
        keys(&projects[0]),
        ["description", "doing", "done", "name", "todo"]
    );
    assert_eq!(projects[0]["todo"], 1);
}

#[test]
fn usage_errors_exit_2() {
    let ws = workspace();
    let d = ws.path();
    ok(d, &["add", "x"]);
    for args in [
        &["add"][..],
        &["frobnicate"],
        &["done", "one"],
        &["list", "--status", "finished"],
        &["add", "x", "--due", "someday"],
        &["add", "x", "-t", "two words"],
        &["due", "1", "31/12/2026"],
        &["edit", "1"],
        &["report", "--weeks", "0"],
    ] {
        let err = fails(d, args, 2);
        assert!(!err.is_empty(), "{args:?}");
    }
    // Our own usage errors are one line.
    let err = fails(d, &["add", "x", "--due", "someday"], 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("pm: cannot read the date `someday`"),
        "{err}"
    );
}

#[test]
fn not_found_exits_3_and_changes_nothing() {
    let ws = workspace();
    let d = ws.path();
    ok(d, &["add", "one"]);
    let before = fs::read(d.join(".pm/board.yaml")).unwrap();
    assert_eq!(
        fails(d, &["done", "9"], 3),
        "pm: no task #9; `pm list --all` shows every task\n"
    );
    // All or nothing: #1 exists but #9 does not, so #1 stays todo.
    fails(d, &["done", "1", "9"], 3);
    fails(d, &["rm", "1", "9"], 3);
    fails(d, &["add", "x", "-p", "nope"], 3);
    fails(d, &["list", "-p", "nope"], 3);
    fails(d, &["board", "-p", "nope"], 3);
    fails(d, &["project", "rm", "nope"], 3);
    assert_eq!(fs::read(d.join(".pm/board.yaml")).unwrap(), before);

    // No workspace anywhere above an empty temporary folder (unless the
    // machine has one above /tmp, which would make this test meaningless).
    let empty = tempfile::tempdir().unwrap();
    let above = empty
        .path()
        .ancestors()
        .skip(1)
        .any(|a| a.join(".pm/board.yaml").is_file());
    if !above {
        let err = fails(empty.path(), &["list"], 3);
        assert!(
            err.contains("no pm workspace in") && err.contains("pm init"),
            "{err}"
        );
    }
    let err = fails(empty.path(), &["--workspace", ".", "list"], 3);
    assert!(err.contains("is not a pm workspace"), "{err}");
}

#[test]
fn io_failure_exits_4() {
    let ws = workspace();
    let d = ws.path();
    // A folder where the lock file should be: opening it fails.
    fs::remove_file(d.join(".pm/lock")).ok();
    fs::create_dir(d.join(".pm/lock")).unwrap();
    let err = fails(d, &["add", "x"], 4);
    assert!(err.starts_with("pm: cannot open the lock file"), "{err}");
    assert!(err.contains(".pm/lock"), "{err}");
    let err = fails(d, &["scan", "no-such-folder"], 4);
    assert!(err.contains("no-such-folder"), "{err}");
}

#[test]
fn a_damaged_board_is_reported_with_its_position_and_left_alone() {
    let ws = workspace();
    let d = ws.path();
    ok(d, &["add", "one"]);
    let path = d.join(".pm/board.yaml");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("title: one", "titel: one");
    fs::write(&path, &text).unwrap();
    let line = text.lines().position(|l| l.contains("titel")).unwrap() + 1;

    for args in [&["add", "two"][..], &["list"], &["done", "1"]] {
        let err = fails(d, args, 1);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!(
                "board.yaml:{line}:3: tasks[0]: unknown field `titel`"
            )),
            "{err}"
        );
        assert!(err.contains("the file was left as it is"), "{err}");
    }
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        text,
        "never overwritten"
    );

    // Fixed by hand, everything works again.
    fs::write(&path, text.replace("titel", "title")).unwrap();
    ok(d, &["add", "two"]);
}

#[test]
fn a_newer_format_is_refused() {
    let ws = workspace();
    let d = ws.path();
    let path = d.join(".pm/board.yaml");
    fs::write(&path, "version: 7\nsomething_new: true\n").unwrap();
    let err = fails(d, &["add", "x"], 1);
    assert!(
        err.contains("format version 7") && err.contains("newer pm"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "version: 7\nsomething_new: true\n"
    );
}

#[test]
fn init_refuses_to_overwrite() {
    let ws = workspace();
    let d = ws.path();
    ok(d, &["add", "keep"]);
    let err = fails(d, &["init"], 1);
    assert!(err.contains("already exists; nothing was changed"), "{err}");
    assert!(ok(d, &["list"]).contains("keep"));
    let err = fails(d, &["project", "add", "a b"], 2);
    assert!(err.contains("letters, digits"), "{err}");
    ok(d, &["project", "add", "a"]);
    fails(d, &["project", "add", "a"], 1);
}

#[test]
fn the_workspace_is_found_from_below_or_named() {
    let ws = workspace();
    let d = ws.path();
    let deep = d.join("src/deep");
    fs::create_dir_all(&deep).unwrap();
    ok(&deep, &["add", "from below"]);

    let elsewhere = tempfile::tempdir().unwrap();
    let root = d.to_str().unwrap();
    assert!(ok(elsewhere.path(), &["--workspace", root, "list"]).contains("from below"));
    assert!(
        ok(elsewhere.path(), &["list", "-w", root]).contains("from below"),
        "--workspace is global"
    );
    let out = pm_command(elsewhere.path())
        .env("PM_WORKSPACE", root)
        .arg("list")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("from below"));

    // `init DIR` makes another folder a workspace.
    let other = elsewhere.path().join("new");
    ok(elsewhere.path(), &["init", "new"]);
    assert!(other.join(".pm/board.yaml").is_file());
    assert!(other.join(".pm/.gitignore").is_file());
}

#[test]
fn scan_turns_comments_into_tasks_and_rescans_without_duplicates() {
    let ws = workspace();
    let d = ws.path();
    fs::create_dir_all(d.join("src")).unwrap();
    fs::write(
        d.join("src/main.rs"),
        "fn main() {}\n// TODO: handle errors\n",
    )
    .unwrap();
    fs::write(d.join("src/lib.rs"), "/* FIXME: slow */\n").unwrap();
    ok(d, &["project", "add", "code"]);

    let dry = ok(d, &["scan", "src", "--dry-run"]);
    assert!(dry.contains("src/main.rs:2: TODO handle errors"), "{dry}");
    assert!(dry.ends_with("dry run, nothing saved\n"), "{dry}");
    assert_eq!(ok(d, &["list"]), "no tasks\n");

    let run = pm(d, &["scan", "src", "-p", "code"]);
    assert!(run.status.success());
    let out = String::from_utf8(run.stdout).unwrap();
    assert!(out.contains("2 comment(s); 2 new task(s)"), "{out}");
    assert!(
        run.stderr.is_empty(),
        "no progress line when stderr is not a terminal"
    );
    let tasks = json(d, &["list", "--json", "--tag", "todo"]);
    assert_eq!(tasks[0]["source"]["file"], "src/main.rs");
    assert_eq!(tasks[0]["source"]["line"], 2);
    assert_eq!(tasks[0]["project"], "code");

    fs::write(
        d.join("src/main.rs"),
        "\n\nfn main() {}\n// TODO: handle errors\n",
    )
    .unwrap();
    fs::write(d.join("src/lib.rs"), "// fixed\n").unwrap();
    let out = ok(d, &["scan", "src"]);
    assert!(
        out.contains("0 new task(s), 1 moved, 0 unchanged, 1 closed"),
        "{out}"
    );
    let all = json(d, &["list", "--all", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), 2, "no duplicates");
    assert_eq!(all[0]["source"]["line"], 4);
}

#[test]
fn completions_for_bash_name_the_subcommands() {
    let d = tempfile::tempdir().unwrap();
    let script = ok(d.path(), &["completions", "bash"]);
    for word in ["init", "project", "scan", "report", "--workspace"] {
        assert!(script.contains(word), "{word} missing");
    }
    fails(d.path(), &["completions", "tcsh"], 2);
}

#[test]
fn help_and_version() {
    let d = tempfile::tempdir().unwrap();
    let help = ok(d.path(), &["--help"]);
    assert!(help.contains("Usage: pm [OPTIONS] <COMMAND>"), "{help}");
    assert!(!help.contains("stress-writer"), "test helpers stay hidden");
    assert!(ok(d.path(), &["--version"]).starts_with("pm "));
    let out = pm(d.path(), &["list", "--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("--overdue"));
}

#[test]
fn scan_shows_progress_on_a_terminal_and_clears_it() {
    // util-linux `script` runs the command in a pseudo-terminal, so stderr
    // is a terminal there. Without `script` there is nothing to test with.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no `script` command");
        return;
    }
    let ws = workspace();
    let d = ws.path();
    fs::write(d.join("a.rs"), "// TODO: one\n").unwrap();
    let command = format!("'{}' scan a.rs --dry-run", env!("CARGO_BIN_EXE_pm"));
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(d)
        .env_remove("PM_WORKSPACE")
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(
        screen.contains("\rscanning: 1 files, 1 comments"),
        "{screen:?}"
    );
    // The line is erased before the result is printed over it.
    assert!(screen.contains("\r\x1b[Ka.rs:1: TODO one"), "{screen:?}");
}
