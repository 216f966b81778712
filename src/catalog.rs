//! HICP knowledge as data: threats, practices, sub-practices by size, NIST CSF
//! references, HIPAA Security Rule citations and the HPH Cybersecurity
//! Performance Goals. The data lives in `templates/catalog/*.yaml` and is
//! embedded in the binary, so a pack never depends on files beside the binary.
//!
//! Facts that `hicp-facts.md` marks UNCERTAIN carry `verified: false`; the
//! crosswalk and the self-assessment print that mark rather than hide it.

use crate::profile::types::Size;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One of HICP's five threats.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threat {
    /// `T1` … `T5`.
    pub id: String,
    /// 2023 edition name.
    pub name: String,
    /// 2018 edition name.
    pub name_2018: String,
    /// One or two sentences in our own words.
    pub summary: String,
    #[serde(default = "yes")]
    pub verified: bool,
}

/// One of HICP's ten practices.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    pub number: u8,
    pub name: String,
    /// Main document / Technical Volume 1 name where it differs from the
    /// Volume 2 title (`Access Management`), for small organizations' documents.
    #[serde(default)]
    pub name_small: Option<String>,
    #[serde(default)]
    pub name_2023: Option<String>,
    /// False when the 2023 name is unconfirmed: the 2023 volumes could not be
    /// checked, so only some renames are known for certain.
    #[serde(default = "yes")]
    pub name_2023_verified: bool,
    /// What the practice asks for, in our own words.
    #[serde(default)]
    pub summary: String,
    /// Threat ids (`T1`…) the practice mitigates.
    pub threats: Vec<String>,
    /// HIPAA Security Rule citations (45 CFR Part 164) linked to the practice.
    pub hipaa: Vec<String>,
    #[serde(default = "yes")]
    pub verified: bool,
}

/// Organization-size letter of a sub-practice ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SizeLetter {
    S,
    M,
    L,
}

/// A sub-practice: `N.S.X`, `N.M.X` or `N.L.X`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubPractice {
    pub id: String,
    pub practice: u8,
    pub size: SizeLetter,
    pub name: String,
    /// NIST CSF v1.1 subcategories as published.
    #[serde(default)]
    pub nist: Vec<String>,
    /// Threat ids it mitigates (inherited from its practice unless stated).
    #[serde(default)]
    pub threats: Vec<String>,
    /// HPH CPG ids it supports.
    #[serde(default)]
    pub cpgs: Vec<String>,
    /// Short description in our own words.
    #[serde(default)]
    pub summary: String,
    /// False where the source facts are marked UNCERTAIN.
    #[serde(default = "yes")]
    pub verified: bool,
    /// A caveat about the source (a probable typo kept as printed, a name that
    /// differs in the summary chart), printed next to the item so readers
    /// can check it against the HHS text.
    #[serde(default)]
    pub source_note: Option<String>,
}

/// An HPH Cybersecurity Performance Goal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cpg {
    /// `E1`…`E10` (essential), `X1`…`X10` (enhanced).
    pub id: String,
    pub name: String,
    /// `essential` or `enhanced`.
    pub kind: String,
    /// What the goal asks for, in our own words.
    #[serde(default)]
    pub summary: String,
    /// Whether the short title is confirmed against the HHS text.
    #[serde(default = "yes")]
    pub verified: bool,
    /// Whether the goal's HICP sub-practice mapping (the `cpgs` lists of the
    /// sub-practices) is HHS's own rather than our best guess.
    #[serde(default = "yes")]
    pub mapping_verified: bool,
}

fn yes() -> bool {
    true
}

/// The whole catalog.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Catalog {
    pub threats: Vec<Threat>,
    pub practices: Vec<Practice>,
    pub subpractices: Vec<SubPractice>,
    pub cpgs: Vec<Cpg>,
    /// Term → definition, for the "Definitions" sections.
    pub glossary: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThreatsFile {
    threats: Vec<Threat>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PracticesFile {
    practices: Vec<Practice>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SubPracticesFile {
    subpractices: Vec<SubPractice>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CpgsFile {
    cpgs: Vec<Cpg>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GlossaryFile {
    glossary: BTreeMap<String, String>,
}

/// The embedded catalog sources, also hashed into every document's input hash.
pub const SOURCES: [(&str, &str); 5] = [
    (
        "threats.yaml",
        include_str!("../templates/catalog/threats.yaml"),
    ),
    (
        "practices.yaml",
        include_str!("../templates/catalog/practices.yaml"),
    ),
    (
        "subpractices.yaml",
        include_str!("../templates/catalog/subpractices.yaml"),
    ),
    ("cpgs.yaml", include_str!("../templates/catalog/cpgs.yaml")),
    (
        "glossary.yaml",
        include_str!("../templates/catalog/glossary.yaml"),
    ),
];

impl Catalog {
    /// The catalog embedded in the binary. Parsed once per process.
    ///
    /// The data ships with the binary and is checked by the test suite, so a
    /// parse failure here is a build defect, not a user error.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            let _t = crate::timings::span("catalog (worker)");
            Catalog::parse().unwrap_or_else(|e| panic!("embedded catalog is invalid: {e}"))
        })
    }

    /// Parse the embedded YAML sources.
    pub fn parse() -> Result<Catalog, String> {
        fn yaml<T: serde::de::DeserializeOwned>(name: &str, src: &str) -> Result<T, String> {
            serde_saphyr::from_str(src).map_err(|e| format!("{name}: {e}"))
        }
        let threats: ThreatsFile = yaml(SOURCES[0].0, SOURCES[0].1)?;
        let practices: PracticesFile = yaml(SOURCES[1].0, SOURCES[1].1)?;
        let subs: SubPracticesFile = yaml(SOURCES[2].0, SOURCES[2].1)?;
        let cpgs: CpgsFile = yaml(SOURCES[3].0, SOURCES[3].1)?;
        let glossary: GlossaryFile = yaml(SOURCES[4].0, SOURCES[4].1)?;
        let mut catalog = Catalog {
            threats: threats.threats,
            practices: practices.practices,
            subpractices: subs.subpractices,
            cpgs: cpgs.cpgs,
            glossary: glossary.glossary,
        };
        // A sub-practice without its own threat list inherits its practice's.
        for sp in &mut catalog.subpractices {
            if sp.threats.is_empty()
                && let Some(p) = catalog.practices.iter().find(|p| p.number == sp.practice)
            {
                sp.threats = p.threats.clone();
            }
        }
        Ok(catalog)
    }

    /// The sub-practices that apply to an organization of `size`, in catalog
    /// order: small → `N.S.X`; medium → `N.M.X`; large → `N.M.X` and `N.L.X`.
    pub fn subpractices_for(&self, size: Size) -> Vec<&SubPractice> {
        self.subpractices
            .iter()
            .filter(|sp| applies(sp.size, size))
            .collect()
    }

    /// Look a sub-practice up by ID.
    pub fn subpractice(&self, id: &str) -> Option<&SubPractice> {
        self.subpractices.iter().find(|sp| sp.id == id)
    }

    pub fn practice(&self, number: u8) -> Option<&Practice> {
        self.practices.iter().find(|p| p.number == number)
    }

    /// Look a threat up by ID (`"T2"`).
    pub fn threat(&self, id: &str) -> Option<&Threat> {
        self.threats.iter().find(|t| t.id == id)
    }

    /// Look an HPH CPG up by ID (`"E3"`, `"X7"`).
    pub fn cpg(&self, id: &str) -> Option<&Cpg> {
        self.cpgs.iter().find(|c| c.id == id)
    }

    /// The CPGs any sub-practice of practice `number` supports, in catalog
    /// (E1…E10, X1…X10) order. The mapping is kept on the sub-practices, so a
    /// practice's list is derived rather than maintained twice.
    pub fn practice_cpgs(&self, number: u8) -> Vec<&Cpg> {
        self.cpgs
            .iter()
            .filter(|c| {
                self.subpractices
                    .iter()
                    .any(|sp| sp.practice == number && sp.cpgs.contains(&c.id))
            })
            .collect()
    }

    /// The sub-practices whose mapping names CPG `id`, in catalog order.
    pub fn cpg_subpractices(&self, id: &str) -> Vec<&SubPractice> {
        self.subpractices
            .iter()
            .filter(|sp| sp.cpgs.iter().any(|c| c == id))
            .collect()
    }

    /// The glossary entry for `term`, matched without regard to case so that
    /// front matter may write `workforce member` or `Workforce member`.
    /// Returns the term as the glossary spells it and its definition.
    pub fn definition(&self, term: &str) -> Option<(&str, &str)> {
        self.glossary
            .get_key_value(term)
            .or_else(|| {
                self.glossary
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(term))
            })
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Whether a sub-practice of size letter `letter` applies to `size`.
pub fn applies(letter: SizeLetter, size: Size) -> bool {
    matches!(
        (letter, size),
        (SizeLetter::S, Size::Small)
            | (SizeLetter::M, Size::Medium)
            | (SizeLetter::M, Size::Large)
            | (SizeLetter::L, Size::Large)
    )
}

/// The size letter of a sub-practice ID string (`"3.M.B"` → `M`), if well formed.
pub fn id_size_letter(id: &str) -> Option<SizeLetter> {
    let mut parts = id.split('.');
    let (n, s, x) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || n.parse::<u8>().is_err() || x.len() != 1 {
        return None;
    }
    match s {
        "S" => Some(SizeLetter::S),
        "M" => Some(SizeLetter::M),
        "L" => Some(SizeLetter::L),
        _ => None,
    }
}
