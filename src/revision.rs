//! Document control across versions: each document's revision-history rows.
//!
//! The rows of earlier versions cannot be recomputed from today's profile, so
//! they live in the pack's manifest and are carried from build to build. A
//! row is added only when `documents.version` moves on *and* the document's
//! text changed; a document whose text did not change keeps its history as it
//! was, so a version bump does not claim a revision nobody made.
//!
//! "The text" excludes the revision-history section itself (which would
//! otherwise change whenever a row is added) and is compared section by
//! section, so the new row can say which sections were revised.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One row of a document's revision-history table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionEntry {
    pub version: String,
    pub date: String,
    pub change: String,
    pub approved_by: String,
}

/// What the current build knows about the version it issues.
#[derive(Debug, Clone)]
pub struct Issue {
    pub version: String,
    pub date: String,
    /// The approver's name, or the pending-approval wording for a DRAFT.
    pub approved_by: String,
    /// The change text of a document's first row.
    pub first_issue: String,
}

/// What the previous build recorded for one document.
#[derive(Debug, Clone, Default)]
pub struct PreviousDoc<'a> {
    pub history: &'a [RevisionEntry],
    pub body_sha256: Option<&'a str>,
    pub sections: &'a [SectionHash],
}

/// A section of a document's text (its heading and a hash of what follows
/// it up to the next heading), as recorded in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionHash {
    pub heading: String,
    pub sha256: String,
}

/// The heading that opens the revision-history section in every template.
const HISTORY_ANCHOR: &str = "{#revision-history}";

/// A document's text without its revision-history section and without the
/// document-control table under its title, hashed, and its sections hashed
/// one by one.
pub fn body_fingerprint(markdown: &str) -> (String, Vec<SectionHash>) {
    let mut whole = Sha256::new();
    let mut sections: Vec<SectionHash> = Vec::new();
    let mut current_heading = String::new();
    let mut current = Sha256::new();
    let mut in_history = false;
    let mut in_code = false;
    let mut seen_section = false;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
        }
        let heading = (!in_code).then(|| heading_text(line)).flatten();
        let level = heading.as_ref().map(|(level, _)| *level);
        if let Some((level, text)) = heading {
            if in_history && level > 2 {
                continue;
            }
            let finished = std::mem::take(&mut current);
            if !in_history {
                sections.push(SectionHash {
                    heading: std::mem::take(&mut current_heading),
                    sha256: crate::pack::hex(&finished.finalize()),
                });
            }
            in_history = line.contains(HISTORY_ANCHOR);
            current_heading = text;
            if in_history {
                continue;
            }
        }
        if in_history {
            continue;
        }
        // The document-control table under the title carries the version,
        // status and dates of this issue: administrative, not the text.
        if !seen_section && trimmed.starts_with('|') {
            continue;
        }
        if level.is_some_and(|l| l >= 2) {
            seen_section = true;
        }
        whole.update(line.as_bytes());
        whole.update(b"\n");
        current.update(line.as_bytes());
        current.update(b"\n");
    }
    if !in_history {
        sections.push(SectionHash {
            heading: current_heading,
            sha256: crate::pack::hex(&current.finalize()),
        });
    }
    // The text before the first heading has an empty heading; drop it when
    // there was none.
    let empty = crate::pack::hex(&Sha256::new().finalize());
    sections.retain(|s| !(s.heading.is_empty() && s.sha256 == empty));
    (crate::pack::hex(&whole.finalize()), sections)
}

/// `## Title {#id}` → (2, "Title").
fn heading_text(line: &str) -> Option<(usize, String)> {
    let level = line.chars().take_while(|c| *c == '#').count();
    if level == 0 || level > 6 || !line[level..].starts_with(' ') {
        return None;
    }
    let mut text = line[level..].trim();
    if let Some(open) = text.rfind("{#")
        && text.ends_with('}')
    {
        text = text[..open].trim_end();
    }
    Some((level, unescape(text)))
}

/// Undo Markdown backslash escapes, so a heading reads as it is displayed.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && next.is_ascii_punctuation()
        {
            out.push(next);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

/// The headings of sections that differ between two fingerprints, in the
/// new document's order, followed by sections that were removed.
pub fn changed_sections(old: &[SectionHash], new: &[SectionHash]) -> Vec<String> {
    let mut out = Vec::new();
    for s in new {
        let same = old
            .iter()
            .any(|o| o.heading == s.heading && o.sha256 == s.sha256);
        if !same && !s.heading.is_empty() && !out.contains(&s.heading) {
            out.push(s.heading.clone());
        }
    }
    for o in old {
        if !o.heading.is_empty()
            && !new.iter().any(|s| s.heading == o.heading)
            && !out.contains(&o.heading)
        {
            out.push(o.heading.clone());
        }
    }
    out
}

/// The rows a document's table shows in this build.
///
/// - no earlier record: one row, the first issue;
/// - same version as the last recorded row: the earlier rows, and the last
///   row brought up to date (date and approver may have changed);
/// - a new version and unchanged text: the recorded rows plus a row saying
///   the document was reviewed without change (the table always ends at the
///   version and approval the document-control table shows);
/// - a new version and changed text: the recorded rows plus a row naming
///   the sections that changed.
pub fn rows_for(
    previous: Option<&PreviousDoc<'_>>,
    issue: &Issue,
    body_sha256: &str,
    sections: &[SectionHash],
    fields: &[String],
) -> Vec<RevisionEntry> {
    let row = |change: String| RevisionEntry {
        version: issue.version.clone(),
        date: issue.date.clone(),
        change,
        approved_by: issue.approved_by.clone(),
    };
    let Some(prev) = previous.filter(|p| !p.history.is_empty()) else {
        return vec![row(issue.first_issue.clone())];
    };
    let (last, earlier) = match prev.history.split_last() {
        Some(split) => split,
        None => return vec![row(issue.first_issue.clone())],
    };
    if last.version == issue.version {
        let mut rows = earlier.to_vec();
        rows.push(row(last.change.clone()));
        return rows;
    }
    if prev.body_sha256 == Some(body_sha256) {
        let mut rows = prev.history.to_vec();
        rows.push(row(format!(
            "Reviewed for version {}; text unchanged.",
            issue.version
        )));
        return rows;
    }
    let changed = changed_sections(prev.sections, sections);
    let mut change = match changed.len() {
        0 => format!("Revised for version {}", issue.version),
        1..=6 => format!("Revised: {}", changed.join("; ")),
        n => format!(
            "Revised: {}; and {} other sections",
            changed[..5].join("; "),
            n - 5
        ),
    };
    match fields.len() {
        0 => {}
        1..=3 => change.push_str(&format!(" (profile: {})", fields.join(", "))),
        n => change.push_str(&format!(
            " (profile: {} and {} more)",
            fields[..3].join(", "),
            n - 3
        )),
    }
    change.push('.');
    let mut rows = prev.history.to_vec();
    rows.push(row(change));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# Policy {#top}\n\nIntro.\n\n## Purpose {#purpose}\n\nWhy.\n\n## Roles {#roles}\n\nAna.\n\n### Detail\n\nMore.\n\n## Revision history {#revision-history}\n\n| Version | Date |\n|---|---|\n| 1.0 | 2026-01-01 |\n";

    fn issue(v: &str) -> Issue {
        Issue {
            version: v.into(),
            date: "2026-02-01".into(),
            approved_by: "Ana Pérez".into(),
            first_issue: "Issued.".into(),
        }
    }

    #[test]
    fn history_section_does_not_count() {
        let other = DOC.replace("| 1.0 | 2026-01-01 |", "| 2.0 | 2027-01-01 |");
        assert_eq!(body_fingerprint(DOC).0, body_fingerprint(&other).0);
        let edited = DOC.replace("Ana.", "Bo.");
        assert_ne!(body_fingerprint(DOC).0, body_fingerprint(&edited).0);
    }

    #[test]
    fn document_control_table_does_not_count() {
        let doc = DOC.replace("Intro.", "| Version | 1.0 |\n|---|---|");
        let bumped = doc.replace("| 1.0 |", "| 2.0 |");
        assert_eq!(body_fingerprint(&doc), body_fingerprint(&bumped));
        // A table in a section is text like any other.
        let tabled = DOC.replace("Why.", "| a | b |\n|---|---|");
        assert_ne!(body_fingerprint(&tabled).0, body_fingerprint(DOC).0);
    }

    #[test]
    fn changed_sections_are_named() {
        let (_, old) = body_fingerprint(DOC);
        let (_, new) = body_fingerprint(&DOC.replace("Ana.", "Bo."));
        assert_eq!(changed_sections(&old, &new), vec!["Roles".to_string()]);
        let (_, new) = body_fingerprint(&DOC.replace("More.", "Less."));
        assert_eq!(changed_sections(&old, &new), vec!["Detail".to_string()]);
    }

    #[test]
    fn rows_follow_versions() {
        let (sha, secs) = body_fingerprint(DOC);
        let first = rows_for(None, &issue("1.0"), &sha, &secs, &[]);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].change, "Issued.");

        // Same version: the row is kept, refreshed.
        let prev = PreviousDoc {
            history: &first,
            body_sha256: Some(&sha),
            sections: &secs,
        };
        assert_eq!(
            rows_for(Some(&prev), &issue("1.0"), &sha, &secs, &[]),
            first
        );

        // New version, same text: a row records the review.
        let reviewed = rows_for(Some(&prev), &issue("2.0"), &sha, &secs, &[]);
        assert_eq!(reviewed.len(), 2);
        assert_eq!(reviewed[0], first[0]);
        assert_eq!(reviewed[1].version, "2.0");
        assert_eq!(
            reviewed[1].change,
            "Reviewed for version 2.0; text unchanged."
        );
        assert_eq!(reviewed[1].approved_by, "Ana Pérez");

        // New version, changed text: a row naming the section.
        let (sha2, secs2) = body_fingerprint(&DOC.replace("Why.", "Because."));
        let rows = rows_for(Some(&prev), &issue("2.0"), &sha2, &secs2, &[]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].version, "2.0");
        assert_eq!(rows[1].change, "Revised: Purpose.");
        let fields = ["people.a.name".to_string()];
        let rows = rows_for(Some(&prev), &issue("2.0"), &sha2, &secs2, &fields);
        assert_eq!(rows[1].change, "Revised: Purpose (profile: people.a.name).");
    }
}
