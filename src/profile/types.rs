//! Serde types for profile format v1 (DESIGN §3).
//!
//! These types are the single source of truth for the profile: the JSON Schema
//! (`hicp schema`) is derived from them with schemars, and the span-aware
//! validator walks the YAML tree against that schema so that every problem of a
//! profile is reported at once, before serde (which stops at the first) runs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An ISO `YYYY-MM-DD` calendar date. Kept as a string in the serde layer; the
/// validator checks that it is a real date and [`crate::profile::date::Date`]
/// parses it.
pub type IsoDate = String;

/// The whole profile of one organization.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Profile format version; this build understands version 1.
    #[schemars(extend("const" = 1))]
    pub hicp: u32,
    /// Parent profile loaded first (path relative to this file). Maps merge key
    /// by key; lists and scalars replace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    pub organization: Organization,
    pub people: People,
    pub documents: Documents,
    #[serde(default)]
    pub technology: Technology,
    /// At most 1,000: the register lists the vendors the policies are about
    /// (those with PHI access first); a profile is not a vendor database,
    /// and every vendor is set in several documents.
    #[serde(default)]
    #[schemars(length(max = 1000))]
    pub vendors: Vec<Vendor>,
    #[serde(default)]
    pub incident_response: IncidentResponse,
    /// Self-assessment by HICP sub-practice ID (e.g. `"3.S.A"`).
    #[serde(default)]
    pub practices: BTreeMap<String, PracticeStatus>,
    #[serde(default)]
    pub branding: Branding,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// Legal name, printed on every document.
    pub name: String,
    /// Used in running text and in the pack's folder name; defaults to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    #[serde(rename = "type")]
    pub org_type: OrgType,
    /// small | medium | large; derived from `metrics` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hipaa_role: Option<HipaaRole>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OrgType {
    PrimaryCare,
    SpecialtyPractice,
    Dental,
    BehavioralHealth,
    Hospital,
    CriticalAccessHospital,
    HealthSystem,
    AmbulatorySurgery,
    LongTermCare,
    HomeHealth,
    Pharmacy,
    Laboratory,
    Imaging,
    BusinessAssociate,
    Other,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Size {
    Small,
    Medium,
    Large,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub providers: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employees: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locations: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub it_staff: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HipaaRole {
    CoveredEntity,
    BusinessAssociate,
    HybridEntity,
}

/// One named person.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    pub title: String,
    #[schemars(extend("format" = "email"))]
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// The people who act in the documents. The five roles below have fixed
/// meanings; more keys may be added (e.g. `hr_manager`) and referenced from
/// `approved_by` or a practice `owner`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("maxProperties" = 200, "propertyNames" = { "pattern": "^[A-Za-z][A-Za-z0-9_-]*$" }))]
pub struct People {
    pub security_officer: Person,
    pub privacy_officer: Person,
    /// Defaults to the security officer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executive_sponsor: Option<Person>,
    /// A staff member or a managed-service provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub it_contact: Option<Person>,
    /// Defaults to the security officer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident_commander: Option<Person>,
    /// Further people, by key.
    #[serde(flatten)]
    pub others: BTreeMap<String, Person>,
}

impl People {
    /// The executive sponsor, defaulting to the security officer (DESIGN §3).
    pub fn sponsor(&self) -> &Person {
        self.executive_sponsor
            .as_ref()
            .unwrap_or(&self.security_officer)
    }

    /// The incident commander, defaulting to the security officer (DESIGN §3).
    pub fn commander(&self) -> &Person {
        self.incident_commander
            .as_ref()
            .unwrap_or(&self.security_officer)
    }

    /// A person by key (`approved_by`, an `owner`), with the built-in
    /// roles' defaults; None for a key the profile does not have.
    pub fn by_key(&self, key: &str) -> Option<&Person> {
        match key {
            "security_officer" => Some(&self.security_officer),
            "privacy_officer" => Some(&self.privacy_officer),
            "executive_sponsor" => Some(self.sponsor()),
            "incident_commander" => Some(self.commander()),
            "it_contact" => self.it_contact.as_ref(),
            other => self.others.get(other),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    #[default]
    Letter,
    A4,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Documents {
    /// Pack version printed on every document.
    pub version: String,
    /// The date the pack takes effect (`YYYY-MM-DD`).
    #[schemars(extend("format" = "date"))]
    pub effective_date: IsoDate,
    /// Months between reviews; next review = effective date + this
    /// (1 to 60: a policy set reviewed less often than every five years
    /// would be out of date long before its review).
    #[serde(default = "default_review_months")]
    #[schemars(range(min = 1, max = 60))]
    pub review_every_months: u32,
    /// A key of `people`; absent means every document is DRAFT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// Date of approval (`YYYY-MM-DD`); only together with `approved_by`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date"))]
    pub approved_on: Option<IsoDate>,
    #[serde(default)]
    pub paper: Paper,
    /// Document ids to add even if not selected.
    #[serde(default)]
    #[schemars(length(max = 200))]
    pub include: Vec<String>,
    /// Document ids to leave out.
    #[serde(default)]
    #[schemars(length(max = 200))]
    pub exclude: Vec<String>,
    /// Folder of templates that override or add (relative to the profile file that sets it: a parent profile's folder for a value it sets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<String>,
}

fn default_review_months() -> u32 {
    12
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Technology {
    #[serde(default)]
    pub ehr: Option<Ehr>,
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default)]
    pub endpoints: Option<Endpoints>,
    #[serde(default)]
    pub backups: Option<Backups>,
    #[serde(default)]
    pub remote_access: Option<RemoteAccess>,
    #[serde(default)]
    pub byod: Option<Byod>,
    #[serde(default)]
    pub wireless: Option<Wireless>,
    #[serde(default)]
    pub telehealth: Option<Telehealth>,
    #[serde(default)]
    pub medical_devices: Option<MedicalDevices>,
    #[serde(default)]
    #[schemars(length(max = 200))]
    pub cloud_services: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ehr {
    pub name: String,
    #[serde(default)]
    pub hosting: Option<Hosting>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Hosting {
    Cloud,
    OnPremises,
    Hybrid,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Email {
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub mfa: Option<bool>,
    #[serde(default)]
    pub external_banner: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    #[serde(default)]
    pub protection: Option<String>,
    #[serde(default)]
    pub disk_encryption: Option<bool>,
    #[serde(default)]
    pub mdm: Option<String>,
    #[serde(default)]
    pub local_admin_removed: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Backups {
    #[serde(default)]
    pub solution: Option<String>,
    #[serde(default)]
    pub frequency: Option<BackupFrequency>,
    #[serde(default)]
    pub offsite: Option<bool>,
    #[serde(default)]
    pub immutable: Option<bool>,
    #[serde(default)]
    pub restore_test_every_months: Option<u32>,
    #[serde(default)]
    pub rto_hours: Option<u32>,
    #[serde(default)]
    pub rpo_hours: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BackupFrequency {
    Continuous,
    Hourly,
    Daily,
    Weekly,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoteAccess {
    pub allowed: bool,
    #[serde(default)]
    pub method: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Byod {
    pub allowed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Wireless {
    #[serde(default)]
    pub guest_network: Option<bool>,
    #[serde(default)]
    pub segmented: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Telehealth {
    pub used: bool,
    #[serde(default)]
    pub platform: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MedicalDevices {
    pub present: bool,
    #[serde(default)]
    #[schemars(length(max = 50))]
    pub examples: Vec<String>,
    #[serde(default)]
    pub managed_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    pub name: String,
    pub service: String,
    #[serde(default)]
    pub phi_access: bool,
    #[serde(default)]
    pub baa: bool,
    #[serde(default)]
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentResponse {
    #[serde(default)]
    pub report_to: Option<ReportTo>,
    #[serde(default)]
    #[schemars(length(max = 200))]
    pub external_contacts: Vec<ExternalContact>,
    /// Information sharing and analysis centre the organization belongs to.
    #[serde(default)]
    pub isac: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportTo {
    #[serde(default)]
    #[schemars(extend("format" = "email"))]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExternalContact {
    pub role: ContactRole,
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    #[schemars(extend("format" = "email"))]
    pub email: Option<String>,
    #[serde(default)]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ContactRole {
    CyberInsurance,
    LegalCounsel,
    LawEnforcement,
    ForensicsFirm,
    MspIncidentResponse,
    HhsOcr,
    PublicRelations,
    Regulator,
    Other,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeStatus {
    pub status: Status,
    /// A key of `people`.
    #[serde(default)]
    pub owner: Option<String>,
    /// Target date (`YYYY-MM-DD`).
    #[serde(default)]
    #[schemars(extend("format" = "date"))]
    pub due: Option<IsoDate>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Implemented,
    Partial,
    Planned,
    NotImplemented,
    NotApplicable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Branding {
    /// `#rrggbb`.
    #[serde(default)]
    #[schemars(extend("pattern" = "^#[0-9a-fA-F]{6}$"))]
    pub accent_color: Option<String>,
    /// PNG or JPEG, relative to the profile file that sets it (a parent profile's folder for a value it sets).
    #[serde(default)]
    pub logo: Option<String>,
}
