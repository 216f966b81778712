//! What a reader sees in the policies, registers and reports of a pack, for
//! the example profiles and for variants that stress the wording: a small
//! profile with only the required facts, a medium behavioral health group
//! with one IT person and no managed service provider, a large hospital where
//! one person holds every role and no vendor is recorded, and a business
//! associate. Each assertion is one defect a reviewer found in the text.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

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

const BEHAVIORAL: &str = r#"hicp: 1
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

const ONE_PERSON: &str = r#"hicp: 1
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
  medical_devices: { present: true, examples: [infusion pump], managed_by: Biomed }
vendors: []
incident_response:
  report_to: { email: soc@pvh.example, phone: "+1 605 555 0199" }
"#;

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
  report_to: { email: security@claimbridge.example, phone: "+1 612 555 0142" }
"#;

/// A built pack: its Markdown and HTML by document id.
struct Pack {
    md: BTreeMap<String, String>,
    html: BTreeMap<String, String>,
}

impl Pack {
    fn md(&self, id: &str) -> &str {
        self.md
            .get(id)
            .unwrap_or_else(|| panic!("no {id}.md in the pack"))
    }

    fn html(&self, id: &str) -> &str {
        self.html
            .get(id)
            .unwrap_or_else(|| panic!("no {id}.html in the pack"))
    }
}

fn build(name: &str, profile: PathBuf) -> Pack {
    let dir = common::tempdir("content-policies", name);
    let out = dir.join("out");
    let (code, stdout, stderr) = common::run(
        common::bin()
            .arg("build")
            .arg("-q")
            .args(["-f", "md,html", "-o"])
            .arg(&out)
            .arg(&profile),
    );
    assert_eq!(code, 0, "{name}: {stdout}{stderr}");
    let pack_dir = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .expect("a pack folder");
    let read = |sub: &str, ext: &str| -> BTreeMap<String, String> {
        std::fs::read_dir(pack_dir.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .map(|p| {
                (
                    p.file_stem().unwrap().to_string_lossy().into_owned(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect()
    };
    let pack = Pack {
        md: read("md", "md"),
        html: read("html", "html"),
    };
    let _ = std::fs::remove_dir_all(&dir);
    pack
}

fn written(name: &str, yaml: &str) -> Pack {
    let dir = common::tempdir("content-policies-profile", name);
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, yaml).unwrap();
    let pack = build(name, path);
    let _ = std::fs::remove_dir_all(&dir);
    pack
}

fn riverbend() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(|| build("riverbend", common::repo("profiles/riverbend-clinic.yaml")))
}

fn lakeside() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(|| build("lakeside", common::repo("profiles/lakeside-specialty.yaml")))
}

fn cascadia() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(|| build("cascadia", common::repo("profiles/cascadia-regional.yaml")))
}

fn minimal() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(|| written("minimal", MINIMAL))
}

fn behavioral() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(|| written("behavioral", BEHAVIORAL))
}

fn one_person() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(|| written("one-person", ONE_PERSON))
}

fn business_associate() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(|| written("business-associate", BUSINESS_ASSOCIATE))
}

/// The text of a section: from its `## Heading` line to the next `## `.
fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    let start = doc
        .find(&format!("\n## {heading}"))
        .unwrap_or_else(|| panic!("no section {heading}"));
    let rest = &doc[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

/// The table row that starts with `| first |`.
fn row<'a>(doc: &'a str, first: &str) -> &'a str {
    let prefix = format!("| {first} |");
    doc.lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no row {prefix}"))
}

/// A document's text up to its related documents and definitions, which
/// come from the glossary and other documents' titles.
fn body(doc: &str) -> &str {
    doc.split("\n## Related documents").next().unwrap_or(doc)
}

// Item 2: one person holding several roles is named once, with every role.
#[test]
fn one_person_in_several_roles_is_named_once() {
    let p = one_person();
    let owners = section(p.md("pack-overview"), "Who owns it");
    assert_eq!(owners.matches("Pat Kim").count(), 1, "{owners}");
    assert!(
        owners.contains("the Security Officer, Privacy Officer, executive sponsor and IT contact"),
        "{owners}"
    );
    let form = p.md("form-exception-request");
    assert!(!form.contains("with Pat Kim"), "{form}");
    assert!(form.contains("Completed by the Security Officer."));
    // Nobody reports open exceptions, or approves a renewal, to themselves.
    assert!(!form.contains("reports open exceptions to\n   Pat Kim"));
    let vm = p.md("vulnerability-patch-management");
    assert!(!vm.contains("also needs the approval of\nPat Kim"), "{vm}");
    assert!(!vm.contains("the Security Officer and Pat Kim have signed"));

    let n = behavioral();
    let owners = section(n.md("pack-overview"), "Who owns it");
    assert_eq!(owners.matches("Carla Nunez").count(), 1, "{owners}");
    assert!(owners.contains("the Security Officer and Privacy Officer"));
}

// Item 4: unverified references say so; source notes are printed.
#[test]
fn crosswalk_tells_unverified_references_from_none() {
    let cw = riverbend().md("crosswalk");
    for id in ["3.S.A", "8.S.A", "1.S.B", "9.S.A"] {
        let r = row(cw, id);
        assert!(r.contains("| Not verified |"), "{r}");
        assert!(!r.contains("None cited by HICP"), "{r}");
    }
    assert!(cw.contains("| Not verified |"));
    assert!(
        !cw.contains("None cited by HICP |"),
        "a small pack has no N/A item"
    );
    // 5.S.C's reference is our reading of a truncated source; 5.S.B's is kept
    // as printed with the note that it looks like a typo.
    assert!(row(cw, "5.S.C").contains("PR.IP-6 (not verified)"));
    assert!(cw.contains("- 5.S.C: ID and name confirmed. The NIST reference is printed truncated"));
    assert!(cw.contains(
        "- 5.S.B: ID and name confirmed. The NIST reference is kept as printed, ID.AM-6"
    ));
    assert!(row(cw, "5.S.B").contains("Procurement (see note)"));
    // What the dagger means: the ID, the name or the reference.
    assert!(cw.contains("has an ID, a name or NIST references"));
    assert!(!cw.contains("has an ID or name awaiting verification"));
    // IG.GV-1 is presumably ID.GV-1, not certainly.
    assert!(!cw.contains("ID.GV-1 is meant"));
    // A large item HICP prints as N/A is still "None cited by HICP".
    let large = cascadia().md("crosswalk");
    assert!(row(large, "8.L.A").contains("| None cited by HICP |"));
    assert!(large.contains("- 8.L.A: Vol 2 prints the NIST reference as N/A."));
    // The reader of the HTML page sees the notes too.
    assert!(
        riverbend()
            .html("crosswalk")
            .contains("PR.IP-6 is our reading of it")
    );
}

// Item 6: network logs are kept as long as the incident response plan says.
#[test]
fn network_logs_are_kept_twelve_months_at_every_size() {
    for p in [riverbend(), minimal(), lakeside(), cascadia()] {
        let ns = p.md("network-security");
        assert!(
            ns.contains("Firewall, VPN and wireless logs are kept for at least 12 months"),
            "{ns}"
        );
        assert!(!ns.contains("at least 90 days"));
    }
}

// Item 8: services that hold PHI but have no vendor entry are findings.
#[test]
fn services_in_use_without_a_vendor_entry_are_findings() {
    let p = riverbend();
    let reg = p.md("register-vendors");
    assert!(
        reg.contains(
            "Microsoft 365 (e-mail), Doxy.me (telehealth) and Datto SIRIS (offsite backup)"
        ),
        "{reg}"
    );
    let actions = section(reg, "Actions for each finding");
    for name in ["Microsoft 365", "Doxy.me", "Datto SIRIS"] {
        let r = row(actions, name);
        assert!(r.contains("Sam Lee, Privacy Officer"), "{r}");
        assert!(r.contains("March 3, 2026"), "{r}");
    }
    // athenaOne is athenahealth's and RingCentral is a vendor: no finding.
    assert!(!actions.contains("| athenaOne |"));
    assert!(!actions.contains("| RingCentral | Record"));
    let sa = section(p.md("self-assessment"), "Vendor findings");
    assert!(
        row(sa, "Doxy.me").contains("Sam Lee, Privacy Officer"),
        "{sa}"
    );
    let vr = section(p.md("vendor-risk-management"), "Current findings");
    assert!(row(vr, "Datto SIRIS").contains("Offsite backup"), "{vr}");

    // No vendor at all: the e-mail platform is still a finding.
    let reg = one_person().md("register-vendors");
    assert!(reg.contains("Microsoft 365 (e-mail)"), "{reg}");
}

// Item 10: a business associate shares PHI only as its BAAs permit.
#[test]
fn business_associate_shares_phi_only_as_its_agreements_permit() {
    let dc = business_associate().md("data-classification");
    let r = row(dc, "Sharing outside the organization");
    assert!(
        r.contains("business associate agreements with the covered entities permit"),
        "{r}"
    );
    assert!(!r.contains("treatment, payment, operations"), "{r}");
    assert!(!r.contains("authorization"), "{r}");
    // A covered entity keeps its own grounds.
    let r = row(
        riverbend().md("data-classification"),
        "Sharing outside the organization",
    );
    assert!(r.contains("Only for treatment, payment, operations or a legal duty"));
}

// Item 11: deadlines are dates counted from the effective date.
#[test]
fn deadlines_are_dates() {
    let p = riverbend();
    let reg = p.md("register-vendors");
    assert!(!reg.contains("30 days after February 1, 2026"), "{reg}");
    assert!(reg.contains("| March 3, 2026 |"));
    let sa = p.md("self-assessment");
    assert!(!sa.contains("within 90 days of 2026-02-01"), "{sa}");
    assert!(sa.contains("Assess by 2026-05-02"));
    // A behavioral group's gaps: the policies and the gap table agree.
    let n = behavioral();
    assert!(
        n.md("acceptable-use")
            .contains("enforces it on every mailbox by March 1, 2027")
    );
    let gaps = section(n.md("self-assessment"), "Technology gaps");
    assert!(!gaps.contains("Within 90 days of"), "{gaps}");
    assert!(gaps.contains("| March 1, 2027 |"));
}

// Item 12: a small practice has no departments, HR or newsletter.
#[test]
fn small_practice_wording_has_no_departments_or_hr() {
    for p in [riverbend(), minimal()] {
        let gov = p.md("security-roles-governance");
        assert!(!gov.contains("Each department head"), "{gov}");
        assert!(!gov.contains("with Human Resources"));
        let bdr = p.md("backup-disaster-recovery");
        assert!(!bdr.contains("Each department keeps"), "{bdr}");
        assert!(!bdr.contains("department manager"));
        let tr = p.md("security-awareness-training");
        assert!(!tr.contains("newsletter"), "{tr}");
        assert!(!tr.contains("departments"));
    }
    assert!(
        lakeside()
            .md("security-roles-governance")
            .contains("Each department head")
    );
}

// Item 13: BYOD without MDM says what applies until MDM is in place; no
// "approved messaging app" nobody named; no security team that isn't there.
#[test]
fn personal_devices_follow_what_the_profile_records() {
    let n = behavioral();
    let pd = n.md("personal-devices");
    assert!(
        !pd.contains("the organization's mobile device management (MDM) service"),
        "{pd}"
    );
    assert!(pd.contains("No MDM service is recorded yet"));
    assert!(pd.contains("**Until an MDM service is in place**"));
    assert!(!pd.contains("the approved messaging app"));
    let gaps = section(n.md("self-assessment"), "Technology gaps");
    assert!(gaps.contains("Mobile device management (MDM)"), "{gaps}");
    let au = n.md("acceptable-use");
    assert!(!au.contains("security team"), "{au}");
    // With MDM recorded, there is no such gap.
    assert!(
        !lakeside()
            .md("self-assessment")
            .contains("Mobile device management (MDM) for")
    );
}

// Item 16: one approval rule for changes, stated once.
#[test]
fn change_approval_is_stated_once_and_agrees() {
    let p = riverbend();
    let cm = p.md("configuration-change-management");
    assert!(!cm.contains("(CM-6), and the Security Officer"), "{cm}");
    assert!(cm.contains("3. Obtain the Security Officer's approval (CM-6)."));
    let ns = p.md("network-security");
    assert!(!ns.contains("others are approved by"), "{ns}");
    assert!(ns.contains("every change to a firewall rule is approved by the Security\nOfficer"));
    let ns = lakeside().md("network-security");
    assert!(!ns.contains("others are approved by"));
}

// Item 17: lost devices are locked and wiped as the playbook's LD-2 says.
#[test]
fn lost_device_times_match_the_playbook() {
    let pd = riverbend().md("personal-devices");
    assert!(!pd.contains("within 1 hour of a report"), "{pd}");
    assert!(
        pd.contains("locks a lost device within 1 hour of the report and wipes it within 24 hours")
    );
    let ld = riverbend().md("playbook-lost-stolen-device");
    assert!(ld.contains("wiped\nwithin 24 hours") || ld.contains("wiped within 24 hours"));
    let pd = behavioral().md("personal-devices");
    assert!(
        pd.contains("removes the\nwork container within 4 hours unless the device is found"),
        "{pd}"
    );
}

// Item 19: one rule for how long an exception lasts; exploited
// vulnerabilities have their own, shortest, limit.
#[test]
fn exception_limits_and_severities_are_consistent() {
    let p = riverbend();
    let form = p.md("form-exception-request");
    assert!(
        form.contains("**at most 90 days** for a vulnerability"),
        "{form}"
    );
    let vm = p.md("vulnerability-patch-management");
    assert!(!vm.contains("accepted for longer"), "{vm}");
    assert!(vm.contains("is approved for at most 90 days. A renewal is a new"));
    assert!(!vm.contains("treated as critical whatever its score"));
    assert!(vm.contains("is rated **exploited in the wild** whatever its score"));
}

// Item 20: cross-references name fields the register has.
#[test]
fn register_has_the_fields_other_documents_name() {
    let l = lakeside();
    let reg = l.md("register-asset-inventory");
    assert!(
        reg.contains("## Medical devices {#medical-devices}") || reg.contains("## Medical devices")
    );
    assert!(reg.contains("| Asset ID | Manufacturer | Model | Software and firmware version |"));
    assert!(reg.contains("## Systems and owners"));
    assert!(reg.contains("| System | Owner (name and title) |"));
    assert!(
        l.md("medical-device-security")
            .contains("\"Medical devices\" table, the manufacturer, model")
    );
    let pp = l.md("procedure-patching");
    assert!(
        !pp.contains("The owner named in the asset inventory"),
        "{pp}"
    );
    assert!(pp.contains("named in the systems table of the"));
    // A small practice's owner is the Security Officer, in every document.
    let r = riverbend();
    assert!(
        row(r.md("procedure-patching"), "System owner")
            .contains("Dana Ortiz, Practice Administrator, for every system")
    );
    assert!(
        !r.md("register-asset-inventory")
            .contains("## Systems and owners")
    );
    // No medical devices, no medical device table.
    assert!(
        !behavioral()
            .md("register-asset-inventory")
            .contains("## Medical devices")
    );
}

// Item 21: sentences agree with 0, 1 or many.
#[test]
fn counts_read_as_sentences() {
    let reg = riverbend().md("register-vendors");
    assert!(reg.contains("No more PHI is sent to\nthis vendor"), "{reg}");
    assert!(!reg.contains("these\nvendors") && !reg.contains("these vendors"));
    let vr = one_person().md("vendor-risk-management");
    assert!(!vr.contains("0 vendors"), "{vr}");
    assert!(!vr.contains("0 of them"));
    assert!(vr.contains("The profile\nrecords no vendors yet"));
    let vr = behavioral().md("vendor-risk-management");
    assert!(
        vr.contains(
            "lists the one vendor recorded in the profile, Arctic Fiber, which has no access to PHI"
        ),
        "{vr}"
    );
}

// Item 22: no text about other sizes or things the organization lacks.
#[test]
fn text_fits_the_organization() {
    let r = riverbend();
    let overview = r.md("pack-overview");
    let endpoint = row(
        overview,
        "[Endpoint Protection Policy](endpoint-protection.md)",
    );
    assert!(!endpoint.contains("automated builds"), "{endpoint}");
    assert!(!endpoint.contains("for a large organization"));
    for id in ["network-security", "vulnerability-patch-management"] {
        let r = overview
            .lines()
            .find(|l| l.contains(&format!("]({id}.md) |")))
            .unwrap();
        assert!(!r.contains("for a large organization"), "{r}");
    }
    assert!(!r.md("procedure-reported-phishing").contains("SOC analysts"));
    assert!(
        !r.md("security-awareness-training")
            .contains("mass-casualty")
    );
    assert!(
        cascadia()
            .md("security-awareness-training")
            .contains("mass-casualty")
    );
    let disposal = business_associate().md("procedure-media-disposal");
    assert!(!disposal.contains("ultrasound"), "{disposal}");
    assert!(!disposal.contains("medical devices"));
}

// Item 24: one word for the people served; zones named in rules exist;
// a missing BAA "may be" a violation (the conduit exception).
#[test]
fn wording_follows_the_profile() {
    let n = behavioral();
    for id in [
        "personal-devices",
        "data-classification",
        "acceptable-use",
        "register-vendors",
        "vendor-risk-management",
        "network-security",
        "form-exception-request",
        "security-awareness-training",
        "register-asset-inventory",
        "procedure-media-disposal",
        "endpoint-protection",
        "security-roles-governance",
        "vulnerability-patch-management",
    ] {
        let text = body(n.md(id));
        assert!(!text.to_lowercase().contains("patient"), "{id}: {text}");
    }
    let zones = row(
        riverbend().md("network-security"),
        "Building and other devices",
    );
    assert!(!zones.contains("server"), "{zones}");
    assert!(zones.contains("No access to the staff or medical device zones"));
    let sa = riverbend().md("self-assessment");
    assert!(
        !sa.contains("is a HIPAA violation in\nits own right"),
        "{sa}"
    );
    assert!(sa.contains("may be a HIPAA\nviolation in its own right"));
}

// Further defects of the same kinds: a Security Officer who is also the IT
// person does not report to, or approve for, themselves.
#[test]
fn security_officer_who_does_it_does_not_report_to_themselves() {
    let m = minimal();
    let ns = m.md("network-security");
    assert!(
        !ns.contains(
            "Alice Moreno reviews blocked-attack reports\nevery week and tells the Security Officer"
        ),
        "{ns}"
    );
    let dc = m.md("data-classification");
    assert!(
        !dc.contains("Alice Moreno sends the Security Officer"),
        "{dc}"
    );
    let inv = m.md("register-asset-inventory");
    assert!(
        !inv.contains("sends the Security Officer the updated copy"),
        "{inv}"
    );
    let bdr = m.md("backup-disaster-recovery");
    assert!(
        !bdr.contains("Alice Moreno confirms the actual design to the Security Officer"),
        "{bdr}"
    );
}

// Item 2, in the governance policy: one row per person, with every role, and
// no one appoints, reports to or decides with themselves.
#[test]
fn governance_roles_merge_when_one_person_holds_them() {
    let gov = minimal().md("security-roles-governance");
    let roles = section(gov, "Roles and responsibilities");
    assert_eq!(roles.matches("Alice Moreno").count(), 1, "{roles}");
    let r = row(
        roles,
        "Executive sponsor, Security Officer, Incident Commander and IT support",
    );
    assert!(!r.contains("Appoints the Security Officer"), "{r}");
    assert!(!r.contains("reports to the executive sponsor"), "{r}");
    assert!(!r.contains("to the Security Officer"), "{r}");
    assert!(gov.contains(
        "appointed in writing by the owners or governing body of Maple Street Pediatrics, PLLC"
    ));
    assert!(!gov.contains("with technical support from Alice Moreno"));
    let roles = section(
        one_person().md("security-roles-governance"),
        "Roles and responsibilities",
    );
    assert_eq!(roles.matches("Pat Kim").count(), 1, "{roles}");
    assert!(roles.contains("decides whether an incident is a reportable breach"));
    // Different people keep their own rows.
    let roles = section(
        riverbend().md("security-roles-governance"),
        "Roles and responsibilities",
    );
    assert!(row(roles, "Executive sponsor").contains("Appoints the Security Officer"));
    assert!(roles.contains(
        "| Security Officer and Incident Commander | Dana Ortiz, Practice Administrator |"
    ));
    // The disaster recovery policy too, and its Incident Commander does not
    // inform themselves.
    let bdr = business_associate().md("backup-disaster-recovery");
    let roles = section(bdr, "Roles and responsibilities");
    assert_eq!(roles.matches("Erin Walsh").count(), 1, "{roles}");
    assert!(bdr.contains(
        "4. The Incident Commander informs the Privacy Officer, Frank Ocampo, within 1 hour."
    ));
    let bdr = one_person().md("backup-disaster-recovery");
    assert!(!bdr.contains("informs Pat Kim"), "{bdr}");
    // The small practice's other documents.
    let m = minimal();
    assert!(
        !m.md("security-awareness-training")
            .contains("run by Alice Moreno and approved in advance by the Security Officer")
    );
    assert!(
        !m.md("network-security")
            .contains("Alice Moreno gives the Security Officer")
    );
    assert!(
        !m.md("procedure-patching")
            .contains("Office Manager to Alice Moreno")
    );
    assert!(
        !m.md("data-classification")
            .contains("Alice Moreno, Office Manager | Configures encryption and DLP, and reports")
    );
}

// The restore test's last step in a small practice without an IT provider:
// the Security Officer is the technical lead too, and signs once.
#[test]
fn restore_test_record_is_not_signed_twice_by_one_person() {
    let p = minimal();
    let step = row(p.md("procedure-backup-restore-testing"), "8");
    assert!(step.contains("(signs as Security Officer)"), "{step}");
    assert_eq!(step.matches("Alice Moreno").count(), 1, "{step}");
    let r = riverbend();
    let step = row(r.md("procedure-backup-restore-testing"), "8");
    assert!(step.contains("; Dana Ortiz signs"), "{step}");
    // Descriptions are the same in every pack: they promise nothing a
    // small pack leaves out.
    assert!(
        !p.md("pack-overview")
            .contains("for a large organization also automated discovery")
    );
}
