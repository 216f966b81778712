//! What a build warns about a profile as a whole, and where relative paths
//! of a shared parent profile resolve: the messages a user reads on
//! stderr and in `manifest.json`.

mod common;
use common::{bin, rgba_png, run, tempdir};
use std::path::Path;

const OFFICER: &str = "  security_officer: { name: Dana Ortiz, title: Practice Administrator, email: dana@base.example, phone: \"+1 555 0100\" }\n";
const PRIVACY: &str =
    "  privacy_officer: { name: Sam Lee, title: Office Manager, email: sam@base.example }\n";

fn profile(people_extra: &str, documents_extra: &str) -> String {
    format!(
        "hicp: 1\norganization: {{ name: Base Clinic, type: primary-care, size: small }}\npeople:\n{OFFICER}{PRIVACY}{people_extra}documents: {{ version: \"1.0\", effective_date: 2026-02-01{documents_extra} }}\n"
    )
}

fn validate(dir: &Path, text: &str) -> (i32, String) {
    let p = dir.join("profile.yaml");
    std::fs::write(&p, text).unwrap();
    let (code, _, err) = run(bin().arg("-v").arg("validate").arg(&p));
    (code, err)
}

#[test]
fn an_approval_by_the_security_officer_is_not_independent() {
    let dir = tempdir("warnings", "self-approval");
    // No executive sponsor: the documents name the Security Officer as the
    // executive who approves.
    let (code, err) = validate(&dir, &profile("", ""));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("people.executive_sponsor is not set, so the documents name the Security Officer, Dana Ortiz, as the executive who approves the pack"),
        "{err}"
    );
    // The sponsor is the officer under another title.
    let same =
        "  executive_sponsor: { name: Dana Ortiz, title: Owner, email: DANA@base.example }\n";
    let (_, err) = validate(
        &dir,
        &profile(
            same,
            ", approved_by: executive_sponsor, approved_on: 2026-01-20",
        ),
    );
    assert!(
        err.contains("documents.approved_by (executive_sponsor) is Dana Ortiz, who is also the Security Officer"),
        "{err}"
    );
    // An owner who is someone else: no such warning.
    let owner = "  executive_sponsor: { name: Dr. Maya Chen, title: Managing Physician, email: maya@base.example }\n";
    let (_, err) = validate(&dir, &profile(owner, ""));
    assert!(!err.contains("Security Officer"), "{err}");
    assert!(!err.contains("approves the pack"), "{err}");
}

#[test]
fn no_phone_to_report_an_incident_is_warned() {
    let dir = tempdir("warnings", "no-phone");
    let text = profile("", "").replace(", phone: \"+1 555 0100\"", "");
    let (code, err) = validate(&dir, &text);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "no phone number to report an incident to: incident_response.report_to.phone is not set"
        ),
        "{err}"
    );
    // The officer's phone is a number staff can call.
    let (_, err) = validate(&dir, &profile("", ""));
    assert!(!err.contains("no phone number"), "{err}");
}

#[test]
fn an_unverified_size_cut_off_says_so() {
    let dir = tempdir("warnings", "size");
    let text = profile("", "").replace("size: small", "metrics: { providers: 30 }");
    let (code, err) = validate(&dir, &text);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("Size medium was derived from metrics")
            && err.contains("not verified against it"),
        "{err}"
    );
}

#[test]
fn a_rebuild_that_reuses_pdfs_keeps_their_glyph_warnings() {
    let dir = tempdir("warnings", "glyphs");
    let p = dir.join("profile.yaml");
    std::fs::write(
        &p,
        profile("", "").replace("Base Clinic", "Base Clinic \u{1F3E5}"),
    )
    .unwrap();
    let build = |out: &str| {
        run(bin()
            .args(["build", "-f", "md,pdf", "-o"])
            .arg(dir.join(out))
            .arg(&p))
    };
    let (code, _, first) = build("out");
    assert_eq!(code, 0, "{first}");
    assert!(
        first.contains("no glyph for \u{1F3E5} (U+1F3E5)"),
        "{first}"
    );
    let (code, _, again) = build("out");
    assert_eq!(code, 0, "{again}");
    assert!(
        again.contains("0 files written") || again.contains("unchanged"),
        "{again}"
    );
    assert_eq!(
        first.matches("no glyph").count(),
        again.matches("no glyph").count(),
        "a rebuild says what the first build said\n{first}\n---\n{again}"
    );
    // And the manifest is the one a build from nothing writes.
    build("fresh");
    let read = |out: &str| std::fs::read(dir.join(out).join("base-clinic/manifest.json")).unwrap();
    assert_eq!(read("out"), read("fresh"));
}

#[test]
fn a_parents_logo_and_templates_resolve_beside_the_parent() {
    let dir = tempdir("warnings", "parent-paths");
    let shared = dir.join("shared");
    std::fs::create_dir_all(shared.join("tpl/documents")).unwrap();
    std::fs::write(
        shared.join("logo.png"),
        rgba_png(8, 4, |_, _| [10, 80, 160, 255]),
    )
    .unwrap();
    std::fs::write(
        shared.join("tpl/documents/local-visitor-policy.md.tera"),
        "---\nid: local-visitor-policy\ntitle: Visitor Policy\nkind: policy\naudience: All workforce members\ndescription: Visitors at the front desk.\npractices: []\n---\n\nVisitors sign in at the front desk of {{ org.short_name }}.\n",
    )
    .unwrap();
    std::fs::write(
        shared.join("parent.yaml"),
        profile("", ", templates: tpl, include: [local-visitor-policy]")
            + "branding: { logo: logo.png }\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("site")).unwrap();
    let child = dir.join("site/clinic.yaml");
    std::fs::write(
        &child,
        "hicp: 1\nextends: ../shared/parent.yaml\norganization: { name: North Clinic }\n",
    )
    .unwrap();
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md,html", "-o"])
        .arg(dir.join("out"))
        .arg(&child));
    assert_eq!(code, 0, "{err}");
    let page =
        std::fs::read_to_string(dir.join("out/north-clinic/md/local-visitor-policy.md")).unwrap();
    assert!(
        page.contains("Visitors sign in at the front desk of North Clinic."),
        "{page}"
    );
    let index = std::fs::read_to_string(dir.join("out/north-clinic/index.html")).unwrap();
    assert!(
        index.contains("<img"),
        "the parent's logo is on the index page"
    );
}

#[test]
fn a_pack_inside_a_template_folders_documents_is_refused() {
    let dir = tempdir("warnings", "out-in-templates");
    let p = dir.join("profile.yaml");
    std::fs::write(&p, profile("", "")).unwrap();
    std::fs::create_dir_all(dir.join("tpl/documents")).unwrap();
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md", "--templates"])
        .arg(dir.join("tpl"))
        .arg("-o")
        .arg(dir.join("tpl/documents"))
        .arg(&p));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("the output folder is inside the template folder"),
        "{err}"
    );
    assert!(
        !dir.join("tpl/documents/base-clinic").exists(),
        "nothing written"
    );
    // Beside documents/ is where a repository keeps its packs.
    let (code, _, err) = run(bin()
        .args(["build", "-f", "md", "--templates"])
        .arg(dir.join("tpl"))
        .arg("-o")
        .arg(dir.join("tpl/packs"))
        .arg(&p));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn document_ids_template_folder_and_logo_are_reported_together() {
    let dir = tempdir("warnings", "all-at-once");
    let text = profile(
        "",
        ", include: [acceptable-usee, incident-reporting], exclude: [incident-reporting]",
    ) + "branding: { logo: nothere.png }\n";
    let (code, err) = validate(&dir, &text);
    assert_eq!(code, 1, "{err}");
    for said in [
        "`acceptable-usee` is not a document of the library",
        "did you mean `acceptable-use`?",
        "`incident-reporting` is in both documents.include and documents.exclude",
        "branding.logo cannot be read",
        "3 problem(s)",
    ] {
        assert!(err.contains(said), "{said}\n{err}");
    }
    // A template folder that is not there is the profile's problem, at its line.
    let text = profile("", ", templates: nothere") + "branding: { logo: nothere.png }\n";
    let (code, err) = validate(&dir, &text);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("template folder ./nothere") || err.contains("template folder"),
        "{err}"
    );
    assert!(err.contains("at documents.templates"), "{err}");
    assert!(err.contains("branding.logo cannot be read"), "{err}");
}

#[test]
fn validate_names_values_the_pdf_fonts_cannot_draw() {
    let dir = tempdir("warnings", "validate-glyphs");
    let (code, err) = validate(
        &dir,
        &profile("", "").replace("Base Clinic", "Base Clinic \u{1F3E5}"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "organization.name: the bundled PDF fonts have no glyph for \u{1F3E5} (U+1F3E5)"
        ),
        "{err}"
    );
}
