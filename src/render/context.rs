//! The template context: profile + catalog + pack facts, as documented in
//! `docs/templates.md`. Built once per pack; each document adds its `doc`.
//!
//! Every optional profile fact is present (as `null` when absent) so that a
//! template can test it with `{% if %}` while a misspelt name stays an error.

use crate::catalog::{Catalog, SubPractice};
use crate::dates::Date;
use crate::profile::Loaded;
use crate::profile::types::*;
use serde_json::{Map, Value, json};

/// HIPAA documentation must be kept six years (45 CFR 164.316(b)(2)(i)).
pub const RETENTION_YEARS: u32 = 6;

pub fn org_type_label(t: OrgType) -> &'static str {
    match t {
        OrgType::PrimaryCare => "primary care practice",
        OrgType::SpecialtyPractice => "specialty practice",
        OrgType::Dental => "dental practice",
        OrgType::BehavioralHealth => "behavioral health provider",
        OrgType::Hospital => "hospital",
        OrgType::CriticalAccessHospital => "critical access hospital",
        OrgType::HealthSystem => "health system",
        OrgType::AmbulatorySurgery => "ambulatory surgery center",
        OrgType::LongTermCare => "long-term care facility",
        OrgType::HomeHealth => "home health agency",
        OrgType::Pharmacy => "pharmacy",
        OrgType::Laboratory => "laboratory",
        OrgType::Imaging => "imaging center",
        OrgType::BusinessAssociate => "business associate",
        OrgType::Other => "health care organization",
    }
}

pub fn size_str(s: Size) -> &'static str {
    match s {
        Size::Small => "small",
        Size::Medium => "medium",
        Size::Large => "large",
    }
}

pub fn status_str(s: Status) -> &'static str {
    match s {
        Status::Implemented => "implemented",
        Status::Partial => "partial",
        Status::Planned => "planned",
        Status::NotImplemented => "not-implemented",
        Status::NotApplicable => "not-applicable",
    }
}

pub fn status_label(s: &str) -> &'static str {
    match s {
        "implemented" => "Implemented",
        "partial" => "Partially implemented",
        "planned" => "Planned",
        "not-implemented" => "Not implemented",
        "not-applicable" => "Not applicable",
        _ => "Not assessed",
    }
}

fn contact_role_label(r: ContactRole) -> &'static str {
    match r {
        ContactRole::CyberInsurance => "Cyber insurance carrier",
        ContactRole::LegalCounsel => "Legal counsel",
        ContactRole::LawEnforcement => "Law enforcement",
        ContactRole::ForensicsFirm => "Forensics firm",
        ContactRole::MspIncidentResponse => "Managed service provider (incident response)",
        ContactRole::HhsOcr => "HHS Office for Civil Rights",
        ContactRole::PublicRelations => "Public relations",
        ContactRole::Regulator => "Regulator",
        ContactRole::Other => "Other contact",
    }
}

/// Words of a people key that are acronyms and keep their capitals in a
/// role label: `ciso_deputy` is the "CISO Deputy", not the "Ciso Deputy".
const ROLE_ACRONYMS: &[&str] = &[
    "ceo", "cfo", "cio", "ciso", "cmio", "cmo", "cno", "coo", "cpo", "cso", "cto", "ehr", "hipaa",
    "him", "hr", "it", "msp", "pacs", "phi", "soc", "svp", "evp", "vp",
];

fn role_label(key: &str) -> String {
    match key {
        "security_officer" => "Security Officer".into(),
        "privacy_officer" => "Privacy Officer".into(),
        "executive_sponsor" => "Executive Sponsor".into(),
        "it_contact" => "IT Contact".into(),
        "incident_commander" => "Incident Commander".into(),
        other => other
            .split(['_', '-'])
            .filter(|w| !w.is_empty())
            .map(|w| {
                if ROLE_ACRONYMS.contains(&w.to_ascii_lowercase().as_str()) {
                    return w.to_ascii_uppercase();
                }
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                    None => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// "every month", "every 6 months": how often something recurs, for a
/// number of months that may be 1.
pub fn every_months(n: u32) -> String {
    if n == 1 {
        "every month".into()
    } else {
        format!("every {n} months")
    }
}

/// Who "the IT team" is in the wording. A medium organization with one IT
/// person has no team: the pack names that person (the IT contact), or "the
/// IT staff member" when the profile names none, and a relative clause
/// about them takes "who", not "which".
fn it_team_json(it_staff: u32, people: &Map<String, Value>) -> Value {
    let one_person = it_staff == 1;
    let (name, name_cap) = if one_person {
        match people
            .get("it_contact")
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
        {
            Some(n) => (n.to_string(), n.to_string()),
            None => (
                "the IT staff member".to_string(),
                "The IT staff member".to_string(),
            ),
        }
    } else {
        ("the IT team".to_string(), "The IT team".to_string())
    };
    json!({
        "one_person": one_person,
        "name": name,
        "name_cap": name_cap,
        "which": if one_person { "who" } else { "which" },
    })
}

/// What the pack's wording needs to know about the kind of organization,
/// derived from `organization.type` (docs/templates.md, `care`): whether it
/// delivers care at all, whether people come to its sites, whether it is a
/// hospital (diversion, house supervisor, census), what it calls the people
/// it serves, and what its main clinical system is called. A profile names
/// that system (`technology.ehr`) but not its kind, so the kind follows the
/// type: a pharmacy's system is not an electronic health record.
pub fn care_json(t: OrgType) -> Value {
    use OrgType::*;
    let provider = !matches!(t, BusinessAssociate);
    let in_person = !matches!(t, BusinessAssociate | HomeHealth);
    let hospital = matches!(t, Hospital | CriticalAccessHospital | HealthSystem);
    let (people, person) = match t {
        BusinessAssociate => (Value::Null, Value::Null),
        LongTermCare => (json!("residents"), json!("resident")),
        BehavioralHealth => (json!("clients"), json!("client")),
        _ => (json!("patients"), json!("patient")),
    };
    let (system, kind, short) = match t {
        Pharmacy => (
            "the pharmacy management system",
            "pharmacy management system",
            "pharmacy system",
        ),
        Laboratory => (
            "the laboratory information system (LIS)",
            "laboratory information system",
            "LIS",
        ),
        Imaging => (
            "the radiology information system and image archive (RIS/PACS)",
            "radiology information system and PACS",
            "RIS/PACS",
        ),
        // One singular name, because templates use it as a subject ("...
        // closes a session") and before a noun ("... access logs").
        BusinessAssociate => (
            "the client data system",
            "client data system",
            "client data system",
        ),
        _ => (
            "the electronic health record (EHR)",
            "electronic health record",
            "EHR",
        ),
    };
    json!({
        "provider": provider,
        "in_person": in_person,
        "hospital": hospital,
        "people": people,
        "person": person,
        "system": system,
        "system_kind": kind,
        "system_short": short,
    })
}

fn person_json(key: &str, p: &Person) -> Value {
    json!({
        "key": key,
        "name": p.name,
        "title": p.title,
        "email": p.email,
        "phone": p.phone,
        "role": role_label(key),
    })
}

/// All people by key, with the defaults of DESIGN §3 applied.
pub fn people_map(people: &People) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "security_officer".into(),
        person_json("security_officer", &people.security_officer),
    );
    m.insert(
        "privacy_officer".into(),
        person_json("privacy_officer", &people.privacy_officer),
    );
    let sponsor = people.sponsor();
    m.insert(
        "executive_sponsor".into(),
        person_json("executive_sponsor", sponsor),
    );
    let commander = people.commander();
    m.insert(
        "incident_commander".into(),
        person_json("incident_commander", commander),
    );
    m.insert(
        "it_contact".into(),
        people
            .it_contact
            .as_ref()
            .map_or(Value::Null, |p| person_json("it_contact", p)),
    );
    for (k, p) in &people.others {
        m.insert(k.clone(), person_json(k, p));
    }
    m
}

/// Dates every document prints.
#[derive(Debug, Clone)]
pub struct PackDates {
    pub effective: Date,
    pub next_review: Date,
    pub retain_until: Date,
}

pub fn pack_dates(docs: &Documents) -> PackDates {
    // The profile validator guarantees a real date; fall back to the epoch
    // rather than panic if a caller skipped validation.
    let effective = Date::parse(&docs.effective_date).unwrap_or(Date {
        year: 1970,
        month: 1,
        day: 1,
    });
    let next_review = effective.add_months(docs.review_every_months.max(1));
    let retain_until = next_review.add_months(RETENTION_YEARS * 12);
    PackDates {
        effective,
        next_review,
        retain_until,
    }
}

fn address_line(a: &Address) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(s) = &a.street {
        parts.push(s.clone());
    }
    let city_state = match (&a.city, &a.state) {
        (Some(c), Some(s)) => Some(format!("{c}, {s}")),
        (Some(c), None) => Some(c.clone()),
        (None, Some(s)) => Some(s.clone()),
        (None, None) => None,
    };
    match (city_state, &a.postal_code) {
        (Some(cs), Some(pc)) => parts.push(format!("{cs} {pc}")),
        (Some(cs), None) => parts.push(cs),
        (None, Some(pc)) => parts.push(pc.clone()),
        (None, None) => {}
    }
    if let Some(c) = &a.country {
        parts.push(c.clone());
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// `tech`'s objects with every key, each `null`: what a profile that leaves
/// a key out gets, and the shape a template's `tech.*` names are checked
/// against ([`fill_shape`]).
fn tech_defaults() -> Value {
    json!({
        "ehr": {"name": null, "hosting": null},
        "email": {"platform": null, "mfa": null, "external_banner": null},
        "endpoints": {"protection": null, "disk_encryption": null, "mdm": null, "local_admin_removed": null},
        "backups": {"solution": null, "frequency": null, "offsite": null, "immutable": null,
                    "restore_test_every_months": null, "rto_hours": null, "rpo_hours": null},
        "remote_access": {"allowed": null, "method": null},
        "byod": {"allowed": null},
        "wireless": {"guest_network": null, "segmented": null},
        "telehealth": {"used": null, "platform": null},
        "medical_devices": {"present": null, "examples": [], "managed_by": null},
    })
}

/// `technology` with every key present.
fn tech_json(t: &Technology) -> Value {
    let mut v = serde_json::to_value(t).unwrap_or(Value::Null);
    fill_tech(&mut v);
    v
}

/// Give every `tech` object that is absent or `null` its keys (each `null`).
fn fill_tech(v: &mut Value) {
    if let (Value::Object(obj), Value::Object(defs)) = (v, tech_defaults()) {
        for (key, fields) in defs {
            let entry = obj.entry(key).or_insert(Value::Null);
            if let (Value::Object(present), Value::Object(fields)) = (entry, fields) {
                for (f, d) in fields {
                    present.entry(f).or_insert(d);
                }
            }
        }
    }
}

/// The keys a person has in the context, for shapes (`pack.approver` is
/// `null` until the profile records approval).
fn person_shape() -> Value {
    person_json(
        "approver",
        &Person {
            name: String::new(),
            title: String::new(),
            email: String::new(),
            phone: None,
        },
    )
}

/// Turn the context value of `root` (one of
/// [`super::names::FIXED_SHAPE`]) into its shape for name checks: objects
/// that are `null` for this profile get the keys they have when present, so
/// `{% if tech.ehr.hostng %}` is caught for a profile without an EHR too.
pub fn fill_shape(root: &str, v: &mut Value) {
    let null_to = |slot: Option<&mut Value>, shape: Value| {
        if let Some(slot) = slot.filter(|s| s.is_null()) {
            *slot = shape;
        }
    };
    match root {
        "tech" => {
            if let Value::Object(m) = v {
                for (key, shape) in tech_defaults().as_object().into_iter().flatten() {
                    let slot = m.entry(key.clone()).or_insert(Value::Null);
                    if slot.is_null() {
                        *slot = shape.clone();
                    }
                }
            }
            fill_tech(v);
        }
        "pack" => null_to(v.get_mut("approver"), person_shape()),
        "it" => null_to(Some(v), person_shape()),
        "ir" => null_to(
            v.get_mut("report_to"),
            json!({"email": null, "phone": null}),
        ),
        "gap_due" => {
            if let Value::Object(m) = v {
                for slot in m.values_mut() {
                    null_to(
                        Some(slot),
                        json!({"id": null, "date": null, "date_long": null}),
                    );
                }
            }
        }
        _ => {}
    }
}

/// Whether a vendor's service reads as managed IT services.
fn is_msp(v: &Vendor) -> bool {
    let s = v.service.to_lowercase();
    s.contains("managed it")
        || s.contains("managed service")
        || s.contains("msp")
        || s.contains("managed security")
        // A managed detection and response (MDR) service runs the SOC just
        // as a managed security service does.
        || s.contains("managed detection")
}

/// "1 hour", "4 hours", "7 days": a number of hours as a reader counts them.
fn hours_label(h: u32) -> String {
    match h {
        1 => "1 hour".into(),
        h if h > 24 && h % 24 == 0 => format!("{} days", h / 24),
        h => format!("{h} hours"),
    }
}

/// The recovery point objective the pack states (docs/templates.md,
/// `backup`). The profile's `rpo_hours` when given; otherwise the size's
/// default (small 24 hours, medium 4, large 1), but never shorter than the
/// time between two backups: a weekly backup cannot promise 4 hours. When
/// the profile's own RPO is shorter than the backup interval, `rpo_unmet`
/// says so, and the documents state the conflict instead of hiding it.
fn backup_json(b: Option<&Backups>, size: Size) -> Value {
    let frequency = b
        .and_then(|b| b.frequency)
        .unwrap_or(if size == Size::Small {
            BackupFrequency::Daily
        } else {
            BackupFrequency::Hourly
        });
    let interval = match frequency {
        BackupFrequency::Continuous => 0,
        BackupFrequency::Hourly => 1,
        BackupFrequency::Daily => 24,
        BackupFrequency::Weekly => 168,
    };
    let size_default = match size {
        Size::Small => 24,
        Size::Medium => 4,
        Size::Large => 1,
    };
    let given = b.and_then(|b| b.rpo_hours);
    let rpo = given.unwrap_or(size_default.max(interval));
    json!({
        "interval_hours": interval,
        "rpo_hours": rpo,
        "rpo_label": hours_label(rpo),
        "rpo_from_profile": given.is_some(),
        "rpo_unmet": rpo < interval,
        "interval_label": hours_label(interval),
    })
}

/// Words of a product or company name that say nothing about who it is:
/// "Zoom for Healthcare" and "Acme Healthcare" are not the same company.
const NAME_STOPWORDS: &[&str] = &[
    "and",
    "the",
    "for",
    "with",
    "inc",
    "llc",
    "ltd",
    "corp",
    "company",
    "health",
    "healthcare",
    "cloud",
    "service",
    "services",
    "system",
    "systems",
    "partners",
    "group",
    "solutions",
    "software",
    "technologies",
    "medical",
    "online",
    "data",
    "hosting",
    "business",
];

fn name_tokens(name: &str) -> Vec<String> {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| t.len() >= 3 && !NAME_STOPWORDS.contains(t))
        .map(str::to_string)
        .collect()
}

/// Whether two names seem to name the same product or company: a shared
/// word, or words with the same first five letters ("athenaOne" is sold by
/// "athenahealth").
fn names_match(a: &str, b: &str) -> bool {
    let (ta, tb) = (name_tokens(a), name_tokens(b));
    ta.iter().any(|x| {
        tb.iter()
            .any(|y| x == y || x.chars().zip(y.chars()).take_while(|(p, q)| p == q).count() >= 5)
    })
}

/// `unlisted_services`: the services the profile's `technology` names that
/// hold or carry data for the organization (the hosted clinical system, the
/// e-mail platform, the telehealth platform, the backup solution when it
/// keeps an offsite copy, each cloud service) and that no vendor of the
/// profile provides: by name ("athenaOne" is athenahealth's) or by the
/// vendor's service ("cloud EHR", "e-mail"). Each is `{ name, purpose, phi }`;
/// `phi` is true when the service's purpose means it handles PHI (e-mail,
/// telehealth, backups, the clinical system) and false when the profile
/// only lists it as a cloud service, whose PHI access is not recorded.
fn unlisted_services_json(t: &Technology, vendors: &[Vendor], care: &Value) -> Value {
    let kind = care["system_kind"].as_str().unwrap_or("clinical system");
    let short = care["system_short"]
        .as_str()
        .unwrap_or("clinical system")
        .to_lowercase();
    let mut found: Vec<(String, String, bool, Vec<String>)> = Vec::new();
    let mut add = |name: Option<&String>, purpose: &str, phi: bool, words: &[&str]| {
        if let Some(n) = name.map(|n| n.trim()).filter(|n| !n.is_empty())
            && !found
                .iter()
                .any(|(m, ..)| names_match(m, n) || m.eq_ignore_ascii_case(n))
        {
            found.push((
                n.to_string(),
                purpose.to_string(),
                phi,
                words.iter().map(|w| w.to_string()).collect(),
            ));
        }
    };
    if let Some(ehr) = &t.ehr
        && matches!(ehr.hosting, Some(Hosting::Cloud) | Some(Hosting::Hybrid))
    {
        add(
            Some(&ehr.name),
            kind,
            true,
            &[
                "ehr",
                "emr",
                "health record",
                "practice management",
                &short,
                kind,
            ],
        );
    }
    if let Some(e) = &t.email {
        add(e.platform.as_ref(), "e-mail", true, &["e-mail", "email"]);
    }
    if let Some(th) = &t.telehealth
        && th.used
    {
        add(
            th.platform.as_ref(),
            "telehealth",
            true,
            &["telehealth", "telemedicine", "video visit"],
        );
    }
    if let Some(b) = &t.backups
        && b.offsite == Some(true)
    {
        add(b.solution.as_ref(), "offsite backup", true, &["backup"]);
    }
    for c in &t.cloud_services {
        add(Some(c), "cloud service", false, &[]);
    }
    let unlisted: Vec<Value> = found
        .into_iter()
        .filter(|(name, _, _, words)| {
            !vendors.iter().any(|v| {
                let service = v.service.to_lowercase();
                names_match(&v.name, name)
                    || v.name.eq_ignore_ascii_case(name)
                    || words.iter().any(|w| service.contains(w.as_str()))
            })
        })
        .map(|(name, purpose, phi, _)| json!({ "name": name, "purpose": purpose, "phi": phi }))
        .collect();
    Value::Array(unlisted)
}

/// The whole-pack part of the context (everything but `doc`).
pub struct PackContext {
    pub value: Map<String, Value>,
}

/// A sub-practice as the context shows it, with its assessment.
fn subpractice_json(
    sp: &SubPractice,
    profile: &Profile,
    people: &Map<String, Value>,
    catalog: &Catalog,
    documents: &[String],
) -> Value {
    let entry = profile.practices.get(&sp.id);
    let status = entry.map_or("not-assessed", |e| status_str(e.status));
    let owner = entry
        .and_then(|e| e.owner.as_ref())
        .and_then(|k| people.get(k).cloned())
        .unwrap_or(Value::Null);
    let essential_cpgs = sp
        .cpgs
        .iter()
        .filter(|id| {
            catalog
                .cpgs
                .iter()
                .any(|c| &c.id == *id && c.kind == "essential")
        })
        .count();
    let practice = catalog.practice(sp.practice);
    json!({
        "id": sp.id,
        "practice": sp.practice,
        "practice_name": practice.map(|p| p.name.clone()),
        "name": sp.name,
        "summary": sp.summary,
        "nist": sp.nist,
        "threats": sp.threats,
        "cpgs": sp.cpgs,
        "essential_cpgs": essential_cpgs,
        "hipaa": practice.map(|p| p.hipaa.clone()).unwrap_or_default(),
        "verified": sp.verified,
        "source_note": sp.source_note,
        "status": status,
        "status_label": status_label(status),
        "owner": owner,
        "due": entry.and_then(|e| e.due.clone()),
        "note": entry.and_then(|e| e.note.clone()),
        "documents": documents,
    })
}

/// The sub-practices (all sizes) whose remediation closes each technology
/// gap the policies can state: a due date the profile gives one of them is
/// the deadline for that gap.
const GAP_SUBPRACTICES: &[(&str, &[&str])] = &[
    ("email_mfa", &["1.S.A", "1.M.B"]),
    ("offsite", &["4.S.B", "4.M.D"]),
    ("immutable", &["4.S.B", "4.M.D"]),
    ("disk_encryption", &["2.S.A", "2.M.A"]),
    ("local_admin", &["2.S.A", "2.M.A"]),
    ("guest_wifi", &["6.S.B", "6.M.B"]),
];

/// `gap_due.<control>`: `{ id, date, date_long }` of the earliest valid due
/// date the profile gives a related sub-practice of this size, or null.
fn gap_due_json(sp_map: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    for (key, ids) in GAP_SUBPRACTICES {
        let best = ids
            .iter()
            .filter_map(|id| {
                let due = sp_map.get(*id)?.get("due")?.as_str()?;
                let d = Date::parse(due)?;
                Some((d, *id))
            })
            .min();
        out.insert(
            (*key).into(),
            best.map_or(
                Value::Null,
                |(d, id)| json!({ "id": id, "date": d.to_string(), "date_long": d.long() }),
            ),
        );
    }
    Value::Object(out)
}

/// Build the pack context. `doc_ids_by_practice` maps a sub-practice ID to
/// the ids of the pack's documents that carry it; `documents` is the pack's
/// document list as the context shows it.
pub fn pack_context(
    loaded: &Loaded,
    catalog: &Catalog,
    documents: Vec<Value>,
    doc_ids_by_practice: &std::collections::BTreeMap<String, Vec<String>>,
    status_line: &str,
) -> PackContext {
    let p = &loaded.profile;
    let people = people_map(&p.people);
    let dates = pack_dates(&p.documents);
    let size = size_str(loaded.size);
    let org = &p.organization;
    let metrics = org.metrics.clone().unwrap_or_default();
    let it_staff = metrics.it_staff.unwrap_or(0);

    // Not given: a business associate (by type) is one, anyone else a
    // covered entity.
    let hipaa_role =
        org.hipaa_role
            .unwrap_or(if matches!(org.org_type, OrgType::BusinessAssociate) {
                HipaaRole::BusinessAssociate
            } else {
                HipaaRole::CoveredEntity
            });
    let org_json = json!({
        "name": org.name,
        "short_name": org.short_name.clone().unwrap_or_else(|| org.name.clone()),
        "type": serde_json::to_value(org.org_type).unwrap_or(Value::Null),
        "type_label": org_type_label(org.org_type),
        "size": size,
        "size_rule": loaded.size_rule,
        "metrics": {
            "providers": metrics.providers, "employees": metrics.employees, "beds": metrics.beds,
            "locations": metrics.locations, "it_staff": metrics.it_staff,
        },
        "address": org.address.as_ref().and_then(address_line),
        "phone": org.phone,
        "website": org.website,
        "hipaa_role": serde_json::to_value(hipaa_role).unwrap_or(Value::Null),
        "hipaa_role_label": match hipaa_role {
            HipaaRole::BusinessAssociate => "business associate",
            HipaaRole::HybridEntity => "hybrid entity",
            HipaaRole::CoveredEntity => "covered entity",
        },
    });

    let approver = p
        .documents
        .approved_by
        .as_ref()
        .and_then(|k| people.get(k).cloned())
        .unwrap_or(Value::Null);
    let approved = !approver.is_null();
    let pack_json = json!({
        "version": p.documents.version,
        "effective_date": dates.effective.to_string(),
        "effective_date_long": dates.effective.long(),
        "next_review": dates.next_review.to_string(),
        "next_review_long": dates.next_review.long(),
        "retain_until": dates.retain_until.to_string(),
        "review_every_months": p.documents.review_every_months,
        "review_every": every_months(p.documents.review_every_months),
        "review_annual": p.documents.review_every_months == 12,
        "status": if approved { "Approved" } else { "DRAFT" },
        "status_line": status_line,
        "approved": approved,
        "approver": approver,
        "approved_on": p.documents.approved_on,
        "paper": serde_json::to_value(p.documents.paper).unwrap_or(Value::Null),
        "documents": documents,
    });

    let vendors: Vec<Value> = p
        .vendors
        .iter()
        .map(|v| {
            json!({
                "name": v.name, "service": v.service, "phi_access": v.phi_access, "baa": v.baa,
                "contact": v.contact, "missing_baa": v.phi_access && !v.baa, "msp": is_msp(v),
            })
        })
        .collect();
    let vendors_missing_baa: Vec<Value> = vendors
        .iter()
        .filter(|v| v["missing_baa"] == Value::Bool(true))
        .cloned()
        .collect();
    let msp = vendors
        .iter()
        .find(|v| v["msp"] == Value::Bool(true))
        .cloned()
        .unwrap_or(Value::Null);

    let ir = &p.incident_response;
    let ir_json = json!({
        "report_to": ir.report_to.as_ref().map(|r| json!({"email": r.email, "phone": r.phone})),
        "external_contacts": ir.external_contacts.iter().map(|c| json!({
            "role": serde_json::to_value(c.role).unwrap_or(Value::Null),
            "role_label": contact_role_label(c.role),
            "name": c.name, "phone": c.phone, "email": c.email, "reference": c.reference,
        })).collect::<Vec<_>>(),
        "isac": ir.isac,
    });

    let subs: Vec<Value> = catalog
        .subpractices_for(loaded.size)
        .into_iter()
        .map(|sp| {
            let docs = doc_ids_by_practice.get(&sp.id).cloned().unwrap_or_default();
            subpractice_json(sp, p, &people, catalog, &docs)
        })
        .collect();
    let mut sp_map = Map::new();
    for s in &subs {
        if let Some(id) = s["id"].as_str() {
            sp_map.insert(id.to_string(), s.clone());
        }
    }
    let count = |st: &str| subs.iter().filter(|s| s["status"] == st).count();
    let mut gaps: Vec<Value> = subs
        .iter()
        .filter(|s| {
            !matches!(
                s["status"].as_str(),
                Some("implemented") | Some("not-applicable")
            )
        })
        .cloned()
        .collect();
    let status_rank = |s: &Value| match s["status"].as_str() {
        Some("not-implemented") => 0,
        Some("not-assessed") => 1,
        Some("planned") => 2,
        _ => 3,
    };
    gaps.sort_by(|a, b| {
        let key = |s: &Value| {
            (
                std::cmp::Reverse(s["essential_cpgs"].as_u64().unwrap_or(0)),
                std::cmp::Reverse(s["threats"].as_array().map_or(0, |t| t.len())),
                status_rank(s),
            )
        };
        key(a).cmp(&key(b))
    });
    for (i, g) in gaps.iter_mut().enumerate() {
        g["rank"] = json!(i + 1);
    }
    let remediation: Vec<Value> = subs
        .iter()
        .filter(|s| {
            matches!(
                s["status"].as_str(),
                Some("partial") | Some("planned") | Some("not-implemented")
            )
        })
        .cloned()
        .collect();

    let mut value = Map::new();
    value.insert("size".into(), json!(size));
    value.insert("org".into(), org_json);
    let care = care_json(org.org_type);
    value.insert(
        "unlisted_services".into(),
        unlisted_services_json(&p.technology, &p.vendors, &care),
    );
    value.insert("care".into(), care);
    let it = people
        .get("it_contact")
        .filter(|v| !v.is_null())
        .or(people.get("security_officer"))
        .cloned()
        .unwrap_or(Value::Null);
    value.insert("it".into(), it);
    value.insert("has_it_staff".into(), json!(it_staff > 0));
    value.insert("it_team".into(), it_team_json(it_staff, &people));
    value.insert("msp".into(), msp);
    value.insert("people".into(), Value::Object(people));
    value.insert("pack".into(), pack_json);
    value.insert("tech".into(), tech_json(&p.technology));
    value.insert(
        "backup".into(),
        backup_json(p.technology.backups.as_ref(), loaded.size),
    );
    value.insert("vendors".into(), Value::Array(vendors));
    value.insert(
        "vendors_missing_baa".into(),
        Value::Array(vendors_missing_baa),
    );
    value.insert("ir".into(), ir_json);
    value.insert(
        "threats".into(),
        serde_json::to_value(&catalog.threats).unwrap_or(Value::Null),
    );
    // Each practice with the IDs of its sub-practices of this size and the
    // HPH CPGs they support (docs/templates.md promises both).
    let practices: Vec<Value> = catalog
        .practices
        .iter()
        .map(|p| {
            let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
            let mine: Vec<&crate::catalog::SubPractice> = catalog
                .subpractices
                .iter()
                .filter(|sp| {
                    sp.practice == p.number && crate::catalog::applies(sp.size, loaded.size)
                })
                .collect();
            let mut cpgs: Vec<&str> = mine
                .iter()
                .flat_map(|sp| sp.cpgs.iter().map(String::as_str))
                .collect();
            cpgs.sort_unstable();
            cpgs.dedup();
            if let Value::Object(m) = &mut v {
                m.insert(
                    "subpractices".into(),
                    json!(mine.iter().map(|sp| &sp.id).collect::<Vec<_>>()),
                );
                m.insert("cpgs".into(), json!(cpgs));
            }
            v
        })
        .collect();
    value.insert("practices".into(), Value::Array(practices));
    value.insert(
        "cpgs".into(),
        serde_json::to_value(&catalog.cpgs).unwrap_or(Value::Null),
    );
    value.insert(
        "assessment".into(),
        json!({
            "counts": {
                "implemented": count("implemented"), "partial": count("partial"), "planned": count("planned"),
                "not_implemented": count("not-implemented"), "not_applicable": count("not-applicable"),
                "not_assessed": count("not-assessed"), "total": subs.len(),
            },
            "gaps": gaps,
            "remediation": remediation,
        }),
    );
    value.insert("gap_due".into(), gap_due_json(&sp_map));
    value.insert("subpractices".into(), Value::Array(subs));
    value.insert("sp".into(), Value::Object(sp_map));
    PackContext { value }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vendor(name: &str, service: &str) -> Vendor {
        serde_json::from_value(json!({
            "name": name, "service": service, "phi_access": true, "baa": true
        }))
        .unwrap()
    }

    #[test]
    fn services_without_a_vendor_are_listed_once() {
        let tech: Technology = serde_json::from_value(json!({
            "ehr": {"name": "athenaOne", "hosting": "cloud"},
            "email": {"platform": "Microsoft 365"},
            "telehealth": {"used": true, "platform": "Doxy.me"},
            "backups": {"solution": "Datto SIRIS", "offsite": true},
            "cloud_services": ["athenaOne", "Microsoft 365", "RingCentral"],
        }))
        .unwrap();
        let vendors = vec![
            vendor("Cascade IT Partners", "managed IT services"),
            vendor("athenahealth", "cloud EHR and billing"),
            vendor("RingCentral", "telephone and fax"),
        ];
        let care = care_json(OrgType::PrimaryCare);
        let got = unlisted_services_json(&tech, &vendors, &care);
        assert_eq!(
            got,
            json!([
                {"name": "Microsoft 365", "purpose": "e-mail", "phi": true},
                {"name": "Doxy.me", "purpose": "telehealth", "phi": true},
                {"name": "Datto SIRIS", "purpose": "offsite backup", "phi": true},
            ])
        );
        // A vendor named for the service, or providing it, covers it; a
        // backup kept only on site is no vendor's; a cloud service whose
        // PHI access is unknown says so.
        let tech: Technology = serde_json::from_value(json!({
            "email": {"platform": "Google Workspace"},
            "telehealth": {"used": true, "platform": "Zoom for Healthcare"},
            "backups": {"solution": "Veeam", "offsite": false},
            "cloud_services": ["Cloudflare"],
        }))
        .unwrap();
        let vendors = vec![
            vendor("Google", "productivity suite"),
            vendor("Acme Healthcare", "video visits for telehealth"),
        ];
        let got = unlisted_services_json(&tech, &vendors, &care);
        assert_eq!(
            got,
            json!([{"name": "Cloudflare", "purpose": "cloud service", "phi": false}])
        );
        assert!(!names_match("Zoom for Healthcare", "Acme Healthcare"));
        assert!(names_match("Epic Video Visits", "Epic Systems"));
    }
}
