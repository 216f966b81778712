//! Packs for organization types the example profiles do not cover, read as
//! their users read them. Each fixture in `tests/fixtures/org_types/` is a
//! profile of one type (billing business associate, critical access
//! hospital, dental practice with a 24-month review, home health, imaging
//! centre, laboratory, long-term care, pharmacy, behavioral health, health
//! system); the pack is built with the real binary from the templates on
//! disk and its Markdown is checked for wording that would be wrong for that
//! organization.

mod common;

use common::{bin, repo, run, tempdir};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The Markdown of each document of a fixture's pack, by id.
struct Pack {
    name: &'static str,
    docs: BTreeMap<String, String>,
}

impl Pack {
    fn doc(&self, id: &str) -> &str {
        self.docs
            .get(id)
            .unwrap_or_else(|| panic!("{}: document `{id}` is not in the pack", self.name))
    }

    /// Every (document, line) whose text contains `needle`.
    fn lines_with(&self, needle: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (id, text) in &self.docs {
            for line in text.lines() {
                if line.contains(needle) {
                    out.push(format!("{}/{id}: {line}", self.name));
                }
            }
        }
        out
    }

    /// Document `id` contains `needle` (the document is shown when not).
    #[track_caller]
    fn assert_in(&self, id: &str, needle: &str) {
        let text = self.doc(id);
        assert!(
            text.contains(needle),
            "{}/{id} lacks {needle:?}:\n{text}",
            self.name
        );
    }

    fn assert_absent(&self, needle: &str) {
        let hits = self.lines_with(needle);
        assert!(
            hits.is_empty(),
            "`{needle}` should not appear:\n{}",
            hits.join("\n")
        );
    }
}

const FIXTURES: &[&str] = &[
    "behavioral-small",
    "billing-ba-medium",
    "cah-medium",
    "dental-small",
    "healthsystem-large",
    "homehealth-medium",
    "imaging-small",
    "lab-medium",
    "ltc-medium",
    "pharmacy-small",
];

fn build(name: &'static str) -> Pack {
    let out = tempdir("org-types", name);
    let profile = repo(&format!("tests/fixtures/org_types/{name}.yaml"));
    let (code, _, err) = run(bin()
        .arg("build")
        .arg(&profile)
        .arg("-o")
        .arg(&out)
        .args(["-f", "md", "-q", "--templates"])
        .arg(repo("templates")));
    assert_eq!(code, 0, "{name}: build failed: {err}");
    let pack = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.is_dir() && p.join("md").is_dir())
        .unwrap_or_else(|| panic!("{name}: no pack folder"));
    let mut docs = BTreeMap::new();
    for e in std::fs::read_dir(pack.join("md")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            let id = p.file_stem().unwrap().to_string_lossy().into_owned();
            docs.insert(id, std::fs::read_to_string(&p).unwrap());
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    Pack { name, docs }
}

/// All fixture packs, built once for the whole file.
fn packs() -> &'static Vec<Pack> {
    static PACKS: OnceLock<Vec<Pack>> = OnceLock::new();
    PACKS.get_or_init(|| {
        std::thread::scope(|s| {
            let handles: Vec<_> = FIXTURES.iter().map(|n| s.spawn(move || build(n))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    })
}

fn pack(name: &str) -> &'static Pack {
    packs()
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

#[test]
fn no_broken_grammar_in_any_pack() {
    for p in packs() {
        for bad in [
            "every 1 months",
            "the the ",
            " 1 people",
            "(1 staff)",
            "team of 1 ",
            "1 IT staff)",
            "sub-practices are fully in place",
            "all 2 locations",
            "of the 2 locations",
            "its 2 locations",
            "Ciso",
            ", which acts on it",
        ] {
            if bad == "sub-practices are fully in place" {
                // Plural verb only when the count is not 1.
                for l in p.lines_with(bad) {
                    assert!(
                        !l.contains(": 1 of "),
                        "singular count with plural verb: {l}"
                    );
                }
                continue;
            }
            p.assert_absent(bad);
        }
    }
}

#[test]
fn acronyms_in_role_labels_keep_their_capitals() {
    let irp = pack("healthsystem-large").doc("incident-response-plan");
    assert!(irp.contains("| CISO Deputy |"), "role label of ciso_deputy");
}

#[test]
fn small_pack_without_tiers_does_not_name_tier_1_systems() {
    let bdr = pack("pharmacy-small").doc("backup-disaster-recovery");
    assert!(!bdr.contains("Tier 1 systems"), "{bdr}");
}

#[test]
fn review_wording_follows_the_review_period() {
    let p = pack("dental-small");
    for id in ["security-roles-governance", "form-policy-acknowledgement"] {
        let d = p.doc(id);
        assert!(
            !d.to_lowercase().contains("annual revision")
                && !d.to_lowercase().contains("annual policy review")
                && !d.contains("annual review"),
            "{id} speaks of an annual review for a 24-month cycle"
        );
    }
    p.assert_in("security-roles-governance", "every 24 months");
    // A 12-month cycle keeps "annual".
    assert!(
        pack("pharmacy-small")
            .doc("security-roles-governance")
            .contains("its annual revision")
    );
}

#[test]
fn law_enforcement_contact_is_not_called_the_fbi() {
    let step = pack("pharmacy-small")
        .doc("playbook-ransomware")
        .lines()
        .find(|l| l.starts_with("| 12 |"))
        .unwrap()
        .to_string();
    assert!(!step.contains("FBI (Hannibal"), "{step}");
    assert!(step.contains("Hannibal Police Department"), "{step}");
    assert!(step.contains("FBI through IC3"), "{step}");
}

/// The text of a document from a `## ` heading containing `title` to the next.
fn section<'a>(doc: &'a str, title: &str) -> &'a str {
    let start = doc
        .find(&format!("## {title}"))
        .unwrap_or_else(|| panic!("no section {title}"));
    let rest = &doc[start + 3..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

#[test]
fn business_associate_notifies_the_covered_entity() {
    let p = pack("billing-ba-medium");
    let breach = section(p.doc("incident-response-plan"), "HIPAA breach notification");
    assert!(
        breach.contains("| Each covered entity whose PHI is involved | Without unreasonable delay, and no later than 60 calendar days after discovery; sooner when the BAA"),
        "{breach}"
    );
    // Individual, HHS and media notices are not the BA's own duties.
    assert!(!breach.contains("| Each affected individual |"), "{breach}");
    assert!(!breach.contains("| HHS, breach affecting"), "{breach}");
    assert!(
        breach.contains("Only when a BAA delegates these notices"),
        "{breach}"
    );
    let reporting = p.doc("incident-reporting");
    assert!(
        !reporting.contains("(individuals without unreasonable delay"),
        "incident-reporting tracks a covered entity's clocks"
    );
    assert!(reporting.contains("the covered entity whose PHI is involved"));
    // A covered entity keeps its own notices.
    let cah = section(
        pack("cah-medium").doc("incident-response-plan"),
        "HIPAA breach notification",
    );
    assert!(cah.contains("| Each affected individual |"), "{cah}");
}

#[test]
fn business_associate_pack_is_not_written_as_a_care_provider() {
    let p = pack("billing-ba-medium");
    for bad in [
        "house supervisor",
        "medical assistant",
        "| 1: patient care |",
        "patient care",
        "closing or rescheduling clinics",
        "closing clinics",
        "ambulance diversion",
        "Patients still arrive",
        "keeps patients cared for",
        "recorded in the chart",
        "mass-casualty",
        "progress notes",
        "electronic health record",
        "EHR downtime",
        "physicians and other",
        "one clinical leader",
        "caring for patients",
    ] {
        p.assert_absent(bad);
    }
    let bdr = p.doc("backup-disaster-recovery");
    assert!(bdr.contains("| 1: client services |"), "tier 1 of a BA");
}

#[test]
fn hospital_wording_follows_type_not_size() {
    // A medium critical access hospital decides on diversion; its emergency
    // accounts are held by the house supervisor.
    let cah = pack("cah-medium");
    cah.assert_in("backup-disaster-recovery", "Decides on ambulance diversion");
    cah.assert_in("access-control", "by the house supervisor");
    cah.assert_in("incident-response-plan", "tells partner hospitals");
    // Medium non-hospitals of every kind do not.
    for name in [
        "billing-ba-medium",
        "lab-medium",
        "ltc-medium",
        "homehealth-medium",
    ] {
        let p = pack(name);
        for bad in [
            "house supervisor",
            "diversion",
            "census",
            "partner hospitals",
        ] {
            p.assert_absent(bad);
        }
    }
}

#[test]
fn clinical_system_is_named_for_the_type() {
    let form = |n: &str| pack(n).doc("form-access-request").to_string();
    assert!(form("pharmacy-small").contains("| PioneerRx (pharmacy management system) |"));
    // A name that already says its kind ("Orchard Harvest LIS") is not glossed again.
    assert!(form("lab-medium").contains("| Orchard Harvest LIS |"));
    assert!(form("imaging-small").contains("| Novarad RIS and PACS |"));
    assert!(form("dental-small").contains("| Dentrix G7 (electronic health record) |"));
    for n in ["pharmacy-small", "lab-medium", "imaging-small"] {
        let p = pack(n);
        p.assert_absent("electronic health record");
        p.assert_absent("EHR database");
        p.assert_absent("progress notes");
    }
    let bdr = pack("pharmacy-small").doc("backup-disaster-recovery");
    assert!(
        bdr.contains("**BDR-10. Pharmacy system downtime.**"),
        "{bdr}"
    );
    assert!(!bdr.contains("next working day's schedule"), "{bdr}");
}

#[test]
fn long_term_care_serves_residents() {
    let p = pack("ltc-medium");
    p.assert_in("backup-disaster-recovery", "| 1: resident care |");
    p.assert_in("incident-response-plan", "**Residents and the public**");
    p.assert_absent("patient care");
    p.assert_absent("medical assistant");
}

/// Build `fixture` with `from` replaced by `to` in its text (one change).
fn build_variant(fixture: &str, from: &str, to: &str) -> BTreeMap<String, String> {
    let dir = tempdir("org-types-variant", &format!("{fixture}-{}", to.len()));
    let text =
        std::fs::read_to_string(repo(&format!("tests/fixtures/org_types/{fixture}.yaml"))).unwrap();
    assert!(text.contains(from), "{fixture} has no `{from}`");
    let profile = dir.join("profile.yaml");
    std::fs::write(&profile, text.replacen(from, to, 1)).unwrap();
    let out = dir.join("out");
    let (code, _, err) = run(bin()
        .arg("build")
        .arg(&profile)
        .arg("-o")
        .arg(&out)
        .args(["-f", "md", "-q", "--templates"])
        .arg(repo("templates")));
    assert_eq!(code, 0, "{fixture} variant: build failed: {err}");
    let pack = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.join("md").is_dir())
        .unwrap();
    let mut docs = BTreeMap::new();
    for e in std::fs::read_dir(pack.join("md")).unwrap() {
        let p = e.unwrap().path();
        let id = p.file_stem().unwrap().to_string_lossy().into_owned();
        docs.insert(id, std::fs::read_to_string(&p).unwrap());
    }
    let _ = std::fs::remove_dir_all(&dir);
    docs
}

#[test]
fn weekly_backups_do_not_promise_a_4_hour_rpo() {
    // ltc-medium backs up weekly and states no RPO.
    let p = pack("ltc-medium");
    let bdr = p.doc("backup-disaster-recovery");
    assert!(!bdr.contains("At most 4 hours of data lost"), "{bdr}");
    assert!(bdr.contains("At most 7 days of data lost"), "{bdr}");
    assert!(!bdr.contains("Daily copies"), "nothing runs daily: {bdr}");
    for id in ["playbook-ransomware", "procedure-backup-restore-testing"] {
        assert!(!p.doc(id).contains("4 hours of data lost"), "{id}");
    }
    // An RPO the profile sets below the backup interval is called out.
    let docs = build_variant(
        "ltc-medium",
        "frequency: weekly,",
        "frequency: weekly, rpo_hours: 4,",
    );
    let bdr = &docs["backup-disaster-recovery"];
    assert!(
        bdr.contains("At most 4 hours of data lost. Backups taken every week cannot meet this"),
        "{bdr}"
    );
}

#[test]
fn controls_the_profile_says_are_off_are_stated_as_gaps() {
    // cah-medium: e-mail MFA false, disks unencrypted, guest Wi-Fi not segmented.
    let cah = pack("cah-medium");
    let ac = cah.doc("access-control");
    assert!(
        !ac.contains("including virtual desktops and webmail, are blocked"),
        "webmail has no MFA in this profile"
    );
    assert!(ac.contains("webmail is still reached without MFA"));
    let ns = cah.doc("network-security");
    assert!(ns.contains("The guest network is not yet separated from the internal zones"));
    assert!(ns.contains("(not yet separated: see NS-5)"));
    let sa = cah.doc("self-assessment");
    assert!(sa.contains("## Technology gaps {#technology-gaps}"), "{sa}");
    assert!(sa.contains(
        "| Multifactor authentication on every Microsoft Exchange 2019 (on-premises) mailbox"
    ));
    assert!(sa.contains("| Guest Wi-Fi separated from every internal network zone"));

    // pharmacy-small: MFA, encryption and local admin removal off; remote access off.
    let p = pack("pharmacy-small");
    let ep = p.doc("endpoint-protection");
    assert!(ep.contains("disks are not yet\nencrypted"), "{ep}");
    assert!(ep.contains("Everyday accounts still have local administrator rights today"));
    let au = p.doc("acceptable-use");
    assert!(!au.contains("named, MFA-protected accounts"));
    assert!(au.contains("MFA is not yet enforced on Google Workspace"));
    let ru = p.doc("remote-and-portable-devices");
    assert!(
        !ru.contains("the remote access connection"),
        "remote access is off"
    );
    assert!(ru.contains("full-disk encryption (not yet in place"));
    // RU-5 and the procedure agree on personal devices (BYOD is allowed).
    assert!(ru.contains("organization devices or personal devices enrolled under"));
    assert!(
        !p.doc("personal-devices").contains("PioneerRx mobile app"),
        "an on-premises system with remote access off has no mobile app"
    );
    let sa = p.doc("self-assessment");
    for row in [
        "| Full-disk encryption of laptops",
        "| No local administrator rights",
        "| A backup copy kept away",
    ] {
        assert!(sa.contains(row), "missing {row}");
    }
    // A profile with every control on lists no technology gaps.
    assert!(
        !pack("lab-medium")
            .doc("self-assessment")
            .contains("Technology gaps")
    );
}

#[test]
fn nobody_consults_reports_to_or_calls_themselves() {
    // pharmacy-small: the Security Officer is also executive sponsor and Incident Commander.
    let p = pack("pharmacy-small");
    let irp = p.doc("incident-response-plan");
    assert!(!irp.contains("first consults Linda Koenig"), "IR-4");
    assert!(!irp.contains("sends the review to Linda Koenig"));
    assert!(!irp.contains("reviews held to Linda Koenig"));
    assert!(
        !p.doc("security-awareness-training")
            .contains("every 3 months to Linda Koenig")
    );
    assert!(
        !p.doc("security-roles-governance")
            .contains("The Security Officer and the executive sponsor meet")
    );
    // imaging-small: the reporting line is the Security Officer's own phone,
    // and he is the Incident Commander and IT contact too.
    let ir = pack("imaging-small").doc("incident-reporting");
    // ... nor approves their own work as someone else.
    let imaging = pack("imaging-small");
    imaging.assert_absent("with Jason Reeves's approval");
    imaging.assert_absent("Jason Reeves with Jason Reeves");
    for bad in [
        "call Jason Reeves, the Security Officer",
        "passed by the Security Officer to Jason Reeves",
        "call Jason Reeves, the Incident Commander",
    ] {
        assert!(!ir.contains(bad), "{bad}");
    }
}

#[test]
fn free_text_values_read_as_part_of_the_sentence() {
    // managed_by "the equipment vendors": no lower-case sentence start, no "vendors keeps".
    let md = pack("imaging-small").doc("medical-device-security");
    assert!(!md.contains("** the equipment vendors"), "{md}");
    assert!(!md.contains("the equipment vendors keeps"));
    assert!(!md.contains("asks the equipment vendors for a session"));
    assert!(md.contains("with the equipment vendors"));
    // An IT contact named like the provider is not repeated in brackets.
    let p = pack("dental-small");
    p.assert_absent("Seacoast Dental IT (Seacoast Dental IT)");
    p.assert_absent("(contact Seacoast Dental IT)");
    p.assert_absent("contact Seacoast Dental IT |");
    // A remote-access method written as a sentence is not an appositive.
    let ru = pack("behavioral-small").doc("remote-and-portable-devices");
    assert!(!ru.contains("approved method,\nTherapists"), "{ru}");
    assert!(ru.contains("Approved method: Therapists use the cloud EHR from home with MFA."));
}

#[test]
fn vendor_policy_agrees_with_the_crosswalk_on_cpg_e10() {
    for name in ["pharmacy-small", "lab-medium", "healthsystem-large"] {
        let p = pack(name);
        let e10 = p
            .doc("crosswalk")
            .lines()
            .find(|l| l.starts_with("| E10 |"))
            .unwrap_or_else(|| panic!("{name}: no E10 row"))
            .to_string();
        let vr = p.doc("vendor-risk-management").replace('\n', " ");
        let purpose = &vr[vr.find("## Purpose").unwrap()..vr.find("## Scope").unwrap()];
        assert!(purpose.contains("CPG E10"), "{name}: {purpose}");
        if e10.contains("None at this size") {
            assert!(
                purpose.contains("no HICP sub-practice of a"),
                "{name}: the policy must not tie E10 to a sub-practice: {purpose}"
            );
            assert!(
                !purpose.contains("cybersecurity requirements (HICP 10."),
                "{purpose}"
            );
        } else {
            assert!(e10.contains("9.L.C"), "{e10}");
            assert!(
                purpose.contains("CPG E10 (HICP 9.L.C)"),
                "{name}: {purpose}"
            );
        }
    }
}

#[test]
fn lesser_findings_read_right() {
    let p = pack("pharmacy-small");
    // The IT provider without a BAA is also the pack's IT hands: the register says so.
    p.assert_in(
        "register-vendors",
        "River City Computer Services is also Cedar Street Pharmacy's IT support",
    );
    // Built-in Windows Defender cannot isolate a device.
    p.assert_absent("Windows Defender isolation");
    p.assert_absent("isolate the computer through Windows Defender");
    // A 9-person pharmacy has no departments, newsletter or HR department.
    p.assert_absent("newsletter");
    p.assert_absent("Each department head");
    // Google Workspace has no "[secure]" subject keyword.
    let au = pack("behavioral-small").doc("acceptable-use");
    assert!(!au.contains("\"secure\" in square brackets"), "{au}");
    // A 24x7 MDR vendor runs the health system's SOC with it.
    assert!(
        pack("healthsystem-large")
            .doc("incident-response-plan")
            .contains("is run with Arctic Wolf")
    );
}

#[test]
fn business_associate_system_name_agrees_with_its_verbs() {
    let p = pack("billing-ba-medium");
    // The generic name is singular: "the client data system closes a session".
    p.assert_absent("systems that hold clients' PHI closes");
    p.assert_in("access-control", "the client data system closes a session");
    p.assert_absent("clinical applications");
}

#[test]
fn remote_access_off_still_allows_only_vendor_sessions() {
    let ru = pack("pharmacy-small").doc("remote-and-portable-devices");
    assert!(ru.contains("the only remote connections are vendor support sessions under RU-7"));
}

/// Cells of a Markdown table row, ignoring `\|` escapes inside a cell.
fn table_cells(line: &str) -> usize {
    let t = line.trim();
    let inner = t.strip_prefix('|').unwrap_or(t);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut n = 1;
    let mut prev = ' ';
    for c in inner.chars() {
        if c == '|' && prev != '\\' {
            n += 1;
        }
        prev = c;
    }
    n
}

#[test]
fn every_table_row_has_as_many_cells_as_its_header() {
    for p in packs() {
        for (id, text) in &p.docs {
            let mut header: Option<usize> = None;
            for line in text.lines() {
                if !line.trim_start().starts_with('|') {
                    header = None;
                    continue;
                }
                match header {
                    None => header = Some(table_cells(line)),
                    Some(n) => assert_eq!(
                        table_cells(line),
                        n,
                        "{}/{id}: row does not match its {n}-column header: {line}",
                        p.name
                    ),
                }
            }
        }
    }
    // The vendor findings row names the service in its own column.
    let v = pack("pharmacy-small").doc("vendor-risk-management");
    assert!(
        !v.lines()
            .any(|l| l.starts_with("| ") && l.contains("| Stop sending PHI") && table_cells(l) < 5),
        "vendor findings row lacks a cell"
    );
}

#[test]
fn technology_gaps_follow_the_profile_due_dates_and_read_right() {
    // 1.S.A is due 2026-07-31 in the pharmacy profile: EM-2 and the
    // self-assessment give that date, not 90 days from April 1.
    let ph = pack("pharmacy-small");
    let em2 = ph
        .doc("acceptable-use")
        .lines()
        .find(|l| l.contains("**EM-2."))
        .unwrap();
    assert!(em2.contains("by July 31, 2026"), "{em2}");
    assert!(!em2.contains("within 90 days"), "{em2}");
    let sa = ph.doc("self-assessment");
    assert!(
        sa.contains("EM-2 | July 31, 2026 (due date of 1.S.A)"),
        "{sa}"
    );
    ph.assert_in("backup-disaster-recovery", "in place by June 30, 2026");
    let cah = pack("cah-medium");
    assert!(
        cah.doc("acceptable-use").contains("by December 31, 2026"),
        "cah EM-2 ignores 1.M.B's due date"
    );
    assert!(!cah.doc("self-assessment").contains("(on-premises))"));
    let flat = cah.doc("self-assessment").replace('\n', " ");
    assert!(!flat.contains("Ray Jorgensen, the Security Officer, with Ray Jorgensen"));
    for p in packs() {
        let sa = p.doc("self-assessment");
        let Some(tg) = sa.find("## Technology gaps") else {
            continue;
        };
        // The section follows the remediation plan's closing paragraph.
        if let Some(rest) = sa.find("**Assessment of the remaining sub-practices.**") {
            assert!(
                rest < tg,
                "{}: technology gaps split the remediation plan",
                p.name
            );
        }
        let section = &sa[tg..sa[tg..].find("\n## Vendor").map_or(sa.len(), |i| tg + i)];
        let rows = section
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| Control"))
            .count();
        let flat = section.replace('\n', " ");
        if rows == 1 {
            assert!(!flat.contains("beside each"), "{}: {flat}", p.name);
        }
        if sa.contains("No sub-practice is recorded as partially implemented") {
            assert!(
                !flat.contains("remediation plan above"),
                "{}: {flat}",
                p.name
            );
        }
    }
    // ltc-medium has no external-sender banner; EM-5 requires one.
    assert!(
        pack("ltc-medium")
            .doc("self-assessment")
            .contains("A visible warning banner on messages from outside senders")
    );
}

#[test]
fn one_person_in_several_roles_is_not_their_own_reporting_line() {
    // imaging-small: the equipment vendors manage devices, so the device
    // owner is IT, which is Jason Reeves, the Security Officer.
    // behavioral-small: Megan O'Leary is IT, Security Officer and sponsor.
    for (name, so) in [
        ("imaging-small", "Jason Reeves"),
        ("behavioral-small", "Megan O'Leary"),
    ] {
        let p = pack(name);
        for (id, text) in &p.docs {
            let flat = text.replace('\n', " ");
            for bad in [
                format!("{so} reports to the Security Officer"),
                format!("{so} agrees each change with the Security Officer"),
                format!("Every month, {so} reports to the Security Officer"),
                format!("chosen by {so} and approved by the Security Officer"),
            ] {
                assert!(!flat.contains(&bad), "{name}/{id}: {bad}");
            }
        }
    }
    // pharmacy-small: Linda Koenig is Security Officer, executive sponsor
    // and incident commander.
    let ph = pack("pharmacy-small");
    assert!(
        !ph.doc("security-roles-governance")
            .contains("reports each such action to the executive sponsor")
    );
    assert!(
        !ph.doc("pack-overview")
            .replace('\n', " ")
            .contains("The Security Officer reports progress to the executive sponsor")
    );
    assert!(
        !ph.doc("playbook-ransomware")
            .contains("Brief the executive sponsor on patient-care impact. | Linda Koenig")
    );
    // IRP-3: the fallback is another person with a number, not "their
    // manager" (who in a small pharmacy is the unreachable Security Officer).
    for name in [
        "pharmacy-small",
        "behavioral-small",
        "imaging-small",
        "ltc-medium",
    ] {
        let ir = pack(name).doc("incident-reporting");
        assert!(
            !ir.contains("cannot be reached within 15 minutes, they tell their manager"),
            "{name}: {ir}"
        );
    }
    assert!(ph.doc("incident-reporting").contains(
        "cannot reach the Security Officer within 15 minutes calls Travis Dunn, the IT contact, at \\+1 573 555 0188"
    ));
}

#[test]
fn grammar_of_names_and_free_text() {
    let ph = pack("pharmacy-small");
    let rw = ph.doc("playbook-ransomware");
    assert!(!rw.contains("and to Hannibal Police Department"), "{rw}");
    assert!(rw.contains("the local police (Hannibal Police Department"));
    // A method written as a sentence is not wrapped in parentheses.
    for name in ["behavioral-small", "homehealth-medium"] {
        let ru = pack(name).doc("remote-and-portable-devices");
        assert!(
            !ru.contains("(Therapists use") && !ru.contains("(Clinicians"),
            "{name}"
        );
    }
    assert!(
        !pack("imaging-small")
            .doc("form-access-request")
            .contains("Novarad RIS and PACS (radiology information system and PACS)")
    );
    for p in packs() {
        p.assert_absent("a team report rate above");
        let bdr = p.doc("backup-disaster-recovery");
        for l in bdr.lines().filter(|l| l.starts_with("| Executive sponsor")) {
            // The serial comma only after a list of three.
            if !l.contains("ambulance diversion") {
                assert!(!l.contains(", and public statements"), "{}: {l}", p.name);
            }
        }
    }
}

#[test]
fn a_single_it_staff_member_is_named_not_called_a_team() {
    // ltc-medium: a medium organization with it_staff 1 (Derrick Owens).
    let p = pack("ltc-medium");
    p.assert_absent("Derrick Owens and the IT team");
    p.assert_absent("the on-call member of the IT team");
    p.assert_absent("and calls outside them");
    p.assert_absent("Derrick Owens, IT Specialist, and the IT team");
    p.assert_absent("the IT team under Derrick Owens");
    p.assert_absent("The IT team, led by Derrick Owens");
    let em2 = p
        .doc("acceptable-use")
        .lines()
        .find(|l| l.contains("**EM-2."))
        .unwrap();
    assert!(em2.contains("Derrick Owens enforces it"), "{em2}");
    p.assert_in("endpoint-protection", "Derrick Owens encrypts every laptop");
    // No "the IT team" anywhere but the overview, which says HICP assumes one.
    let team: Vec<String> = p
        .lines_with("IT team")
        .into_iter()
        .filter(|l| !l.contains("assumes an IT team (here one person)"))
        .collect();
    assert!(team.is_empty(), "{}", team.join("\n"));
    p.assert_in(
        "endpoint-protection",
        "sent to Derrick Owens, who acts on a high-severity alert",
    );
    p.assert_in(
        "form-access-request",
        "## Part E: Completed by Derrick Owens",
    );
    // Nobody leads or works under themselves.
    p.assert_absent("Derrick Owens, led by Derrick Owens");
    p.assert_absent("Derrick Owens, under Derrick Owens");
    // A medium organization with an IT team keeps the team wording.
    assert!(!pack("cah-medium").lines_with("and the IT team").is_empty());
}

#[test]
fn an_implemented_sub_practice_with_a_control_off_is_flagged() {
    // pharmacy-small marks 2.S.A implemented, but disks are not encrypted and
    // everyday accounts keep administrator rights.
    let sa = pack("pharmacy-small").doc("self-assessment");
    let row = sa
        .lines()
        .find(|l| l.starts_with("| 2.S.A |"))
        .expect("2.S.A row");
    assert!(row.contains("| Implemented |"), "{row}");
    assert!(
        row.contains(
            "full-disk encryption and removal of local administrator rights as not in place"
        ),
        "{row}"
    );
    // lab-medium has every control on: no such note.
    assert!(
        !pack("lab-medium")
            .doc("self-assessment")
            .contains("Recorded as implemented, but")
    );
}

#[test]
fn people_served_are_named_for_the_type_in_playbooks() {
    let ltc = pack("ltc-medium");
    ltc.assert_absent("Viewing a patient record");
    ltc.assert_absent("whether the patient needs another device");
    ltc.assert_absent("in the records: patients");
    pack("behavioral-small").assert_absent("charting, imaging and prescribing");
}

#[test]
fn business_associate_access_control_has_no_clinical_examples() {
    let ac = pack("billing-ba-medium").doc("access-control");
    for bad in [
        "providers,",
        "\"nurse1\"",
        "waiting-room kiosk",
        "shared clinical workstations",
    ] {
        assert!(!ac.replace('\n', " ").contains(bad), "{bad}");
    }
    assert!(
        pack("cah-medium")
            .doc("access-control")
            .contains("\"nurse1\"")
    );
}

/// A remote-access method written as a sentence is not wrapped in
/// parentheses in the access request form's table ("Remote access
/// (Therapists use ...)").
#[test]
fn access_form_gives_the_remote_method_after_a_colon() {
    let form = pack("behavioral-small").doc("form-access-request");
    assert!(
        form.contains("| Remote access: Therapists use the cloud EHR from home with MFA |"),
        "{form}"
    );
    assert!(!form.contains("Remote access (Therapists"), "{form}");
}

#[test]
fn fill_in_blanks_print_as_blanks_not_bold() {
    // `____/____/________` opened and closed strong emphasis around the
    // slashes: the forms showed "//________ at :" in every format.
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    for p in packs() {
        for (id, text) in &p.docs {
            let mut inside = 0usize;
            let mut shown = String::new();
            for ev in Parser::new_ext(text, Options::ENABLE_TABLES) {
                match ev {
                    Event::Start(Tag::Strong | Tag::Emphasis) => {
                        inside += 1;
                        shown.clear();
                    }
                    Event::End(TagEnd::Strong | TagEnd::Emphasis) => {
                        inside -= 1;
                        assert!(
                            shown.chars().any(char::is_alphanumeric),
                            "{}/{id}: emphasis around {shown:?}",
                            p.name
                        );
                    }
                    Event::Text(t) | Event::Code(t) if inside > 0 => shown.push_str(&t),
                    _ => {}
                }
            }
        }
    }
    let form = pack("lab-medium").doc("form-incident-report");
    assert!(form.contains("| ____ / ____ / ________ at ____ : ____ |"));
}
