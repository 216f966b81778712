//! The profile stage's contract: every problem of a profile is reported at
//! once, each at file:line:column with its YAML path, and the exact wording is
//! part of the contract (these tests assert the rendered text).

mod common;

use hicp::profile::{self, Diagnostics, Loaded, types::Size};
use std::path::Path;
use std::time::{Duration, Instant};

const DIR: &str = "tests/fixtures/profiles";

fn fixture(name: &str) -> String {
    format!("{DIR}/{name}")
}

fn load_err(name: &str) -> Diagnostics {
    match profile::load(Path::new(&fixture(name))) {
        Ok(l) => panic!("{name} should not load, got size {:?}", l.size),
        Err(d) => d,
    }
}

fn load_ok(name: &str) -> Loaded {
    profile::load(Path::new(&fixture(name))).unwrap_or_else(|d| panic!("{name} should load:\n{d}"))
}

#[track_caller]
fn assert_text(actual: &str, expected: &str) {
    assert!(
        actual == expected,
        "rendered diagnostics differ\n--- expected\n{expected}\n--- actual\n{actual}\n---"
    );
}

#[track_caller]
fn assert_err(name: &str, expected: &str) {
    assert_text(&load_err(name).to_string(), expected);
}

/// The rendered problems of a profile given as text that must not load.
fn load_str_err(name: &str, src: &str, why: &str) -> String {
    match profile::load_str(name, src) {
        Ok(_) => panic!("{why}"),
        Err(d) => d.to_string(),
    }
}

/// The rendered problems of a profile file that must not load.
fn load_path_err(path: &Path, why: &str) -> String {
    match profile::load(path) {
        Ok(_) => panic!("{why}"),
        Err(d) => d.to_string(),
    }
}

/// A minimal valid profile with `extra` appended to `organization`.
fn minimal(org_extra: &str) -> String {
    format!(
        "hicp: 1\norganization:\n  name: Test Clinic\n  type: dental\n{org_extra}people:\n  security_officer: {{ name: A, title: B, email: a@x.example }}\n  privacy_officer: {{ name: C, title: D, email: c@x.example }}\ndocuments: {{ version: \"1.0\", effective_date: 2026-02-01 }}\n"
    )
}

#[test]
fn unknown_key_with_did_you_mean() {
    assert_err(
        "unknown-key.yaml",
        "error: unknown key `aproved_by`
  --> tests/fixtures/profiles/unknown-key.yaml:9:3
   | at documents.aproved_by
   = help: did you mean `approved_by`?",
    );
}

#[test]
fn unknown_key_among_people_is_a_typo_of_a_required_role() {
    assert_err(
        "people-typo.yaml",
        "error: unknown key `securty_officer`
  --> tests/fixtures/profiles/people-typo.yaml:4:3
   | at people.securty_officer
   = help: did you mean `security_officer`?",
    );
}

#[test]
fn wrong_type_expected_and_found() {
    assert_err(
        "wrong-type.yaml",
        "error: wrong type for `documents.review_every_months`
  --> tests/fixtures/profiles/wrong-type.yaml:9:24
   | at documents.review_every_months
   = expected: a whole number from 1 to 60
   = found: the text `twelve`

error: `yes` is not a boolean here
  --> tests/fixtures/profiles/wrong-type.yaml:11:20
   | at technology.byod.allowed
   = expected: true or false
   = found: the text `yes`
   = help: profiles read YAML 1.2 booleans: write `true` or `false`

error: wrong type for `technology.cloud_services`
  --> tests/fixtures/profiles/wrong-type.yaml:12:19
   | at technology.cloud_services
   = expected: a list
   = found: the text `Google Workspace`",
    );
}

#[test]
fn impossible_date_and_bad_format() {
    assert_err(
        "bad-date.yaml",
        "error: invalid date `2026-02-30`: 2026-02 has no day 30 (it has 28 days)
  --> tests/fixtures/profiles/bad-date.yaml:8:19
   | at documents.effective_date
   = expected: a date (YYYY-MM-DD)
   = found: `2026-02-30`

error: invalid date `28/01/2026`: not in the form YYYY-MM-DD
  --> tests/fixtures/profiles/bad-date.yaml:10:16
   | at documents.approved_on
   = expected: a date (YYYY-MM-DD)
   = found: `28/01/2026`
   = help: write dates as YYYY-MM-DD, e.g. 2026-02-01",
    );
}

#[test]
fn bad_enum_value_lists_allowed_values() {
    assert_err(
        "bad-enum.yaml",
        "error: invalid value `primary_care` for `organization.type`
  --> tests/fixtures/profiles/bad-enum.yaml:4:9
   | at organization.type
   = expected: one of primary-care, specialty-practice, dental, behavioral-health, hospital, critical-access-hospital, health-system, ambulatory-surgery, long-term-care, home-health, pharmacy, laboratory, imaging, business-associate, other
   = found: `primary_care`
   = help: did you mean `primary-care`?

error: invalid value `smal` for `organization.size`
  --> tests/fixtures/profiles/bad-enum.yaml:5:9
   | at organization.size
   = expected: one of small, medium, large
   = found: `smal`
   = help: did you mean `small`?

error: invalid value `legal` for `documents.paper`
  --> tests/fixtures/profiles/bad-enum.yaml:9:65
   | at documents.paper
   = expected: one of letter, a4
   = found: `legal`",
    );
}

#[test]
fn several_missing_required_keys_all_named() {
    assert_err(
        "missing-keys.yaml",
        "error: missing required key `documents` in the profile
  --> tests/fixtures/profiles/missing-keys.yaml:1:1
   = help: add it; `hicp init` writes a starter profile with every key

error: missing required keys `name`, `type` in `organization`
  --> tests/fixtures/profiles/missing-keys.yaml:2:1
   | at organization
   = help: add them; `hicp init` writes a starter profile with every key

error: organization.size or organization.metrics is required
  --> tests/fixtures/profiles/missing-keys.yaml:2:1
   | at organization
   = help: add `size: small` (small | medium | large), or `metrics: { providers: 6, beds: 0 }` to derive it

error: missing required keys `title`, `email` in `people.security_officer`
  --> tests/fixtures/profiles/missing-keys.yaml:5:3
   | at people.security_officer
   = help: add them; `hicp init` writes a starter profile with every key",
    );
}

#[test]
fn size_or_metrics_required() {
    assert_err(
        "no-size.yaml",
        "error: organization.size or organization.metrics is required
  --> tests/fixtures/profiles/no-size.yaml:2:1
   | at organization
   = help: add `size: small` (small | medium | large), or `metrics: { providers: 6, beds: 0 }` to derive it",
    );
}

#[test]
fn reference_to_a_person_not_in_people() {
    assert_err(
        "bad-person-ref.yaml",
        "error: `securty_officer` is not a key of `people`
  --> tests/fixtures/profiles/bad-person-ref.yaml:10:16
   | at documents.approved_by
   = expected: a key of `people` (security_officer, privacy_officer, it_contact)
   = found: `securty_officer`
   = help: did you mean `security_officer`?

error: `it_contract` is not a key of `people`
  --> tests/fixtures/profiles/bad-person-ref.yaml:12:42
   | at practices.\"1.S.A\".owner
   = expected: a key of `people` (security_officer, privacy_officer, it_contact)
   = found: `it_contract`
   = help: did you mean `it_contact`?

error: `ceo` is not a key of `people`
  --> tests/fixtures/profiles/bad-person-ref.yaml:13:38
   | at practices.\"1.S.B\".owner
   = expected: a key of `people` (security_officer, privacy_officer, it_contact)
   = found: `ceo`
   = help: `people` defines: security_officer, privacy_officer, it_contact",
    );
}

#[test]
fn approved_on_needs_approved_by() {
    assert_err(
        "approved-on-alone.yaml",
        "error: `approved_on` is set but `approved_by` is not
  --> tests/fixtures/profiles/approved-on-alone.yaml:9:3
   | at documents.approved_on
   = help: add `approved_by: <a key of people>` or remove `approved_on`; without an approver the documents are DRAFT",
    );
}

#[test]
fn unknown_subpractice_id() {
    assert_err(
        "unknown-subpractice.yaml",
        "error: unknown sub-practice ID `1.S.Q`
  --> tests/fixtures/profiles/unknown-subpractice.yaml:8:3
   | at practices.\"1.S.Q\"
   = help: did you mean `1.S.A`?

error: unknown sub-practice ID `email`
  --> tests/fixtures/profiles/unknown-subpractice.yaml:9:3
   | at practices.email
   = help: sub-practice IDs look like `1.S.A` (practice, size letter S/M/L, item); `hicp list` shows them",
    );
}

#[test]
fn subpractice_of_another_size() {
    assert_err(
        "other-size-subpractice.yaml",
        "error: sub-practice `3.L.A` is for large organizations, but this organization is small
  --> tests/fixtures/profiles/other-size-subpractice.yaml:8:3
   | at practices.\"3.L.A\"
   = help: a small organization assesses the N.S.X sub-practices; for practice 3: 3.S.A",
    );
}

#[test]
fn invalid_status() {
    assert_err(
        "bad-status.yaml",
        "error: invalid value `implemnted` for `practices.\"1.S.A\".status`
  --> tests/fixtures/profiles/bad-status.yaml:8:22
   | at practices.\"1.S.A\".status
   = expected: one of implemented, partial, planned, not-implemented, not-applicable
   = found: `implemnted`
   = help: did you mean `implemented`?

error: invalid value `done` for `practices.\"1.S.B\".status`
  --> tests/fixtures/profiles/bad-status.yaml:9:22
   | at practices.\"1.S.B\".status
   = expected: one of implemented, partial, planned, not-implemented, not-applicable
   = found: `done`",
    );
}

#[test]
fn duplicate_key_at_the_duplicate() {
    assert_err(
        "duplicate-key.yaml",
        "error: duplicate key `version`
  --> tests/fixtures/profiles/duplicate-key.yaml:9:3
   | at documents.version
   = help: `version` is already defined on line 7; remove one of them",
    );
}

#[test]
fn empty_file() {
    assert_err(
        "empty.yaml",
        "error: the profile is empty
  --> tests/fixtures/profiles/empty.yaml
   = help: run `hicp init` to write a starter profile",
    );
}

#[test]
fn invalid_utf8_points_at_the_byte() {
    assert_err(
        "invalid-utf8.yaml",
        "error: the file is not valid UTF-8 (byte 0xe9 at byte offset 33)
  --> tests/fixtures/profiles/invalid-utf8.yaml:3:12
   = help: save the profile as UTF-8",
    );
}

#[test]
fn unsupported_format_version() {
    assert_err(
        "version-2.yaml",
        "error: unsupported profile format version 2; this hicp reads version 1
  --> tests/fixtures/profiles/version-2.yaml:1:7
   | at hicp
   = help: write `hicp: 1`, or use the hicp release that reads this version",
    );
}

#[test]
fn extends_cycle_names_the_chain() {
    assert_err(
        "cycle-a.yaml",
        "error: extends cycle: tests/fixtures/profiles/cycle-a.yaml → tests/fixtures/profiles/cycle-b.yaml → tests/fixtures/profiles/cycle-a.yaml
  --> tests/fixtures/profiles/cycle-b.yaml:1:10
   | at extends
   = help: a profile cannot extend itself, directly or through others; remove one `extends`",
    );
}

#[test]
fn extends_to_a_missing_file() {
    assert_err(
        "extends-missing.yaml",
        "error: cannot load `../no-such-dir/base.yaml` named by `extends` (tests/fixtures/no-such-dir/base.yaml): file not found
  --> tests/fixtures/profiles/extends-missing.yaml:2:10
   | at extends
   = help: extends chain: tests/fixtures/profiles/extends-missing.yaml → tests/fixtures/no-such-dir/base.yaml",
    );
}

#[test]
fn tabs_for_indentation() {
    assert_err(
        "tabs.yaml",
        "error: tabs are not allowed for indentation
  --> tests/fixtures/profiles/tabs.yaml:3:1
   = help: indent with spaces only (YAML forbids tabs in indentation)",
    );
}

#[test]
fn alias_bomb_fails_fast() {
    let start = Instant::now();
    let d = load_err("alias-bomb.yaml");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert_text(
        &d.to_string(),
        "error: the profile is too large or too deeply nested: more than 250000 nodes once aliases are expanded
  --> tests/fixtures/profiles/alias-bomb.yaml:6:14
   | at f[2]
   = help: a profile is a small hand-written file; check for runaway nesting or anchors and aliases that expand without end (an \"alias bomb\")",
    );
}

#[test]
fn ten_thousand_deep_nesting_fails_fast() {
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let src = format!("hicp: {}1{}\n", open.repeat(10_000), close.repeat(10_000));
        let start = Instant::now();
        let d = match profile::load_str("deep.yaml", &src) {
            Ok(_) => panic!("deep nesting should not load"),
            Err(d) => d,
        };
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "took {:?}",
            start.elapsed()
        );
        // Lists: the scanner refuses the 66th `[` (it scans ahead of the events).
        // Mappings: the tree builder refuses the 64th `{` (65 levels with the root).
        let (column, path) = if open == "[" {
            (7 + 65, "hicp[0]".to_string())
        } else {
            (7 + 63 * open.len(), format!("hicp{}", ".a".repeat(63)))
        };
        assert_text(
            &d.to_string(),
            &format!(
                "error: the profile is too large or too deeply nested: nesting deeper than 64 levels
  --> deep.yaml:1:{column}
   | at {path}
   = help: a profile is a small hand-written file; check for runaway nesting or anchors and aliases that expand without end (an \"alias bomb\")"
            ),
        );
    }
}

#[test]
fn several_errors_in_one_file_all_reported() {
    assert_err(
        "many-errors.yaml",
        "error: invalid value `dentist` for `organization.type`
  --> tests/fixtures/profiles/many-errors.yaml:4:9
   | at organization.type
   = expected: one of primary-care, specialty-practice, dental, behavioral-health, hospital, critical-access-hospital, health-system, ambulatory-surgery, long-term-care, home-health, pharmacy, laboratory, imaging, business-associate, other
   = found: `dentist`

error: wrong type for `organization.phone`
  --> tests/fixtures/profiles/many-errors.yaml:6:10
   | at organization.phone
   = expected: text
   = found: a list

error: `dana.clinic.example` is not an e-mail address: it has no `@`
  --> tests/fixtures/profiles/many-errors.yaml:8:70
   | at people.security_officer.email
   = expected: an e-mail address (name@example.org)
   = found: `dana.clinic.example`

error: unknown key `pager`
  --> tests/fixtures/profiles/many-errors.yaml:9:87
   | at people.privacy_officer.pager
   = help: allowed keys here: email, name, phone, title

error: invalid date `2026-13-01`: month 13 does not exist
  --> tests/fixtures/profiles/many-errors.yaml:12:19
   | at documents.effective_date
   = expected: a date (YYYY-MM-DD)
   = found: `2026-13-01`

error: `boss` is not a key of `people`
  --> tests/fixtures/profiles/many-errors.yaml:13:16
   | at documents.approved_by
   = expected: a key of `people` (security_officer, privacy_officer)
   = found: `boss`
   = help: `people` defines: security_officer, privacy_officer

error: invalid value `nightly` for `technology.backups.frequency`
  --> tests/fixtures/profiles/many-errors.yaml:15:25
   | at technology.backups.frequency
   = expected: one of continuous, hourly, daily, weekly
   = found: `nightly`

error: `blue` is not a colour of the form #rrggbb
  --> tests/fixtures/profiles/many-errors.yaml:17:17
   | at branding.accent_color
   = expected: #rrggbb, e.g. \"#0b5394\"
   = found: `blue`
   = help: write # and six hexadecimal digits, in quotes (a bare # starts a YAML comment)

error: unknown key `colour`
  --> tests/fixtures/profiles/many-errors.yaml:18:1
   | at colour
   = help: allowed keys here: branding, documents, extends, hicp, incident_response, organization, people, practices, technology, vendors",
    );
    assert_eq!(load_err("many-errors.yaml").items.len(), 9);
}

#[test]
fn file_not_found() {
    assert_err(
        "no-such-profile.yaml",
        "error: file not found
  --> tests/fixtures/profiles/no-such-profile.yaml",
    );
}

#[test]
fn file_larger_than_4_mib_is_refused_before_parsing() {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hicp-huge-profile.yaml");
    let mut big = String::from("hicp: 1\nnote: \"");
    big.push_str(&"x".repeat(4 * 1024 * 1024));
    big.push_str("\"\n");
    std::fs::write(&path, &big).expect("write temp file");
    let d = profile::load(&path).expect_err("too large");
    std::fs::remove_file(&path).ok();
    assert_text(
        &d.to_string(),
        &format!(
            "error: the file is {} bytes; profiles are limited to 4 MiB (4194304 bytes)\n  --> {}",
            big.len(),
            path.display()
        ),
    );
}

#[test]
fn diagnostic_paths_stay_relative_and_display_format() {
    let d = load_err("people-typo.yaml");
    let first = &d.items[0];
    assert_eq!(first.file, "tests/fixtures/profiles/people-typo.yaml");
    assert_eq!((first.line, first.column), (4, 3));
    assert_eq!(first.yaml_path, "people.securty_officer");
    assert_eq!(
        first.hint.as_deref(),
        Some("did you mean `security_officer`?")
    );
    // std::error::Error is implemented, so `?` works into Box<dyn Error>.
    let _: Box<dyn std::error::Error> = Box::new(d);
}

// ---- good cases ----

#[test]
fn good_profile_loads_and_schema_walk_agrees_with_serde() {
    let l = load_ok("good-small.yaml");
    assert_eq!(l.size, Size::Small);
    assert_eq!(
        l.size_rule,
        "Size small was derived from metrics: 6 providers (≤ 10) and 0 beds (≤ 50)."
    );
    assert_eq!(l.base_dir, Path::new(DIR));
    assert_eq!(l.sources.len(), 1);
    assert_eq!(
        l.profile.documents.approved_by.as_deref(),
        Some("hr_manager")
    );
    assert!(l.profile.people.others.contains_key("hr_manager"));
    // The walker's typed JSON and serde-saphyr's typed profile agree.
    let from_merged: profile::types::Profile =
        serde_json::from_value(l.merged.clone()).expect("merged JSON deserializes");
    assert_eq!(
        serde_json::to_value(&from_merged).ok(),
        serde_json::to_value(&l.profile).ok()
    );
    assert_eq!(l.merged["technology"]["backups"]["rto_hours"], 24);
    assert_eq!(l.merged["technology"]["medical_devices"]["present"], true);
}

#[test]
fn extends_merges_maps_and_replaces_lists() {
    let l = load_ok("child/clinic.yaml");
    let m = &l.merged;
    // Maps merge key by key.
    assert_eq!(m["organization"]["name"], "North Clinic");
    assert_eq!(m["organization"]["type"], "primary-care");
    assert_eq!(m["organization"]["phone"], "+1 555 0100");
    assert_eq!(m["organization"]["metrics"]["providers"], 8);
    assert_eq!(m["organization"]["metrics"]["beds"], 0);
    assert_eq!(m["people"]["security_officer"]["name"], "Group Officer");
    assert_eq!(m["people"]["privacy_officer"]["name"], "Local Privacy");
    assert_eq!(m["technology"]["email"]["platform"], "Microsoft 365");
    assert_eq!(m["technology"]["email"]["mfa"], true);
    assert_eq!(m["technology"]["email"]["external_banner"], true);
    assert_eq!(m["documents"]["version"], "1.0");
    // Lists replace.
    assert_eq!(m["documents"]["include"], serde_json::json!(["child-doc"]));
    assert_eq!(
        m["technology"]["cloud_services"],
        serde_json::json!(["Child Cloud"])
    );
    assert_eq!(l.profile.documents.include, vec!["child-doc".to_string()]);
    // Size from the merged metrics (8 providers from the child, 0 beds from the base).
    assert_eq!(l.size, Size::Small);
    assert_eq!(
        l.size_rule,
        "Size small was derived from metrics: 8 providers (≤ 10) and 0 beds (≤ 50)."
    );
    // Sources: child first, then the parent, with their bytes.
    let paths: Vec<String> = l
        .sources
        .iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "tests/fixtures/profiles/child/clinic.yaml",
            "tests/fixtures/profiles/child/../base.yaml"
        ]
    );
    assert!(l.sources.iter().all(|(_, b)| !b.is_empty()));
    assert_eq!(l.base_dir, Path::new("tests/fixtures/profiles/child"));
}

#[test]
fn errors_in_a_parent_point_at_the_parent_file() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hicp-extends-origin");
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("base.yaml"), minimal("  size: tiny\n")).expect("write");
    std::fs::write(
        dir.join("child.yaml"),
        "extends: base.yaml\ndocuments: { paper: a5 }\n",
    )
    .expect("write");
    let d = profile::load(&dir.join("child.yaml")).expect_err("errors");
    let places: Vec<(String, usize, String)> = d
        .items
        .iter()
        .map(|i| {
            let file = Path::new(&i.file)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned());
            (file.unwrap_or_default(), i.line, i.yaml_path.clone())
        })
        .collect();
    assert_eq!(
        places,
        [
            ("child.yaml".to_string(), 2, "documents.paper".to_string()),
            ("base.yaml".to_string(), 5, "organization.size".to_string()),
        ]
    );
}

fn size_of(org_extra: &str) -> (Size, String) {
    let l = profile::load_str("size.yaml", &minimal(org_extra))
        .unwrap_or_else(|d| panic!("should load:\n{d}"));
    (l.size, l.size_rule)
}

#[test]
fn size_derivation_at_every_boundary() {
    let cases: [(&str, Size, &str); 9] = [
        (
            "  metrics: { providers: 10, beds: 50 }\n",
            Size::Small,
            "Size small was derived from metrics: 10 providers (≤ 10) and 50 beds (≤ 50). The bed and medium/large cut-offs approximate HICP's size table and are not verified against it; set organization.size if the organization sees itself otherwise.",
        ),
        (
            "  metrics: { providers: 11, beds: 0 }\n",
            Size::Medium,
            "Size medium was derived from metrics: 11 providers (≤ 50) and 0 beds (≤ 500), with more than 10 providers. The bed and medium/large cut-offs approximate HICP's size table and are not verified against it; set organization.size if the organization sees itself otherwise.",
        ),
        (
            "  metrics: { providers: 1, beds: 51 }\n",
            Size::Medium,
            "Size medium was derived from metrics: 1 provider (≤ 50) and 51 beds (≤ 500), with more than 50 beds. The bed and medium/large cut-offs approximate HICP's size table and are not verified against it; set organization.size if the organization sees itself otherwise.",
        ),
        (
            "  metrics: { providers: 50, beds: 500 }\n",
            Size::Medium,
            "Size medium was derived from metrics: 50 providers (≤ 50) and 500 beds (≤ 500), with more than 10 providers and more than 50 beds. The bed and medium/large cut-offs approximate HICP's size table and are not verified against it; set organization.size if the organization sees itself otherwise.",
        ),
        (
            "  metrics: { providers: 51, beds: 0 }\n",
            Size::Large,
            "Size large was derived from metrics: 51 providers (more than 50). The bed and medium/large cut-offs approximate HICP's size table and are not verified against it; set organization.size if the organization sees itself otherwise.",
        ),
        (
            "  metrics: { providers: 0, beds: 501 }\n",
            Size::Large,
            "Size large was derived from metrics: 501 beds (more than 500). The bed and medium/large cut-offs approximate HICP's size table and are not verified against it; set organization.size if the organization sees itself otherwise.",
        ),
        (
            "  metrics: { providers: 60, beds: 1 }\n",
            Size::Large,
            "Size large was derived from metrics: 60 providers (more than 50). The bed and medium/large cut-offs approximate HICP's size table and are not verified against it; set organization.size if the organization sees itself otherwise.",
        ),
        (
            "  metrics: { employees: 900 }\n",
            Size::Small,
            "Size small was derived from metrics: 0 providers (≤ 10) and 0 beds (≤ 50). Providers and beds are not given and count as 0; HICP also sizes an organization by its staff, IT capability and complexity, so set organization.size if small does not fit.",
        ),
        (
            "  size: large\n  metrics: { providers: 2 }\n",
            Size::Large,
            "Size large is set in the profile.",
        ),
    ];
    for (extra, size, rule) in cases {
        let (s, r) = size_of(extra);
        assert_eq!((s, r.as_str()), (size, rule), "for {extra:?}");
    }
    assert_eq!(
        size_of("  metrics: { providers: 12 }\n").1,
        "Size medium was derived from metrics: 12 providers (≤ 50) and 0 beds (≤ 500), with more than 10 providers. Beds are not given and count as 0. The bed and medium/large cut-offs approximate HICP's size table and are not verified against it; set organization.size if the organization sees itself otherwise."
    );
    assert_eq!(
        size_of("  metrics: { providers: 600, beds: 900 }\n").1,
        "Size large was derived from metrics: 600 providers (more than 50) and 900 beds (more than 500). The bed and medium/large cut-offs approximate HICP's size table and are not verified against it; set organization.size if the organization sees itself otherwise."
    );
}

#[test]
fn starter_profile_is_valid_for_every_size() {
    use hicp::profile::types::OrgType;
    for size in [Size::Small, Size::Medium, Size::Large] {
        let text = profile::starter_profile(size, "Quote \"Me\" & Co.", OrgType::BehavioralHealth);
        let l = profile::load_str("profile.yaml", &text).unwrap_or_else(|d| panic!("{d}\n{text}"));
        assert_eq!(l.size, size);
        assert_eq!(l.profile.organization.name, "Quote \"Me\" & Co.");
        assert_eq!(l.profile.organization.org_type, OrgType::BehavioralHealth);
        // Every top-level key of DESIGN §3 is shown, used or commented out.
        for key in [
            "hicp:",
            "extends:",
            "organization:",
            "short_name:",
            "metrics:",
            "address:",
            "phone:",
            "website:",
            "hipaa_role:",
            "people:",
            "executive_sponsor:",
            "it_contact:",
            "incident_commander:",
            "documents:",
            "review_every_months:",
            "approved_by:",
            "approved_on:",
            "paper:",
            "include:",
            "exclude:",
            "templates:",
            "technology:",
            "ehr:",
            "endpoints:",
            "backups:",
            "remote_access:",
            "byod:",
            "wireless:",
            "telehealth:",
            "medical_devices:",
            "cloud_services:",
            "vendors:",
            "incident_response:",
            "report_to:",
            "external_contacts:",
            "isac:",
            "practices:",
            "branding:",
            "accent_color:",
            "logo:",
        ] {
            assert!(text.contains(key), "starter lacks {key}");
        }
    }
}

#[test]
fn starter_profile_with_its_optional_keys_uncommented_is_valid() {
    use hicp::profile::types::OrgType;
    let text = profile::starter_profile(Size::Medium, "Uncommented", OrgType::Hospital);
    // Uncomment every optional key except `extends`, `metrics` beside `size`,
    // and the `practices` examples (which need the catalog).
    let mut out = String::new();
    let mut in_practices = false;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("# practices:") {
            in_practices = true;
        } else if t.is_empty() {
            in_practices = false;
        }
        let keep_commented = t.starts_with("# extends:")
            || t.starts_with("# yaml-language-server")
            || in_practices
            || line.starts_with("# HICP")
            || line.starts_with("# Lines")
            || t.starts_with("#   ") && t[4..].trim_start().starts_with('#')
            || t.starts_with("#     ") && !t.trim_start_matches('#').trim_start().starts_with("- ")
            || t.contains("...");
        if !keep_commented && t.starts_with("# ") && line.contains(':') {
            let indent = &line[..line.len() - t.len()];
            out.push_str(indent);
            out.push_str(&t[2..]);
        } else if !keep_commented && t.starts_with("#   ") {
            out.push_str(&line.replacen("#", " ", 1));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    if let Err(d) = profile::load_str("uncommented.yaml", &out) {
        panic!("{d}\n{out}");
    }
}

#[test]
fn json_schema_is_draft_2020_12_and_matches_the_committed_file() {
    let schema = profile::json_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["additionalProperties"], false);
    let committed = std::fs::read_to_string("profiles/profile.schema.json")
        .expect("profiles/profile.schema.json exists (regenerate with `hicp schema`)");
    let committed: serde_json::Value = serde_json::from_str(&committed).expect("valid JSON");
    // The published schema: a profile with `extends` is checked against a
    // copy without required keys (its parent gives them), others in full.
    let published = profile::published_schema();
    assert_eq!(published["if"]["required"][0], "extends");
    assert_eq!(published["then"]["$ref"], "#/$defs/PartialProfile");
    assert_eq!(published["else"]["$ref"], "#/$defs/Profile");
    assert_eq!(
        published["$defs"]["Profile"]["required"],
        schema["required"]
    );
    assert!(
        published["$defs"]["PartialProfile"]
            .get("required")
            .is_none()
    );
    assert!(
        !published["$defs"]["PersonPartial"]
            .to_string()
            .contains("\"required\""),
        "no definition of the partial copy requires a key"
    );
    assert_eq!(
        committed, published,
        "profiles/profile.schema.json is stale: run `hicp schema > profiles/profile.schema.json`"
    );
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "",
        "~",
        "- a\n- b\n",
        "[",
        "{",
        "a: *x\n",
        "? [a]\n: b\n",
        "hicp: !!binary aGk=\n",
        "---\na: 1\n---\nb: 2\n",
        "\u{feff}hicp: 1\n",
        "hicp: 99999999999999999999999\n",
        "organization: { name: x, type: other, size: small, metrics: { providers: -1 } }\n",
        "practices: { \"1.S.A\": ~ }\npeople: []\n",
        "&a a: *a\n",
        "[a]: b\n",
    ];
    for src in inputs {
        let r = profile::load_str("garbage.yaml", src);
        assert!(r.is_err(), "{src:?} loaded");
        if let Err(d) = r {
            assert!(!d.items.is_empty());
        }
    }
}

#[test]
fn numbers_and_booleans_where_text_is_expected_are_read_as_text() {
    let src = "hicp: 1
organization: { name: T, type: dental, size: small, phone: 5551234 }
people:
  security_officer: { name: A, title: B, email: a@x.example, phone: 5551234 }
  privacy_officer: { name: C, title: true, email: c@x.example }
  hr: { name: 2024, title: D, email: d@x.example }
documents: { version: 1.0, effective_date: 2026-02-01 }
";
    let l = profile::load_str("text.yaml", src).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(l.profile.people.others["hr"].name, "2024");
    assert_eq!(l.profile.people.privacy_officer.title, "true");
    assert_eq!(l.profile.documents.version, "1.0");
    assert_eq!(l.profile.organization.phone.as_deref(), Some("5551234"));
}

/// Control characters, noncharacters and bidirectional overrides are
/// refused where they are, each at its value: HTML, PDF and Word files cannot
/// hold the first two (U+FFFE made every Word file unreadable), and the
/// third reverses the text after it in an HTML page.
#[test]
fn characters_no_document_can_hold_are_refused_at_their_value() {
    let src = minimal("  size: small\n  short_name: \"Test\\0Clinic\"\n  website: \"x\\uFFFEy\"\n")
        .replace("name: A,", "name: \"A\\u202Eevil\",");
    let d = load_str_err(
        "chars.yaml",
        &src,
        "a profile with control characters must not load",
    );
    assert!(
        d.contains("`organization.short_name` contains U+0000 at character 5, a control character")
            && d.contains("--> chars.yaml:6:15"),
        "{d}"
    );
    assert!(
        d.contains("`organization.website` contains U+FFFE at character 2, a Unicode noncharacter"),
        "{d}"
    );
    assert!(
        d.contains("`people.security_officer.name` contains U+202E at character 2, a bidirectional formatting character"),
        "{d}"
    );
    assert_eq!(d.matches("error:").count(), 3, "{d}");
    // Tab, newline and right-to-left text as such are fine.
    let fine =
        minimal("  size: small\n  short_name: \"Tab\\tand\\nline \u{5E9}\u{5DC}\u{5D5}\u{5DD}\"\n");
    if let Err(d) = profile::load_str("fine.yaml", &fine) {
        panic!("{d}");
    }
}

/// A review period of 0 months printed "reviewed every 0 months" beside a
/// next-review date a month later, and 4,000,000,000 months or the year
/// 9999 printed review and retention years of nine and five digits.
#[test]
fn review_period_and_years_out_of_range_are_refused() {
    let src = minimal("  size: small\n").replace(
        "effective_date: 2026-02-01 }",
        "effective_date: 9999-12-31, review_every_months: 0 }",
    );
    let d = load_str_err("range.yaml", &src, "out-of-range values must not load");
    assert!(
        d.contains("invalid date `9999-12-31`: year 9999 is outside 1900–2999"),
        "{d}"
    );
    assert!(
        d.contains("number out of range for `documents.review_every_months`")
            && d.contains("expected: a whole number from 1 to 60"),
        "{d}"
    );
    let ok = minimal("  size: small\n").replace(
        "effective_date: 2026-02-01 }",
        "effective_date: 2026-02-01, review_every_months: 60 }",
    );
    if let Err(d) = profile::load_str("ok.yaml", &ok) {
        panic!("{d}");
    }
}

/// A YAML merge key is named as such, once, without the keys it would have
/// brought being reported missing too.
#[test]
fn merge_key_is_named_and_not_followed_by_missing_keys() {
    let src = "hicp: 1\norganization: { name: X, type: dental, size: small }\npeople:\n  security_officer: &so { name: A, title: B, email: a@x.example }\n  privacy_officer:\n    <<: *so\n    name: C\ndocuments: { version: \"1\", effective_date: 2026-02-01 }\n";
    let d = load_str_err("merge.yaml", src, "a merge key must not load");
    assert_text(
        &d,
        "error: YAML merge keys (`<<`) are not supported
  --> merge.yaml:6:5
   | at people.privacy_officer.<<
   = help: write the keys out here, or share values between profiles with `extends`",
    );
}

/// A key of `people` names a role: an empty key printed a row with no role,
/// and a key such as `9 lives` cannot be referred to cleanly.
#[test]
fn people_keys_must_be_words() {
    let src = minimal("  size: small\n").replace(
        "documents:",
        "  \"\": { name: E, title: F, email: e@x.example }\n  \"9 lives\": { name: G, title: H, email: g@x.example }\n  hr-manager: { name: I, title: J, email: i@x.example }\ndocuments:",
    );
    let d = load_str_err("keys.yaml", &src, "bad people keys must not load");
    assert!(d.contains("error: an empty key in `people`"), "{d}");
    assert!(
        d.contains("error: `9 lives` cannot be a key of `people`"),
        "{d}"
    );
    assert!(!d.contains("hr-manager"), "{d}");
    assert_eq!(d.matches("error:").count(), 2, "{d}");
}

/// A merge key directly under `people` is said once (not also as a bad key).
#[test]
fn merge_key_under_people_is_one_error() {
    let src = "hicp: 1\norganization: { name: X, type: dental, size: small }\nshared: &p { hr: { name: H, title: T, email: h@x.example } }\npeople:\n  <<: *p\n  security_officer: { name: A, title: B, email: a@x.example }\n  privacy_officer: { name: C, title: D, email: c@x.example }\ndocuments: { version: \"1\", effective_date: 2026-02-01 }\n";
    let d = load_str_err("merge2.yaml", src, "a merge key must not load");
    assert_eq!(d.matches("`<<`").count(), 1, "{d}");
}

#[test]
fn empty_or_blank_text_is_refused_where_it_is_written() {
    let src = minimal("  size: small\n")
        .replace("name: Test Clinic", "name: \"   \"")
        .replace("version: \"1.0\"", "version: \"\"");
    let text = load_str_err("blank.yaml", &src, "blank name and version must not load");
    assert_text(
        &text,
        "error: `organization.name` is empty
  --> blank.yaml:3:9
   | at organization.name
   = expected: text
   = found: 3 blank character(s)
   = help: give the value, or leave the key out if it is optional

error: `documents.version` is empty
  --> blank.yaml:9:23
   | at documents.version
   = expected: text
   = found: \"\"
   = help: give the value, or leave the key out if it is optional",
    );
}

#[test]
fn roles_of_the_profiles_own_may_sit_near_built_in_names() {
    // `ot_contact` and `hr_contact` are one or two letters from the optional
    // built-in `it_contact`: roles in their own right, not typos.
    let src = minimal("  size: small\n").replace(
        "people:\n",
        "people:\n  ot_contact: { name: O, title: OT lead, email: o@x.example }\n  hr_contact: { name: H, title: HR, email: h@x.example }\n",
    );
    let loaded = profile::load_str("roles.yaml", &src)
        .unwrap_or_else(|d| panic!("custom roles must load:\n{d}"));
    let keys: Vec<&str> = loaded
        .profile
        .people
        .others
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["hr_contact", "ot_contact"]);
}

#[test]
fn a_misspelt_required_role_is_named_as_the_typo_by_its_references() {
    let src = minimal("  size: small\n")
        .replace("security_officer:", "secuirty_officer:")
        .replace(
            "documents: {",
            "documents: { approved_by: security_officer, approved_on: 2026-01-20,",
        );
    let text = load_str_err("typo.yaml", &src, "a misspelt required role must not load");
    assert!(
        text.contains("help: `people.secuirty_officer` looks like a misspelling of `security_officer`: rename it"),
        "{text}"
    );
    assert!(!text.contains("did you mean `secuirty_officer`"), "{text}");
}

#[test]
fn a_parent_of_another_format_version_is_refused_in_the_parent() {
    let dir = common::tempdir("profile_errors", "parent-version");
    std::fs::write(
        dir.join("parent.yaml"),
        "hicp: 2\norganization:\n  type: dental\n",
    )
    .unwrap();
    let child = minimal("  size: small\n").replace("hicp: 1\n", "hicp: 1\nextends: parent.yaml\n");
    let path = dir.join("child.yaml");
    std::fs::write(&path, child).unwrap();
    let text = load_path_err(&path, "a parent of format version 2 must not load");
    assert!(
        text.contains("error: `hicp:` in the parent profile is the number `2`; this hicp reads format version 1")
            && text.contains("parent.yaml:1:7"),
        "{text}"
    );
}

#[test]
fn an_unquoted_colour_is_not_silently_dropped() {
    let src = minimal("  size: small\n") + "branding:\n  accent_color: #0b5394   # brand blue\n";
    let text = load_str_err("colour.yaml", &src, "an unquoted colour must not load");
    assert_text(
        &text,
        "error: `branding.accent_color` is empty: the unquoted `#0b5394` is read as a YAML comment
  --> colour.yaml:11:3
   | at branding.accent_color
   = help: quote the colour: accent_color: \"#0b5394\"",
    );
    // A key with only a comment after it elsewhere is an ordinary null.
    let ok =
        minimal("  size: small\n") + "branding:   # our colours\n  accent_color: \"#0b5394\"\n";
    profile::load_str("ok.yaml", &ok).unwrap_or_else(|d| panic!("{d}"));
}

#[test]
fn yaml_tags_are_refused_where_written_except_str() {
    let src =
        minimal("  size: small\n").replace("name: Test Clinic", "name: !!binary VGVzdCBDbGluaWM=");
    let text = load_str_err("tag.yaml", &src, "a !!binary name must not load");
    assert!(
        text.contains("error: YAML tags are not supported in a profile (found `!!binary`)")
            && text.contains("at organization.name"),
        "{text}"
    );
    let custom = minimal("  size: small\n").replace("organization:\n", "organization: !org\n");
    let text = load_str_err("tag2.yaml", &custom, "a custom tag must not load");
    assert!(text.contains("(found `!org`)"), "{text}");
    // `!!str` only says "text": accepted.
    let str_tag =
        minimal("  size: small\n").replace("name: Test Clinic", "name: !!str Test Clinic");
    let loaded = profile::load_str("str.yaml", &str_tag).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(loaded.profile.organization.name, "Test Clinic");
}

#[test]
fn utf16_and_terse_yaml_errors_are_explained() {
    let dir = common::tempdir("profile_errors", "terse");
    let src = minimal("  size: small\n");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(src.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let path = dir.join("utf16.yaml");
    std::fs::write(&path, utf16).unwrap();
    let text = load_path_err(&path, "a UTF-16 file must not load");
    assert!(
        text.contains("error: the file is UTF-16 (LE), not UTF-8"),
        "{text}"
    );
    assert!(text.contains("save the profile as UTF-8"), "{text}");

    let colon = src.replace("name: Test Clinic", "name: Test: Clinic");
    let text = load_str_err("colon.yaml", &colon, "an unquoted ': ' must not load");
    assert!(text.contains("put the value in quotes"), "{text}");

    let open_quote = src.replace("name: Test Clinic", "name: \"Test Clinic");
    let text = load_str_err("quote.yaml", &open_quote, "an unclosed quote must not load");
    assert!(
        text.contains("the double quote opened on line 3 is not closed on that line"),
        "{text}"
    );
}

#[test]
fn standard_input_and_urls_are_named_as_such() {
    let text = load_path_err(Path::new("-"), "`-` must not load");
    assert!(
        text.contains("a profile cannot be read from standard input"),
        "{text}"
    );
    let src = minimal("  size: small\n").replace(
        "hicp: 1\n",
        "hicp: 1\nextends: https://example.com/p.yaml\n",
    );
    let text = load_str_err("url.yaml", &src, "a URL parent must not load");
    assert!(
        text.contains("`extends` names a file on this machine"),
        "{text}"
    );
}

#[test]
fn duplicate_practice_keys_are_at_the_quoted_path() {
    let src = minimal("  size: small\n")
        + "practices:\n  \"1.S.A\": { status: implemented }\n  \"1.S.A\": { status: planned }\n";
    let text = load_str_err("dup.yaml", &src, "a duplicate key must not load");
    assert!(
        text.contains("duplicate key `1.S.A`") && text.contains("| at practices.\"1.S.A\"\n"),
        "{text}"
    );
}

#[test]
fn a_bad_extends_value_is_reported_once() {
    for (value, said) in [
        ("\"\"", "`extends` is empty"),
        ("[p.yaml]", "wrong type for `extends`"),
    ] {
        let src = minimal("  size: small\n")
            .replace("hicp: 1\n", &format!("hicp: 1\nextends: {value}\n"));
        let text = load_str_err("ext.yaml", &src, "a bad extends must not load");
        assert_eq!(text.matches("error:").count(), 1, "{text}");
        assert!(text.contains(said), "{text}");
    }
}
