//! Warnings about the profile a build can give only with the whole of it
//! in view: values still as `hicp init` wrote them, roles that look like
//! misspelt built-in ones, an approval that is not independent, a report
//! line with no phone. They go into the manifest, so `hicp check` and
//! `hicp validate` show them as the build does.

use super::*;
use crate::profile::types::Person;

/// Every profile-level warning of a build, in a fixed order.
pub(super) fn profile_advice(loaded: &Loaded) -> Vec<String> {
    let mut out = starter_placeholders(loaded);
    // Example values `hicp init` wrote that are still there: the pack prints
    // them as the organization's.
    out.extend(crate::profile::semantic::starter_examples(&loaded.merged));
    out.extend(near_builtin_roles(loaded));
    out.extend(approval_not_independent(loaded));
    out.extend(no_reporting_phone(loaded));
    out
}

/// Two role entries for one human: the same e-mail address, or the same
/// name (a shared mailbox may serve two people, so the name decides when
/// the addresses differ only by case or spacing).
fn same_person(a: &Person, b: &Person) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(&a.email) == norm(&b.email) || norm(&a.name) == norm(&b.name)
}

/// The person who approves the pack (`documents.approved_by`, else the
/// executive sponsor the documents name as approver, who defaults to the
/// Security Officer) should not be the Security Officer who runs the
/// program: HICP's governance practice puts the program under leadership,
/// and an auditor reads a self-approved policy set as unapproved.
fn approval_not_independent(loaded: &Loaded) -> Vec<String> {
    let p = &loaded.profile.people;
    let officer = &p.security_officer;
    let approver = loaded
        .profile
        .documents
        .approved_by
        .as_deref()
        .map(|key| (format!("documents.approved_by ({key})"), p.by_key(key)));
    let (what, who) = match approver {
        Some((what, Some(who))) => (what, who),
        // An unknown key is an error of its own, reported by the checks.
        Some((_, None)) => return Vec::new(),
        None => match &p.executive_sponsor {
            Some(sponsor) => ("people.executive_sponsor".to_string(), sponsor),
            None => {
                return vec![format!(
                    "people.executive_sponsor is not set, so the documents name the Security Officer, {}, as the executive who approves the pack: the program would approve itself; add the owner, managing physician or executive who approves it",
                    officer.name
                )];
            }
        },
    };
    if !same_person(who, officer) {
        return Vec::new();
    }
    vec![format!(
        "{what} is {}, who is also the Security Officer: the pack is approved by the person who runs the program, which an auditor does not read as an independent approval; name the owner, managing physician or executive above the program",
        who.name
    )]
}

/// Active threats are reported by phone in the incident documents; with no
/// number anywhere they can only say "in person or by e-mail", which is
/// slow for ransomware spreading at night.
fn no_reporting_phone(loaded: &Loaded) -> Vec<String> {
    let p = &loaded.profile.people;
    let line = loaded
        .profile
        .incident_response
        .report_to
        .as_ref()
        .and_then(|r| r.phone.as_deref());
    let commander = p.commander();
    let any = [
        line,
        p.security_officer.phone.as_deref(),
        commander.phone.as_deref(),
    ]
    .into_iter()
    .flatten()
    .any(|s| !s.trim().is_empty());
    if any {
        return Vec::new();
    }
    vec![format!(
        "no phone number to report an incident to: incident_response.report_to.phone is not set and neither the Security Officer ({}) nor the Incident Commander has a phone; the documents can only say to report in person or by e-mail; add a number staff can call at any hour",
        p.security_officer.name
    )]
}

/// People still as `hicp init` wrote them: every document would name
/// "Replace Me" and write to its example.org addresses.
fn starter_placeholders(loaded: &Loaded) -> Vec<String> {
    let p = &loaded.profile.people;
    let named = [
        ("security_officer", Some(&p.security_officer)),
        ("privacy_officer", Some(&p.privacy_officer)),
        ("executive_sponsor", p.executive_sponsor.as_ref()),
        ("it_contact", p.it_contact.as_ref()),
        ("incident_commander", p.incident_commander.as_ref()),
    ];
    named
        .into_iter()
        .filter_map(|(k, person)| Some((k, person?)))
        .chain(p.others.iter().map(|(k, v)| (k.as_str(), v)))
        .filter(|(_, person)| {
            person.name.trim() == crate::profile::STARTER_NAME
                || crate::profile::STARTER_EMAILS.contains(&person.email.as_str())
        })
        .map(|(k, _)| {
            format!(
                "people.{k} is still the starter profile's placeholder (name `{}` or an example.org address): every document names this person; fill in the real one",
                crate::profile::STARTER_NAME
            )
        })
        .collect()
}

/// Roles of the profile's own whose key is a near-miss of a built-in role
/// the profile leaves out (`it_contcat`, `IT_contact`): allowed, since a
/// profile may name any role, but the documents then use the built-in
/// role's default where it was meant.
fn near_builtin_roles(loaded: &Loaded) -> Vec<String> {
    let p = &loaded.profile.people;
    let absent: Vec<&str> = [
        ("executive_sponsor", p.executive_sponsor.is_none()),
        ("it_contact", p.it_contact.is_none()),
        ("incident_commander", p.incident_commander.is_none()),
    ]
    .into_iter()
    .filter_map(|(k, absent)| absent.then_some(k))
    .collect();
    p.others
        .keys()
        .filter_map(|k| {
            let builtin = crate::suggest::did_you_mean(k, absent.iter().copied())?;
            Some(format!(
                "people.{k} is a role of this profile's own, and the built-in `{builtin}` is not set, so the documents use its default; if `{k}` was meant as `{builtin}`, rename it"
            ))
        })
        .collect()
}

/// Profile values with characters the bundled PDF fonts cannot draw, by
/// YAML path: what `validate` says before any PDF is made (a build says it
/// per document, from the PDFs themselves).
pub fn glyph_advice(loaded: &Loaded) -> Vec<String> {
    let Ok(fonts) = crate::writers::pdf::fonts::fonts() else {
        return Vec::new();
    };
    let face = fonts.get(crate::writers::pdf::fonts::Face::Regular);
    let mut out = Vec::new();
    let mut walk = vec![(String::new(), &loaded.merged)];
    while let Some((path, v)) = walk.pop() {
        match v {
            serde_json::Value::String(s) => {
                let text = crate::writers::pdf::layout::printable(s);
                let mut missing: Vec<char> = text
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control() && !face.has(*c))
                    .collect();
                missing.sort_unstable();
                missing.dedup();
                if !missing.is_empty() {
                    let list: Vec<String> = missing
                        .iter()
                        .map(|c| format!("{c} (U+{:04X})", u32::from(*c)))
                        .collect();
                    out.push(format!(
                        "{path}: the bundled PDF fonts have no glyph for {}; in the PDFs these characters show as empty boxes",
                        list.join(", ")
                    ));
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    walk.push((format!("{path}[{i}]"), item));
                }
            }
            serde_json::Value::Object(map) => {
                for (k, item) in map.iter().rev() {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk.push((p, item));
                }
            }
            _ => {}
        }
    }
    out
}
