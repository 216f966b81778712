//! Consistency checks for the embedded HICP catalog (`templates/catalog/*.yaml`).
//!
//! The catalog is hand-maintained data transcribed from `hicp-facts.md`; these
//! tests pin the counts HICP publishes, the ID scheme, every cross-reference and
//! the `verified: false` marks, so that an editing slip in the YAML fails the
//! build instead of printing a wrong crosswalk in a customer's policy pack.

use hicp::catalog::{Catalog, SizeLetter, id_size_letter};
use hicp::profile::types::Size;
use std::collections::BTreeSet;

fn catalog() -> Catalog {
    match Catalog::parse() {
        Ok(c) => c,
        Err(e) => panic!("embedded catalog does not parse: {e}"),
    }
}

fn letter_str(l: SizeLetter) -> &'static str {
    match l {
        SizeLetter::S => "S",
        SizeLetter::M => "M",
        SizeLetter::L => "L",
    }
}

#[test]
fn builtin_parses_and_matches_parse() {
    let c = Catalog::builtin();
    assert_eq!(c.subpractices.len(), catalog().subpractices.len());
}

#[test]
fn five_threats_with_both_edition_names() {
    let c = catalog();
    let ids: Vec<&str> = c.threats.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["T1", "T2", "T3", "T4", "T5"]);
    for t in &c.threats {
        assert!(!t.name.trim().is_empty(), "{}: empty name", t.id);
        assert!(!t.name_2018.trim().is_empty(), "{}: empty 2018 name", t.id);
        assert!(!t.summary.trim().is_empty(), "{}: empty summary", t.id);
    }
    let t1 = c
        .threat("T1")
        .map(|t| (t.name.as_str(), t.name_2018.as_str()));
    assert_eq!(t1, Some(("Social engineering", "E-mail phishing attacks")));
}

#[test]
fn ten_practices_in_order_with_threats_and_hipaa() {
    let c = catalog();
    let numbers: Vec<u8> = c.practices.iter().map(|p| p.number).collect();
    assert_eq!(numbers, (1..=10).collect::<Vec<u8>>());
    for p in &c.practices {
        assert!(!p.name.trim().is_empty());
        assert!(
            !p.threats.is_empty(),
            "practice {} mitigates no threat",
            p.number
        );
        assert!(
            !p.hipaa.is_empty(),
            "practice {} has no HIPAA citation",
            p.number
        );
        for h in &p.hipaa {
            assert!(
                h.starts_with("45 CFR 164.") && h.contains(" — "),
                "practice {}: citation {h:?} is not `45 CFR 164.x — description`",
                p.number
            );
        }
    }
    // Facts §5: practice 9 mitigates only medical-device attacks; 8 and 10 all five.
    assert_eq!(
        c.practice(9).map(|p| p.threats.clone()),
        Some(vec!["T5".to_string()])
    );
    for n in [8, 10] {
        assert_eq!(
            c.practice(n).map(|p| p.threats.len()),
            Some(5),
            "practice {n}"
        );
    }
    assert_eq!(
        c.practice(3).map(|p| p.name.as_str()),
        Some("Identity and Access Management")
    );
}

#[test]
fn subpractice_counts_per_size() {
    let c = catalog();
    let count = |l: SizeLetter| c.subpractices.iter().filter(|sp| sp.size == l).count();
    assert_eq!(count(SizeLetter::S), 19);
    assert_eq!(count(SizeLetter::M), 36);
    assert_eq!(count(SizeLetter::L), 34);
    assert_eq!(c.subpractices.len(), 89);
    // Practice 10 has no large sub-practices (facts §4.1).
    assert!(
        !c.subpractices
            .iter()
            .any(|sp| sp.practice == 10 && sp.size == SizeLetter::L)
    );
}

#[test]
fn subpractices_for_each_size() {
    let c = catalog();
    assert_eq!(c.subpractices_for(Size::Small).len(), 19);
    assert_eq!(c.subpractices_for(Size::Medium).len(), 36);
    assert_eq!(c.subpractices_for(Size::Large).len(), 70);
    assert!(
        c.subpractices_for(Size::Small)
            .iter()
            .all(|sp| sp.size == SizeLetter::S)
    );
    assert!(
        c.subpractices_for(Size::Large)
            .iter()
            .all(|sp| sp.size != SizeLetter::S)
    );
}

#[test]
fn ids_are_well_formed_unique_and_match_their_fields() {
    let c = catalog();
    let mut seen = BTreeSet::new();
    for sp in &c.subpractices {
        assert!(
            seen.insert(sp.id.as_str()),
            "duplicate sub-practice {}",
            sp.id
        );
        let parts: Vec<&str> = sp.id.split('.').collect();
        assert_eq!(parts.len(), 3, "{}", sp.id);
        assert_eq!(
            parts[0],
            sp.practice.to_string(),
            "{}: practice field",
            sp.id
        );
        assert!((1..=10).contains(&sp.practice), "{}", sp.id);
        assert_eq!(parts[1], letter_str(sp.size), "{}: size field", sp.id);
        assert_eq!(id_size_letter(&sp.id), Some(sp.size), "{}", sp.id);
        let seq = parts[2].as_bytes();
        assert!(
            seq.len() == 1 && (b'A'..=b'F').contains(&seq[0]),
            "{}: sequence letter must be A..F",
            sp.id
        );
        assert!(!sp.name.trim().is_empty(), "{}: empty name", sp.id);
        assert!(!sp.summary.trim().is_empty(), "{}: empty summary", sp.id);
    }
}

#[test]
fn sequence_letters_have_no_gaps() {
    // Within each practice and size the letters run A, B, C … without a hole,
    // which catches a mistyped or dropped ID.
    let c = catalog();
    for n in 1..=10u8 {
        for l in [SizeLetter::S, SizeLetter::M, SizeLetter::L] {
            let mut letters: Vec<u8> = c
                .subpractices
                .iter()
                .filter(|sp| sp.practice == n && sp.size == l)
                .filter_map(|sp| sp.id.bytes().last())
                .collect();
            letters.sort_unstable();
            let expected: Vec<u8> = (0..letters.len()).map(|i| b'A' + i as u8).collect();
            assert_eq!(letters, expected, "practice {n}, size {}", letter_str(l));
        }
    }
}

#[test]
fn nist_refs_look_like_csf_v11() {
    // Kept exactly as printed; the one known misprint is allowed and flagged.
    const MISPRINTS: [&str; 1] = ["IG.GV-1"];
    let functions = ["ID", "PR", "DE", "RS", "RC"];
    let c = catalog();
    for sp in &c.subpractices {
        for r in &sp.nist {
            if MISPRINTS.contains(&r.as_str()) {
                assert!(
                    sp.source_note.is_some(),
                    "{}: misprint {r} not flagged",
                    sp.id
                );
                continue;
            }
            let (func, rest) = r.split_once('.').unwrap_or((r.as_str(), ""));
            assert!(functions.contains(&func), "{}: bad NIST ref {r}", sp.id);
            if rest.is_empty() {
                continue; // a whole function, e.g. `RC`
            }
            let (cat, num) = rest.split_once('-').unwrap_or((rest, ""));
            assert!(
                cat.len() == 2 && cat.bytes().all(|b| b.is_ascii_uppercase()),
                "{}: bad NIST ref {r}",
                sp.id
            );
            assert!(
                num.is_empty() || num.parse::<u8>().is_ok(),
                "{}: bad NIST ref {r}",
                sp.id
            );
        }
    }
}

#[test]
fn every_threat_and_cpg_reference_resolves() {
    let c = catalog();
    for p in &c.practices {
        for t in &p.threats {
            assert!(
                c.threat(t).is_some(),
                "practice {}: unknown threat {t}",
                p.number
            );
        }
    }
    for sp in &c.subpractices {
        assert!(c.practice(sp.practice).is_some(), "{}: no practice", sp.id);
        assert!(
            !sp.threats.is_empty(),
            "{}: no threats after inheritance",
            sp.id
        );
        for t in &sp.threats {
            assert!(c.threat(t).is_some(), "{}: unknown threat {t}", sp.id);
        }
        for id in &sp.cpgs {
            assert!(c.cpg(id).is_some(), "{}: unknown CPG {id}", sp.id);
        }
    }
}

#[test]
fn threats_are_inherited_from_the_practice() {
    let c = catalog();
    let sp = c.subpractice("9.M.A").map(|sp| sp.threats.clone());
    assert_eq!(sp, Some(vec!["T5".to_string()]));
    let p1 = c.practice(1).map(|p| p.threats.clone());
    assert_eq!(c.subpractice("1.S.A").map(|sp| sp.threats.clone()), p1);
}

#[test]
fn cpgs_are_ten_essential_and_ten_enhanced() {
    let c = catalog();
    let ids: Vec<&str> = c.cpgs.iter().map(|g| g.id.as_str()).collect();
    let expected: Vec<String> = (1..=10)
        .map(|i| format!("E{i}"))
        .chain((1..=10).map(|i| format!("X{i}")))
        .collect();
    assert_eq!(ids, expected);
    for g in &c.cpgs {
        let kind = if g.id.starts_with('E') {
            "essential"
        } else {
            "enhanced"
        };
        assert_eq!(g.kind, kind, "{}", g.id);
        assert!(!g.name.trim().is_empty(), "{}", g.id);
        // Facts §8.3: all short titles and the whole HICP mapping are UNCERTAIN.
        assert!(!g.verified, "{}: title is unconfirmed in the facts", g.id);
        assert!(!g.mapping_verified, "{}: mapping is our guess", g.id);
        // Every goal is supported by at least one sub-practice.
        assert!(
            !c.cpg_subpractices(&g.id).is_empty(),
            "{} maps to nothing",
            g.id
        );
    }
    assert_eq!(
        c.cpg("E3").map(|g| g.name.as_str()),
        Some("Multifactor Authentication")
    );
}

#[test]
fn cpg_mapping_spot_checks() {
    let c = catalog();
    let cpgs = |id: &str| {
        c.subpractice(id)
            .map(|sp| sp.cpgs.clone())
            .unwrap_or_default()
    };
    assert!(cpgs("3.M.D").contains(&"E3".to_string()));
    assert!(cpgs("9.L.C").contains(&"E10".to_string()));
    assert!(cpgs("7.S.A").contains(&"E1".to_string()));
    let p3: Vec<&str> = c.practice_cpgs(3).iter().map(|g| g.id.as_str()).collect();
    assert_eq!(p3, ["E3", "E6", "E8", "E9"]);
}

#[test]
fn uncertain_items_are_unverified() {
    let c = catalog();
    let verified = |id: &str| c.subpractice(id).map(|sp| sp.verified);
    // Facts §4.2 marks these small items' ID, name or reference UNCERTAIN.
    for id in [
        "1.S.B", "1.S.C", "3.S.A", "4.S.A", "4.S.B", "4.S.C", "5.S.C", "6.S.B", "6.S.C", "7.S.A",
        "8.S.A", "8.S.B", "9.S.A",
    ] {
        assert_eq!(verified(id), Some(false), "{id} should be unverified");
    }
    // Confirmed ones stay verified.
    for id in [
        "1.S.A", "2.S.A", "5.S.A", "6.S.A", "10.S.A", "1.M.A", "9.L.D", "10.M.A",
    ] {
        assert_eq!(verified(id), Some(true), "{id} should be verified");
    }
    // Every medium and large item comes from the full text of Volume 2.
    assert!(
        c.subpractices
            .iter()
            .filter(|sp| sp.size != SizeLetter::S)
            .all(|sp| sp.verified)
    );
    // Only practice 1's 2023 name is confirmed; practice 9's and 10's renames are not.
    assert_eq!(c.practice(1).map(|p| p.name_2023_verified), Some(true));
    for n in [9, 10] {
        assert_eq!(
            c.practice(n).map(|p| p.name_2023_verified),
            Some(false),
            "practice {n}"
        );
    }
}

#[test]
fn glossary_is_populated_and_case_insensitive() {
    let c = catalog();
    assert!(
        c.glossary.len() >= 60,
        "only {} glossary terms",
        c.glossary.len()
    );
    for term in [
        "PHI",
        "ePHI",
        "MFA",
        "Business associate",
        "Workforce member",
        "RTO",
        "RPO",
    ] {
        assert!(c.glossary.contains_key(term), "glossary lacks {term}");
    }
    for (k, v) in &c.glossary {
        assert!(!v.trim().is_empty(), "empty definition for {k}");
    }
    assert_eq!(
        c.definition("workforce member").map(|(k, _)| k),
        Some("Workforce member")
    );
    assert!(c.definition("no such term").is_none());
}
