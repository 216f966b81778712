//! What a template author sees when an override template is wrong in a way
//! Tera alone would let through: a file where it is not read, a `when` or a
//! variable that is silently false, a reference to nothing, an empty
//! document, a Tera comment published as text. Each case is built with the
//! real binary (`--templates tw`) and judged by its exit code and stderr.

mod common;

use common::{bin, repo, run, tempdir};
use std::path::{Path, PathBuf};

/// The start of every test document: it prints the title and the
/// document-control table, as the built-in documents do.
const HEADER: &str = "{% include \"partials/doc_header.md.tera\" %}\n\n";

/// A document template `id` with `extra` front-matter lines and `body`.
/// Its front matter is lines 1–5 plus one line per `extra` line, then `---`.
fn template(id: &str, extra: &str, body: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: Test {id}\nkind: policy\naudience: All workforce members\n{extra}---\n{body}"
    )
}

/// A fresh folder for one test, with the template files `files` (path
/// relative to the folder, text) written in it.
fn sandbox(name: &str, files: &[(&str, String)]) -> PathBuf {
    let d = tempdir("template-checks", name);
    for (rel, text) in files {
        let path = d.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::create_dir_all(d.join("tw")).unwrap();
    d
}

/// `hicp build` of the Riverbend example with `--templates tw`, Markdown only.
fn build(d: &Path) -> (i32, String) {
    let profile = repo("profiles/riverbend-clinic.yaml");
    let (code, _, stderr) = run(bin().current_dir(d).args([
        "build",
        profile.to_str().unwrap(),
        "-f",
        "md",
        "-o",
        "out",
        "--templates",
        "tw",
    ]));
    (code, stderr)
}

/// `hicp validate` of the same.
fn validate(d: &Path) -> (i32, String) {
    let profile = repo("profiles/riverbend-clinic.yaml");
    let (code, _, stderr) = run(bin().current_dir(d).args([
        "validate",
        profile.to_str().unwrap(),
        "--templates",
        "tw",
    ]));
    (code, stderr)
}

/// The build fails with exit 1, writes nothing, and stderr has every `needle`.
fn assert_refused(d: &Path, needles: &[&str]) {
    let (code, stderr) = build(d);
    assert_eq!(code, 1, "{stderr}");
    for n in needles {
        assert!(stderr.contains(n), "stderr lacks {n:?}:\n{stderr}");
    }
    assert!(
        !d.join("out/riverbend").exists(),
        "a refused build wrote the pack"
    );
}

fn markdown(d: &Path, id: &str) -> String {
    std::fs::read_to_string(d.join(format!("out/riverbend/md/{id}.md"))).unwrap()
}

// 1. Override files that are not read -------------------------------------

#[test]
fn a_misplaced_template_is_named_in_a_warning_of_build_and_validate() {
    let text = template("acceptable-use", "", &format!("{HEADER}MARKER-OVERRIDE\n"));
    for (name, rel, want) in [
        (
            "singular",
            "tw/document/acceptable-use.md.tera",
            "warning: tw/document/acceptable-use.md.tera is not read: templates go in tw/documents/<id>.md.tera or tw/partials/<name>.md.tera",
        ),
        (
            "top",
            "tw/acceptable-use.md.tera",
            "warning: tw/acceptable-use.md.tera is not read: templates go in tw/documents/<id>.md.tera",
        ),
        (
            "no-tera",
            "tw/documents/acceptable-use.md",
            "warning: tw/documents/acceptable-use.md is not read: a template's file name ends in `.md.tera` (rename it acceptable-use.md.tera)",
        ),
    ] {
        let d = sandbox(name, &[(rel, text.clone())]);
        let (code, stderr) = build(&d);
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.contains(want), "{name}: {stderr}");
        assert!(!markdown(&d, "acceptable-use").contains("MARKER-OVERRIDE"));
        let (code, stderr) = validate(&d);
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.contains(want), "validate, {name}: {stderr}");
    }
}

#[test]
fn hidden_files_beside_templates_are_not_warned_about() {
    let d = sandbox(
        "hidden",
        &[
            ("tw/documents/.gitkeep", String::new()),
            (
                "tw/documents/acceptable-use.md.tera",
                template("acceptable-use", "", &format!("{HEADER}Ours.\n")),
            ),
        ],
    );
    let (code, stderr) = build(&d);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

// 2. `when` and front matter of every template ----------------------------

#[test]
fn a_when_path_the_profile_cannot_have_is_an_error_with_a_hint() {
    let body = format!("{HEADER}Text.\n");
    for (name, when, needles) in [
        (
            "unknown",
            "technology.nope.present",
            vec![
                "tw/documents/extra-doc.md.tera, line 6:",
                "names `nope`, which `technology` does not have",
            ],
        ),
        (
            "context-name",
            "tech.byod.allowed",
            vec![
                "line 6",
                "`when` reads the profile, not the template context: `tech` is `technology` there, so write `technology.byod.allowed`",
            ],
        ),
        (
            "typo",
            "not technology.byod.alowed",
            vec!["did you mean `not technology.byod.allowed`?"],
        ),
        (
            "operator",
            "technology.byod.allowed == true",
            vec![
                "`when: technology.byod.allowed == true` is not a condition hicp can evaluate",
                "hint: a `when` condition is a profile path",
                "or `not` and a path (`not technology.byod.allowed`)",
            ],
        ),
        (
            "yaml-tag",
            "!technology.byod.allowed",
            vec![
                "line 6: `when: !technology.byod.allowed` is read by YAML as the tag",
                "hint: negate with `not`: `when: not technology.byod.allowed`",
            ],
        ),
    ] {
        let d = sandbox(
            &format!("when-{name}"),
            &[(
                "tw/documents/extra-doc.md.tera",
                template("extra-doc", &format!("when: {when}\n"), &body),
            )],
        );
        assert_refused(&d, &needles);
    }
}

#[test]
fn front_matter_of_a_document_left_out_of_the_pack_is_checked() {
    // `not organization.name` never holds: the document is in no pack.
    let d = sandbox(
        "excluded-practices",
        &[(
            "tw/documents/extra-doc.md.tera",
            template(
                "extra-doc",
                "when: not organization.name\npractices: [3.X.Z]\n",
                &format!("{HEADER}Text.\n"),
            ),
        )],
    );
    assert_refused(
        &d,
        &[
            "tw/documents/extra-doc.md.tera, line 7: front matter names sub-practice `3.X.Z`, which is not in the HICP catalog",
        ],
    );
}

// 3. Names Tera would read as false ----------------------------------------

#[test]
fn a_misspelt_variable_inside_if_is_an_error_at_its_line() {
    for (name, line, needles) in [
        (
            "key",
            "{% if tech.ehr.hostng %}Hosted.{% endif %}",
            [
                "`tech.ehr` has no key `hostng`",
                "did you mean `tech.ehr.hosting`?",
            ],
        ),
        (
            "root",
            "{% if orgg %}Named.{% endif %}",
            [
                "`orgg` is not a variable of the template context",
                "did you mean `org`?",
            ],
        ),
    ] {
        let d = sandbox(
            &format!("name-{name}"),
            &[(
                "tw/documents/acceptable-use.md.tera",
                template("acceptable-use", "", &format!("{HEADER}Text.\n{line}\n")),
            )],
        );
        let mut all = vec!["template tw/documents/acceptable-use.md.tera, line 10:"];
        all.extend(needles);
        assert_refused(&d, &all);
    }
}

#[test]
fn names_the_template_binds_are_not_refused() {
    let body = format!(
        "{HEADER}{{% set who = people.security_officer %}}{{{{ who.name }}}}\n\
         {{% for v in vendors %}}{{% if v.baa %}}{{{{ v.name }}}}{{% endif %}}{{% endfor %}}\n\
         {{% if pack.approver %}}{{{{ pack.approver.name }}}}{{% endif %}} {{{{ doc_titles | length }}}}\n"
    );
    let d = sandbox(
        "bound",
        &[(
            "tw/documents/acceptable-use.md.tera",
            template("acceptable-use", "", &body),
        )],
    );
    let (code, stderr) = build(&d);
    assert_eq!(code, 0, "{stderr}");
}

// 4. doc_link to a document of the library that is not in this pack -------

#[test]
fn doc_link_to_an_added_document_left_out_prints_its_title_in_italics() {
    let d = sandbox(
        "doc-link-hidden",
        &[
            (
                "tw/documents/hidden.md.tera",
                "---\nid: hidden\ntitle: Hidden Procedure\nkind: procedure\naudience: IT staff\nwhen: not organization.name\n---\nText.\n".to_string(),
            ),
            (
                "tw/documents/acceptable-use.md.tera",
                template(
                    "acceptable-use",
                    "",
                    &format!("{HEADER}See {{{{ doc_link(id=\"hidden\") }}}}.\n"),
                ),
            ),
        ],
    );
    let (code, stderr) = build(&d);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        markdown(&d, "acceptable-use").contains("See *Hidden Procedure*."),
        "{}",
        markdown(&d, "acceptable-use")
    );
}

// 5. Ids of pack-level files ------------------------------------------------

#[test]
fn a_document_id_of_a_pack_level_file_is_refused() {
    for (id, needle) in [
        (
            "riverbend-policy-pack",
            "the document id `riverbend-policy-pack` is reserved: ids ending in `-policy-pack` are kept for the binder",
        ),
        (
            "index",
            "the document id `index` is reserved: `index` is the pack's own index page",
        ),
    ] {
        let d = sandbox(
            &format!("reserved-{id}"),
            &[(
                &format!("tw/documents/{id}.md.tera"),
                template(id, "", &format!("{HEADER}Text.\n")),
            )],
        );
        assert_refused(&d, &[&format!("tw/documents/{id}.md.tera: "), needle]);
    }
}

// 6. References to nothing ---------------------------------------------------

#[test]
fn unknown_related_ids_and_tag_ids_are_errors_with_did_you_mean() {
    let d = sandbox(
        "related",
        &[(
            "tw/documents/extra-doc.md.tera",
            template(
                "extra-doc",
                "related: [incident-respons-plan]\n",
                &format!("{HEADER}Text.\n"),
            ),
        )],
    );
    assert_refused(
        &d,
        &[
            "tw/documents/extra-doc.md.tera, line 6: front matter lists related document `incident-respons-plan`, which is not in the template library",
            "did you mean `incident-response-plan`?",
        ],
    );
    let d = sandbox(
        "tag",
        &[(
            "tw/documents/extra-doc.md.tera",
            template(
                "extra-doc",
                "",
                &format!(
                    "{HEADER}Text.\n{{% if false %}}{{{{ tag(ids=[\"3.M.Q\"]) }}}}{{% endif %}}\n"
                ),
            ),
        )],
    );
    assert_refused(
        &d,
        &[
            "tw/documents/extra-doc.md.tera, line 10: tag(ids=…) names `3.M.Q`, which is not a sub-practice of the HICP catalog",
            "did you mean `3.M.A`?",
        ],
    );
}

#[test]
fn a_link_to_a_section_that_does_not_exist_is_a_warning_of_build_and_validate() {
    let d = sandbox(
        "anchor",
        &[(
            "tw/documents/extra-doc.md.tera",
            template(
                "extra-doc",
                "",
                &format!(
                    "{HEADER}See {{{{ doc_link(id=\"security-roles-governance\", anchor=\"sanction\") }}}}.\n"
                ),
            ),
        )],
    );
    let want = "warning: tw/documents/extra-doc.md.tera: a link to `security-roles-governance` section `sanction`, which `security-roles-governance` does not have for this profile (did you mean `sanctions`?)";
    let (code, stderr) = build(&d);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains(want), "{stderr}");
    let (code, stderr) = validate(&d);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains(want), "{stderr}");
}

// 7. Empty documents ---------------------------------------------------------

#[test]
fn an_empty_title_or_a_document_with_no_text_is_refused() {
    let d = sandbox(
        "empty-title",
        &[(
            "tw/documents/extra-doc.md.tera",
            "---\nid: extra-doc\ntitle: \"\"\nkind: policy\naudience: all\n---\nText.\n".into(),
        )],
    );
    assert_refused(
        &d,
        &["tw/documents/extra-doc.md.tera, line 3: front-matter `title` is empty"],
    );
    for (name, body) in [
        ("front-only", String::new()),
        ("false-body", "{% if false %}Text.{% endif %}\n".to_string()),
    ] {
        let d = sandbox(
            name,
            &[(
                "tw/documents/extra-doc.md.tera",
                template("extra-doc", "", &body),
            )],
        );
        assert_refused(
            &d,
            &[
                "tw/documents/extra-doc.md.tera: the document `extra-doc` renders to no text for this profile",
            ],
        );
    }
}

// 8. Front-matter errors at the file's line --------------------------------

#[test]
fn a_front_matter_error_names_the_file_and_its_line() {
    let d = sandbox(
        "front-line",
        &[(
            "tw/documents/extra-doc.md.tera",
            template("extra-doc", "audiance: typo\n", "Text.\n"),
        )],
    );
    assert_refused(
        &d,
        &[
            "line 6 column 1: unknown field `audiance`",
            "--> tw/documents/extra-doc.md.tera:6:1",
        ],
    );
    let (_, stderr) = build(&d);
    assert!(!stderr.contains("<input>"), "{stderr}");
}

// 9. Tera comments -----------------------------------------------------------

#[test]
fn a_tera_comment_is_an_error_and_a_heading_anchor_is_not() {
    let d = sandbox(
        "comment",
        &[(
            "tw/documents/extra-doc.md.tera",
            template(
                "extra-doc",
                "",
                &format!("{HEADER}## Part E {{#part-e}}\n\n{{# reviewer: shorten #}}\nText.\n"),
            ),
        )],
    );
    assert_refused(
        &d,
        &[
            "tw/documents/extra-doc.md.tera, line 11: `{# … #}` is not a comment in hicp templates",
            "write template comments as `{/ … /}`",
        ],
    );
    let d = sandbox(
        "anchor-only",
        &[(
            "tw/documents/extra-doc.md.tera",
            template(
                "extra-doc",
                "",
                &format!("{HEADER}## Part E {{#part-e}}\n\n{{/ reviewer: shorten /}}Text.\n"),
            ),
        )],
    );
    let (code, stderr) = build(&d);
    assert_eq!(code, 0, "{stderr}");
    assert!(markdown(&d, "extra-doc").contains("## Part E {#part-e}"));
}
