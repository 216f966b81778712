//! The commented starter profile written by `hicp init`.
//!
//! It shows every key of the profile format (DESIGN §3); required keys are
//! filled in, optional ones are commented out with an example, so a user can
//! see the whole format in one file. A test loads it for every size.

use super::semantic::size_name;
use super::types::{OrgType, Size};

/// The name the starter gives its people, and their e-mail addresses: a
/// pack still naming them is not ready (builds warn).
pub const STARTER_NAME: &str = "Replace Me";

/// The organization's name when `hicp init` is given no `--name`: like every
/// example value of the starter, `build` and `validate` warn while a profile
/// still has it ([`super::semantic::starter_examples`]).
pub const STARTER_ORG_NAME: &str = "Example Health Clinic";
pub const STARTER_EMAILS: [&str; 2] = ["security@example.org", "privacy@example.org"];

/// Quote `s` as a YAML double-quoted scalar.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn org_type_name(t: OrgType) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_else(|| "other".to_string())
}

/// A commented, valid starter profile for `hicp init`.
pub fn starter_profile(size: Size, name: &str, org_type: OrgType) -> String {
    let size = size_name(size);
    let letter = match size {
        "small" => "S",
        _ => "M",
    };
    let (providers, beds, employees) = match size {
        "small" => (6, 0, 24),
        "medium" => (30, 120, 400),
        _ => (250, 800, 5000),
    };
    // Keep the trailing comments aligned whatever the name's length.
    let pad = |line: String| format!("{line:<41} ");
    let name_line = pad(format!("  name: {}", quote(name)));
    let type_line = pad(format!("  type: {}", org_type_name(org_type)));
    let size_line = pad(format!("  size: {size}"));
    format!(
        r##"# HICP policy pack profile (format version 1). Reference: `hicp schema`.
# yaml-language-server: $schema=profile.schema.json
# Lines starting with "#" are optional keys: remove the "# " to use them.
# Their values are examples (Example…, example.org, 555 numbers) to replace with your own;
# `hicp build` and `hicp validate` warn about each one left in.
hicp: 1
# extends: ../group-defaults.yaml        # a parent profile; maps merge, lists and values replace

organization:
{name_line}# legal name, printed on every document
  # short_name: Example                   # used in running text and the output folder name
{type_line}# primary-care | specialty-practice | dental | behavioral-health |
                                          # hospital | critical-access-hospital | health-system |
                                          # ambulatory-surgery | long-term-care | home-health | pharmacy |
                                          # laboratory | imaging | business-associate | other
{size_line}# small | medium | large; or leave out and give metrics
  # metrics: {{ providers: {providers}, employees: {employees}, beds: {beds}, locations: 1, it_staff: 0 }}
  # address: {{ street: 1 Example Street, city: Exampleton, state: OR, postal_code: "00000", country: US }}
  # phone: "+1 555 555 0100"
  # website: https://example.org
  # hipaa_role: covered-entity            # covered-entity | business-associate | hybrid-entity

people:                                   # each: {{ name, title, email, phone? }}
  security_officer: {{ name: Replace Me, title: Security Officer, email: security@example.org }}
  privacy_officer: {{ name: Replace Me, title: Privacy Officer, email: privacy@example.org }}
  # executive_sponsor: {{ name: ..., title: ..., email: ... }}   # default: the security officer
  # it_contact: {{ name: ..., title: ..., email: ... }}          # a staff member or your IT provider
  # incident_commander: {{ name: ..., title: ..., email: ... }}  # default: the security officer

documents:
  version: "1.0"                          # pack version printed on every document
  effective_date: 2026-01-01              # YYYY-MM-DD
  # review_every_months: 12               # next review = effective date + months
  # approved_by: executive_sponsor        # a key of people; without it every document is DRAFT
  # approved_on: 2026-01-01               # only together with approved_by
  # paper: letter                         # letter | a4
  # include: []                           # document ids to add
  # exclude: []                           # document ids to leave out
  # templates: ./policy-overrides         # folder of templates that override or add

# technology:                             # all optional; what is not stated is worded for your size
#   ehr: {{ name: Example EHR, hosting: cloud }}            # e.g. athenaOne, Epic; hosting: cloud | on-premises | hybrid
#   email: {{ platform: Example Mail, mfa: true, external_banner: true }}   # e.g. Microsoft 365, Google Workspace
#   endpoints: {{ protection: Example Endpoint Protection, disk_encryption: true, mdm: Example MDM, local_admin_removed: true }}
#   backups: {{ solution: Example Backup, frequency: daily, offsite: true, immutable: true, restore_test_every_months: 6, rto_hours: 24, rpo_hours: 24 }}
#   remote_access: {{ allowed: true, method: Example VPN with MFA }}
#   byod: {{ allowed: false }}
#   wireless: {{ guest_network: true, segmented: true }}
#   telehealth: {{ used: true, platform: Example Telehealth }}
#   medical_devices: {{ present: true, examples: [Example infusion pump, Example ECG cart], managed_by: Example Biomed Service }}
#   cloud_services: [Example Office Suite, Example Phone Service]

# vendors:                                # business associates and IT suppliers
#   - {{ name: Example IT Partners, service: Example managed IT, phi_access: true, baa: true, contact: helpdesk@example.org }}

# incident_response:
#   report_to: {{ email: security@example.org, phone: "+1 555 555 0199" }}
#   external_contacts:                    # role: cyber-insurance | legal-counsel | law-enforcement |
#                                         #   forensics-firm | msp-incident-response | hhs-ocr |
#                                         #   public-relations | regulator | other
#     - {{ role: cyber-insurance, name: Example Mutual, phone: "+1 555 555 0142", reference: EXAMPLE-POLICY-1 }}
#   isac: Example ISAC                    # e.g. Health-ISAC

# practices:                              # self-assessment by HICP sub-practice ID (`hicp list`)
#   "1.{letter}.A": {{ status: implemented }}   # implemented | partial | planned | not-implemented | not-applicable
#   "3.{letter}.A": {{ status: partial, owner: security_officer, due: 2026-06-30, note: Example note on what is missing }}

# branding:
#   accent_color: "#0b5394"               # #rrggbb
#   logo: ./logo.png                      # PNG or JPEG, relative to this file
"##
    )
}

/// `text` (a starter profile) with its optional example lines uncommented,
/// as the starter tells its reader to ("remove the `# `"): every line whose
/// text after `# ` is a YAML key (`short_name: …`, `"1.S.A": …`) or a list
/// entry (`- { … }`), except `extends` (it names a file that does not
/// exist). Headings, explanations and the lists of allowed values stay
/// comments. This is how the starter's example values are found, from the
/// starter itself rather than from a second list that could drift from it.
pub(super) fn uncomment_examples(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim_start();
        let indent = &line[..line.len() - t.len()];
        match t.strip_prefix("# ") {
            Some(rest) if is_yaml_line(rest) && !rest.trim_start().starts_with("extends:") => {
                out.push_str(indent);
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// Whether a commented-out line is YAML content: a key as the profile
/// format writes them (lower case, `_`; or quoted) followed by `:`, or a
/// list entry.
fn is_yaml_line(rest: &str) -> bool {
    let r = rest.trim_start();
    if r.starts_with("- ") {
        return true;
    }
    let key_end = if let Some(quoted) = r.strip_prefix('"') {
        quoted.find('"').map(|i| i + 2)
    } else {
        r.find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
    };
    key_end.is_some_and(|i| i > 0 && r[i..].starts_with(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommenting_keeps_explanations_and_extends_as_comments() {
        let text = starter_profile(Size::Small, "X", OrgType::Other);
        let out = uncomment_examples(&text);
        assert!(out.contains("\n  short_name: Example "), "{out}");
        assert!(out.contains("\ntechnology:"), "{out}");
        assert!(out.contains("\n    - { role: cyber-insurance"), "{out}");
        assert!(
            out.contains("\n  \"1.S.A\": { status: implemented }"),
            "{out}"
        );
        assert!(out.contains("\n# extends:"), "{out}");
        assert!(out.contains("\n# yaml-language-server:"), "{out}");
        assert!(out.contains("\n# Lines starting"), "{out}");
        assert!(
            out.contains("# hospital | critical-access-hospital"),
            "{out}"
        );
        assert!(out.contains("#   forensics-firm"), "{out}");
    }
}
