//! The incident documents (incident response plan, incident reporting policy,
//! the two forms and the five playbooks) read as written for the organization
//! whose profile built them: the times staff sign up to are the reporting
//! policy's, no sentence names a reporting line, phone number, IT provider or
//! EHR the profile does not have, the severity levels do not overlap, and one
//! person holding several roles never calls, tells or works "with" themselves.
//!
//! Each pack is built with the real binary from the templates on disk: the
//! three example profiles, and four variants written here (a small practice
//! with no contacts, EHR or IT provider; a behavioral health group with one IT
//! person and no MSP; a hospital where one person holds every role; a
//! business associate).

mod common;

use common::{bin, repo, run, tempdir};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

/// A small practice that records only its two officers: no reporting line,
/// no phone numbers, no EHR, no IT contact or provider, no external contacts.
const MINIMAL: &str = r#"hicp: 1
organization:
  name: "Maple Street Pediatrics, PLLC"
  type: primary-care
  size: small
people:
  security_officer: { name: Alice Moreno, title: Office Manager, email: alice@maplepeds.example }
  privacy_officer: { name: Ben Carter, title: Billing Lead, email: ben@maplepeds.example }
documents:
  version: "1.0"
  effective_date: 2026-12-01
"#;

/// Medium behavioral health group: one IT person, no MSP, no external contacts,
/// the Security Officer is also Privacy Officer and Incident Commander.
const MEDIUM_NO_MSP: &str = r#"hicp: 1
organization:
  name: "Northfield Behavioral Health Group"
  short_name: Northfield
  type: behavioral-health
  metrics: { providers: 1, employees: 140, beds: 0, locations: 3, it_staff: 1 }
  hipaa_role: covered-entity
  size: medium
people:
  security_officer: { name: Carla Nunez, title: Compliance Manager, email: carla@northfield.example, phone: "+1 612 555 0101" }
  privacy_officer: { name: Carla Nunez, title: Compliance Manager, email: carla@northfield.example }
  executive_sponsor: { name: Dr. Omar Haddad, title: Executive Director, email: omar@northfield.example }
  it_contact: { name: Devin Shaw, title: IT Specialist, email: devin@northfield.example, phone: "+1 612 555 0102" }
documents:
  version: "1.0"
  effective_date: 2026-12-01
  approved_by: executive_sponsor
  approved_on: 2026-11-20
technology:
  ehr: { name: Netsmart myAvatar, hosting: on-premises }
  email: { platform: Google Workspace, mfa: false, external_banner: false }
  endpoints: { protection: Sophos Intercept X, disk_encryption: false, local_admin_removed: false }
  backups: { solution: Veeam, frequency: daily, offsite: false, immutable: false }
  remote_access: { allowed: false }
  byod: { allowed: true }
  wireless: { guest_network: false, segmented: false }
  telehealth: { used: false }
  medical_devices: { present: false }
vendors:
  - { name: Arctic Fiber, service: internet connectivity, phi_access: false, baa: false }
incident_response:
  report_to: { email: security@northfield.example, phone: "+1 612 555 0199" }
"#;

/// A large hospital where one person holds every role, with no EHR recorded.
const LARGE_MULTIROLE: &str = r#"hicp: 1
organization:
  name: "Prairie Valley Hospital"
  short_name: Prairie Valley
  type: hospital
  metrics: { providers: 120, employees: 1500, beds: 600, locations: 2, it_staff: 12 }
  hipaa_role: covered-entity
people:
  security_officer: { name: Pat Kim, title: Chief Information Officer, email: pkim@pvh.example, phone: "+1 605 555 0101" }
  privacy_officer: { name: Pat Kim, title: Chief Information Officer, email: pkim@pvh.example }
  executive_sponsor: { name: Pat Kim, title: Chief Information Officer, email: pkim@pvh.example }
  incident_commander: { name: Pat Kim, title: Chief Information Officer, email: pkim@pvh.example, phone: "+1 605 555 0101" }
  it_contact: { name: Pat Kim, title: Chief Information Officer, email: pkim@pvh.example, phone: "+1 605 555 0101" }
documents:
  version: "1.0"
  effective_date: 2026-12-01
  approved_by: executive_sponsor
  approved_on: 2026-11-20
technology:
  email: { platform: Microsoft 365, mfa: true, external_banner: true }
  medical_devices: { present: true, examples: [infusion pump] }
vendors: []
incident_response:
  report_to: { email: soc@pvh.example, phone: "+1 605 555 0199" }
"#;

/// A small billing company (business associate) with two in-house IT staff and
/// no MSP; the Security Officer has no phone.
const BUSINESS_ASSOCIATE: &str = r#"hicp: 1
organization:
  name: "ClaimBridge Billing Services, Inc."
  short_name: ClaimBridge
  type: business-associate
  metrics: { providers: 0, employees: 45, beds: 0, locations: 1, it_staff: 2 }
  hipaa_role: business-associate
people:
  security_officer: { name: Erin Walsh, title: Operations Director, email: erin@claimbridge.example }
  privacy_officer: { name: Frank Ocampo, title: Compliance Lead, email: frank@claimbridge.example }
  it_contact: { name: Gia Patel, title: Systems Administrator, email: gia@claimbridge.example }
documents:
  version: "1.0"
  effective_date: 2026-12-01
technology:
  email: { platform: Microsoft 365, mfa: true, external_banner: true }
  medical_devices: { present: false }
vendors:
  - { name: AWS, service: cloud hosting, phi_access: true, baa: true }
incident_response:
  report_to: { email: security@claimbridge.example, phone: "+1 555 555 0142" }
"#;

/// The documents this file checks.
const INCIDENT_DOCS: &[&str] = &[
    "form-policy-acknowledgement",
    "incident-response-plan",
    "incident-reporting",
    "form-incident-report",
    "playbook-insider-data-loss",
    "playbook-lost-stolen-device",
    "playbook-medical-device-attack",
    "playbook-phishing",
    "playbook-ransomware",
];

/// One built pack: each document's Markdown, and the folder of its HTML pages.
struct Pack {
    name: &'static str,
    md: BTreeMap<String, String>,
    html: PathBuf,
}

impl Pack {
    /// Document `id`'s Markdown with line breaks and runs of spaces made single
    /// spaces, so that a phrase wrapped across lines is still found.
    fn doc(&self, id: &str) -> String {
        let text = self
            .md
            .get(id)
            .unwrap_or_else(|| panic!("{}: document `{id}` is not in the pack", self.name));
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The text a reader sees on document `id`'s HTML page: tags removed,
    /// entities for `&`, `'` and `"` decoded, whitespace collapsed.
    fn html_text(&self, id: &str) -> String {
        let raw = std::fs::read_to_string(self.html.join(format!("{id}.html")))
            .unwrap_or_else(|e| panic!("{}: {id}.html: {e}", self.name));
        let mut text = String::new();
        let mut in_tag = false;
        for c in raw.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => {
                    in_tag = false;
                    text.push(' ');
                }
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text
            .replace("&amp;", "&")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&quot;", "\"");
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[track_caller]
    fn assert_in(&self, id: &str, needle: &str) {
        let text = self.doc(id);
        assert!(
            text.contains(needle),
            "{}/{id} lacks {needle:?}:\n{text}",
            self.name
        );
    }

    #[track_caller]
    fn assert_not_in(&self, id: &str, needle: &str) {
        let text = self.doc(id);
        assert!(
            !text.contains(needle),
            "{}/{id} should not say {needle:?}:\n{text}",
            self.name
        );
    }

    /// No incident document of the pack says `needle`.
    #[track_caller]
    fn assert_nowhere(&self, needle: &str) {
        for id in INCIDENT_DOCS {
            if self.md.contains_key(*id) {
                self.assert_not_in(id, needle);
            }
        }
    }

    /// The table row of document `id` that starts with `start` (after "| ").
    #[track_caller]
    fn row(&self, id: &str, start: &str) -> String {
        let text = self.md.get(id).unwrap();
        text.lines()
            .find(|l| l.starts_with(&format!("| {start}")))
            .unwrap_or_else(|| panic!("{}/{id}: no row `| {start}`:\n{text}", self.name))
            .to_string()
    }
}

fn build(name: &'static str, profile: PathBuf) -> Pack {
    let out = tempdir("content-incident", name);
    let (code, _, err) = run(bin()
        .arg("build")
        .arg(&profile)
        .arg("-o")
        .arg(&out)
        .args(["-f", "md,html", "-q", "--templates"])
        .arg(repo("templates")));
    assert_eq!(code, 0, "{name}: build failed: {err}");
    let pack = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.is_dir() && p.join("md").is_dir())
        .unwrap_or_else(|| panic!("{name}: no pack folder"));
    let mut md = BTreeMap::new();
    for e in std::fs::read_dir(pack.join("md")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            let id = p.file_stem().unwrap().to_string_lossy().into_owned();
            md.insert(id, std::fs::read_to_string(&p).unwrap());
        }
    }
    Pack {
        name,
        md,
        html: pack.join("html"),
    }
}

/// A variant profile written to its own folder and built.
fn build_yaml(name: &'static str, yaml: &str) -> Pack {
    let dir = tempdir("content-incident-profile", name);
    let profile = dir.join(format!("{name}.yaml"));
    std::fs::write(&profile, yaml).unwrap();
    build(name, profile)
}

fn packs() -> &'static Vec<Pack> {
    static PACKS: OnceLock<Vec<Pack>> = OnceLock::new();
    PACKS.get_or_init(|| {
        std::thread::scope(|s| {
            let handles = vec![
                s.spawn(|| build("riverbend", repo("profiles/riverbend-clinic.yaml"))),
                s.spawn(|| build("lakeside", repo("profiles/lakeside-specialty.yaml"))),
                s.spawn(|| build("cascadia", repo("profiles/cascadia-regional.yaml"))),
                s.spawn(|| build_yaml("minimal", MINIMAL)),
                s.spawn(|| build_yaml("medium-no-msp", MEDIUM_NO_MSP)),
                s.spawn(|| build_yaml("large-multirole", LARGE_MULTIROLE)),
                s.spawn(|| build_yaml("business-associate", BUSINESS_ASSOCIATE)),
            ];
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    })
}

fn pack(name: &str) -> &'static Pack {
    packs()
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no pack {name}"))
}

#[test]
fn the_signed_acknowledgement_promises_the_reporting_policys_times() {
    for p in packs() {
        // IRP-2 of the same pack: the active-threat row and its channel.
        let row = p.row("incident-reporting", "Active threat:");
        let channel = if row.contains("15 minutes, by phone") {
            "by phone"
        } else {
            assert!(row.contains("15 minutes, in person"), "{}: {row}", p.name);
            "in person"
        };
        p.assert_in(
            "form-policy-acknowledgement",
            &format!("control) within 15 minutes, {channel};"),
        );
        p.assert_in(
            "form-policy-acknowledgement",
            "or patient information sent to the wrong person, within 1 hour;",
        );
        p.assert_in(
            "form-policy-acknowledgement",
            "including a suspicious e-mail, within 24 hours.",
        );
        p.assert_not_in("form-policy-acknowledgement", "the same day I notice it");
    }
    // What the signer reads on the page.
    let html = pack("riverbend").html_text("form-policy-acknowledgement");
    assert!(html.contains("within 15 minutes, by phone;"), "{html}");
    assert!(
        html.contains(
            "I report by phone to +1 541 555 0199 or by e-mail to security@riverbend.example."
        ),
        "{html}"
    );
    let html = pack("minimal").html_text("form-policy-acknowledgement");
    assert!(
        html.contains("I report to Alice Moreno, the Security Officer, in person or by e-mail to alice@maplepeds.example."),
        "{html}"
    );
}

#[test]
fn no_line_number_or_provider_the_profile_does_not_have() {
    let p = pack("minimal");
    p.assert_nowhere("reporting line");
    p.assert_nowhere("IT support provider");
    p.assert_nowhere("by phone");
    p.assert_nowhere("calling down the list");
    p.assert_nowhere("always reported by phone");
    p.assert_in(
        "incident-reporting",
        "Active threats are always reported in person, never only by e-mail",
    );
    p.assert_in(
        "form-incident-report",
        "Tell Alice Moreno, the Security Officer, in person, or e-mail alice@maplepeds.example the moment you notice",
    );
    p.assert_in(
        "form-incident-report",
        "who keeps trying the people on the list in person and by e-mail until someone answers",
    );
    p.assert_in(
        "incident-response-plan",
        "named staff make the decisions, and Alice Moreno carries out the technical steps, hiring an outside IT firm",
    );
    p.assert_in(
        "incident-response-plan",
        "tabletop exercise is held at least every 12 months with Alice Moreno and Ben Carter.",
    );
    for id in [
        "playbook-phishing",
        "playbook-ransomware",
        "playbook-lost-stolen-device",
    ] {
        p.assert_in(id, "ell Alice Moreno, the Security Officer, in person");
    }
    let html = p.html_text("incident-reporting");
    assert!(!html.contains("reporting line"), "{html}");
    // A small organization with its own IT staff is not told it has none, nor
    // given a provider it does not have; a phone given only for the line is the line's.
    let ba = pack("business-associate");
    ba.assert_nowhere("IT support provider");
    ba.assert_nowhere("practice office");
    ba.assert_nowhere("a practice without");
    ba.assert_nowhere("aimed at medical practices");
    ba.assert_in(
        "incident-response-plan",
        "a locked cabinet in the main office",
    );
    // Nor does its Security Officer, who is also its executive sponsor, report to themselves.
    ba.assert_not_in("form-policy-acknowledgement", "reports to Erin Walsh");
    ba.assert_in(
        "incident-response-plan",
        "named staff make the decisions, and Gia Patel, Systems Administrator, carries out the technical steps.",
    );
    ba.assert_in(
        "incident-response-plan",
        "Outside office hours, active threats are reported to the reporting line (\\+1 555 555 0142), and Erin Walsh calls in Gia Patel.",
    );
}

#[test]
fn severity_levels_do_not_overlap_and_the_playbooks_cite_them() {
    for p in packs() {
        let critical = p.row("incident-response-plan", "1 Critical");
        let high = p.row("incident-response-plan", "2 High");
        let medium = p.row("incident-response-plan", "3 Medium");
        let low = p.row("incident-response-plan", "4 Low");
        assert!(!critical.contains("left"), "{}: {critical}", p.name);
        assert!(
            critical.contains("PHI of 500 or more people is confirmed lost, stolen or disclosed")
        );
        assert!(
            high.contains("PHI of 500 or more people may be exposed, before that is confirmed")
        );
        assert!(medium.contains("PHI of fewer than 500 people sent, shown or handed to the wrong person by mistake, or lost on paper"));
        assert!(low.contains(
            "a lost or stolen device that was encrypted, with its key or password not lost with it"
        ));
        for row in [&critical, &high, &low] {
            assert!(!row.contains("fewer than 500"), "{}: {row}", p.name);
        }
        p.assert_not_in("playbook-lost-stolen-device", "severity 3 otherwise");
        p.assert_in(
            "playbook-lost-stolen-device",
            "3 for paper records with PHI of fewer than 500 people, or an unencrypted device that held no PHI; 2 for an unencrypted device that held PHI; 1 when the device or records held PHI of 500 or more people.",
        );
        p.assert_in(
            "playbook-insider-data-loss",
            "An accidental disclosure of PHI of fewer than 500 people is severity 3",
        );
        p.assert_in(
            "playbook-phishing",
            "2 when the compromised account has PHI access or administrator rights",
        );
        // Log retention stays at least 12 months.
        p.assert_in("incident-response-plan", "kept for at least 12 months");
    }
}

#[test]
fn ransomware_restores_in_the_backup_policys_order_and_the_vendor_restores_a_hosted_ehr() {
    let r = pack("riverbend");
    r.assert_not_in("playbook-ransomware", "athenaOne first");
    r.assert_in(
        "playbook-ransomware",
        "restore in the order of BDR-6 and BDR-8 of the [Disaster Recovery and Backup Policy](backup-disaster-recovery.md), starting with identity and network services",
    );
    r.assert_in(
        "playbook-ransomware",
        "athenaOne is hosted by its vendor and is not restored from Riverbend's backups: the technical lead confirms with the vendor",
    );
    r.assert_in(
        "incident-response-plan",
        "athenaOne is not restored from Riverbend's own backups",
    );
    // On-premises: restored from its own backups, no vendor sentence.
    let n = pack("medium-no-msp");
    n.assert_not_in("playbook-ransomware", "Netsmart myAvatar first");
    n.assert_not_in("playbook-ransomware", "hosted by its vendor");
    n.assert_in(
        "playbook-ransomware",
        "starting with identity and network services",
    );
}

#[test]
fn the_security_officer_reports_to_medwatch_with_the_clinician() {
    let r = pack("riverbend");
    r.assert_not_in(
        "playbook-medical-device-attack",
        "Cascade IT Partners reports any event",
    );
    r.assert_in(
        "playbook-medical-device-attack",
        "Separately, the Security Officer, Dana Ortiz, with the clinician who was in charge of the patient, reports any event that may have harmed a patient to the FDA through MedWatch",
    );
    assert!(
        r.row("playbook-medical-device-attack", "FDA report made")
            .contains("Security Officer, with the clinician in charge")
    );
}

#[test]
fn a_small_practice_runs_downtime_with_its_staff() {
    let r = pack("riverbend");
    r.assert_not_in("playbook-ransomware", "Department managers");
    r.assert_not_in("playbook-ransomware", "Each manager");
    r.assert_in(
        "playbook-ransomware",
        "| Staff on duty | Everyone at work when it happens |",
    );
    assert!(
        r.row("playbook-ransomware", "7 |")
            .ends_with("| The staff on duty |")
    );
    r.assert_in(
        "incident-response-plan",
        "the staff on duty start downtime procedures",
    );
    // A medium organization keeps its department managers.
    pack("lakeside").assert_in(
        "playbook-ransomware",
        "| Department managers | Each manager |",
    );
}

#[test]
fn external_contacts_missing_from_the_profile_are_obtained_by_a_named_person() {
    let n = pack("medium-no-msp");
    n.assert_not_in(
        "incident-response-plan",
        "Outside counsel chosen by the executive sponsor",
    );
    n.assert_in(
        "incident-response-plan",
        "**Contacts to record.** Carla Nunez, the Security Officer, adds these contacts to this table and to its printed copies within 30 days of this plan's effective date, December 1, 2026:",
    );
    for item in [
        "the cyber insurance carrier's claim line and policy number",
        "the name and breach line of the outside counsel Dr. Omar Haddad retains for security incidents",
        "the telephone number of the FBI field office that covers Northfield's area",
    ] {
        n.assert_in("incident-response-plan", item);
    }
    assert!(
        n.row("incident-response-plan", "Legal counsel")
            .contains("Recorded by Carla Nunez within 30 days of this plan's effective date")
    );
    n.assert_in(
        "playbook-ransomware",
        "at the numbers the Security Officer records under External contacts",
    );
    // A draft: before approval.
    pack("minimal").assert_in(
        "incident-response-plan",
        "adds these contacts to this table and to its printed copies before this plan is approved",
    );
    // Recorded contacts are listed, and nothing is left to obtain.
    let r = pack("riverbend");
    r.assert_not_in("incident-response-plan", "Contacts to record");
    r.assert_in("incident-response-plan", "Harlow \\& Finch LLP");
    r.assert_in("incident-response-plan", "Example Mutual Cyber Claims");
    r.assert_in("incident-response-plan", "FBI Portland Field Office");
}

#[test]
fn nobody_works_with_calls_or_tells_themselves() {
    for p in packs() {
        for person in [
            "Pat Kim",
            "Dana Ortiz",
            "Alice Moreno",
            "Carla Nunez",
            "Priya Raman",
            "Erin Walsh",
        ] {
            for joint in [" with ", ", with ", " and ", " to "] {
                p.assert_nowhere(&format!("{person}{joint}{person}"));
            }
            p.assert_nowhere(&format!("{person} with {person} with"));
            p.assert_nowhere(&format!("involved with {person}"));
        }
    }
    let r = pack("riverbend");
    assert!(
        r.row("playbook-insider-data-loss", "9 |")
            .ends_with("| Dana Ortiz, with the manager of the person involved |")
    );
    let m = pack("large-multirole");
    assert!(
        m.row("playbook-insider-data-loss", "8 |")
            .ends_with("| Pat Kim with the SOC |")
    );
    assert!(m.row("playbook-phishing", "5 |").ends_with("| The SOC |"));
    assert!(
        m.row("playbook-ransomware", "15 |")
            .ends_with("| Pat Kim with the SOC |")
    );
    m.assert_not_in("playbook-ransomware", "Executive sponsor briefed");
    m.assert_not_in("incident-response-plan", "Executive sponsor told");
    // One person in every role is one row of "Where to report", not four.
    let form = m.md.get("form-incident-report").unwrap();
    let where_rows = form
        .split("## Where to report")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .nth(1)
        .unwrap();
    assert_eq!(where_rows.matches("Pat Kim").count(), 1, "{where_rows}");
    assert!(where_rows.contains("| Pat Kim, Security Officer, Incident Commander and Privacy Officer (Chief Information Officer) |"));
    // The Incident Reporting Policy's desk takes command rather than calling itself.
    r.assert_not_in(
        "incident-reporting",
        "call Dana Ortiz, the Incident Commander",
    );
    r.assert_in(
        "incident-reporting",
        "4. take command as Incident Commander within 30 minutes",
    );
    pack("medium-no-msp").assert_in(
        "incident-reporting",
        "5. tell Carla Nunez, who is also the Privacy Officer, within 24 hours",
    );
}

#[test]
fn the_plan_names_the_report_desk_and_deputy_the_other_documents_name() {
    // Detection step 2 gives acknowledging reports to the desk IRP-6 names.
    let r = pack("riverbend");
    r.assert_not_in(
        "incident-response-plan",
        "Cascade IT Partners acknowledges each report",
    );
    r.assert_in(
        "incident-reporting",
        "For each report, the Security Officer, with Cascade IT Partners, must",
    );
    r.assert_in(
        "incident-response-plan",
        "The report desk (the Security Officer, with Cascade IT Partners) acknowledges each report",
    );
    pack("medium-no-msp").assert_in(
        "incident-response-plan",
        "The report desk (Devin Shaw) acknowledges each report",
    );
    // The deputy who takes command is the governance policy's GOV-2 deputy.
    let gov = r.doc("security-roles-governance");
    assert!(
        gov.contains("The deputy is the Privacy Officer, Sam Lee,"),
        "{gov}"
    );
    r.assert_not_in("incident-response-plan", "Dr. Maya Chen takes command");
    r.assert_in(
        "incident-response-plan",
        "If Dana Ortiz cannot be reached within 30 minutes, Sam Lee, the Privacy Officer, who is the Security Officer's deputy under GOV-2",
    );
    r.assert_in(
        "incident-response-plan",
        "The Incident Commander, or Sam Lee in their absence",
    );
    for (name, kind) in [
        ("medium-no-msp", "a manager trained in incident response"),
        (
            "lakeside",
            "a member of the IT team trained in incident response",
        ),
        (
            "large-multirole",
            "a member of the security team trained in incident response",
        ),
    ] {
        let p = pack(name);
        p.assert_in(
            "incident-response-plan",
            &format!("the deputy the Security Officer has named in writing under GOV-2 of the [Cybersecurity Roles, Responsibilities and Governance Policy](security-roles-governance.md), {kind}, takes command"),
        );
        p.assert_not_in(
            "incident-response-plan",
            "the most senior workforce member on duty",
        );
    }
    pack("medium-no-msp").assert_not_in("incident-response-plan", "Dr. Omar Haddad takes command");
    // Someone else commands: the Security Officer stands in.
    pack("cascadia").assert_in(
        "incident-response-plan",
        "If Olivia Grant cannot be reached within 30 minutes, Alexandre Dubois, the Security Officer, takes command",
    );
}

#[test]
fn without_a_recorded_ehr_the_playbooks_do_not_assume_one() {
    for name in ["minimal", "large-multirole"] {
        let p = pack(name);
        p.assert_nowhere("the EHR access");
        p.assert_nowhere("the EHR and file access logs");
        p.assert_nowhere("the EHR are unreachable");
        p.assert_in(
            "playbook-phishing",
            "files, access to the systems that hold PHI, and messages",
        );
        p.assert_in(
            "playbook-insider-data-loss",
            "- Access reports of the systems that hold PHI show views",
        );
        p.assert_in(
            "playbook-ransomware",
            "shared files or the systems that hold PHI are unreachable",
        );
    }
    // A recorded EHR is named.
    let r = pack("riverbend");
    r.assert_in(
        "playbook-phishing",
        "files, access to athenaOne, and messages",
    );
    r.assert_in(
        "playbook-insider-data-loss",
        "export the athenaOne access logs for the past 90 days",
    );
}

#[test]
fn the_people_served_are_named_as_the_organization_names_them() {
    let n = pack("medium-no-msp");
    n.assert_in(
        "form-incident-report",
        "About how many clients are affected?",
    );
    n.assert_in("form-incident-report", "Do not contact clients, the press");
    n.assert_in("incident-reporting", "never with clients, the press");
    let ba = pack("business-associate");
    ba.assert_nowhere("never with patients");
    ba.assert_nowhere("Do not contact patients");
    ba.assert_in(
        "incident-reporting",
        "never with the people whose data is involved, the press",
    );
}
