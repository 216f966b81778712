//! The pack's revision history across builds: what was issued, what left
//! the pack, and the versions and dates a new build may not contradict.

use super::*;

/// The documents withdrawn as of this build: those the previous pack had or
/// had withdrawn, and this one does not.
pub(super) fn withdrawn_docs(
    prev: &Manifest,
    rendered: &RenderedPack,
    version: &str,
    date: &str,
) -> Vec<WithdrawnDoc> {
    let in_pack = |id: &str| rendered.documents.iter().any(|d| d.meta.id == id);
    let mut out: Vec<WithdrawnDoc> = prev
        .withdrawn
        .iter()
        .filter(|w| !in_pack(&w.id))
        .cloned()
        .collect();
    for d in prev.documents.iter().filter(|d| !in_pack(&d.id)) {
        if out.iter().any(|w| w.id == d.id) {
            continue;
        }
        out.push(WithdrawnDoc {
            id: d.id.clone(),
            title: d.title.clone(),
            withdrawn_in: version.to_string(),
            withdrawn_on: date.to_string(),
            history: d.history.clone(),
            body_sha256: d.issued_sha256.clone().or_else(|| d.body_sha256.clone()),
            sections: if d.issued_sha256.is_some() {
                d.issued_sections.clone()
            } else {
                d.sections.clone()
            },
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Profile values that are the issue's own facts: they may change under the
/// same version (a corrected date, an approval given) without the text's
/// content changing.
pub(super) const ISSUE_FACTS: &[&str] = &[
    "documents.version",
    "documents.effective_date",
    "documents.approved_by",
    "documents.approved_on",
];

/// A version's parts as numbers ("2.10" → [2, 10]), for ordering; None for
/// a version that is not dotted numbers ("2026-A").
fn version_parts(v: &str) -> Option<Vec<u64>> {
    v.split('.').map(|p| p.trim().parse().ok()).collect()
}

/// Versions move forward and an approval belongs to the version it was given
/// for: checked against the versions this pack has already issued (the
/// revision histories of its previous manifest). A version issued before
/// would add a second row for it after a later one; an approval dated before
/// the previous version took effect cannot be an approval of this one, yet
/// every document would print it.
pub(super) fn check_issue_against_history(
    loaded: &Loaded,
    prev: &Manifest,
    issue: &crate::revision::Issue,
) -> Result<(), BuildError> {
    let docs = &loaded.profile.documents;
    // Every version issued before this one, with the date it took effect.
    let mut earlier: BTreeMap<&str, &str> = BTreeMap::new();
    let mut issued: Vec<&str> = Vec::new();
    for row in prev.documents.iter().flat_map(|d| &d.history) {
        if !issued.contains(&row.version.as_str()) {
            issued.push(&row.version);
        }
        if row.version != issue.version {
            let date = earlier.entry(&row.version).or_insert(&row.date);
            if row.date.as_str() > *date {
                *date = &row.date;
            }
        }
    }
    let Some((latest_version, latest_date)) = earlier
        .iter()
        .max_by(|a, b| a.1.cmp(b.1))
        .map(|(v, d)| (*v, *d))
    else {
        return Ok(());
    };
    let new_version = prev.version != issue.version;
    let reissued = new_version && issued.contains(&issue.version.as_str());
    let backwards = new_version
        && matches!(
            (version_parts(&issue.version), version_parts(&prev.version)),
            (Some(a), Some(b)) if a < b
        );
    if reissued || backwards {
        let d = loaded
            .diagnostic_at(
                &["documents", "version"],
                None,
                format!(
                    "version {} {} (versions issued in this pack: {}; last built at {}): a new issue needs a version after {}",
                    issue.version,
                    if reissued { "was already issued" } else { "comes before the version this pack was last built at" },
                    issued.join(", "),
                    prev.version,
                    prev.version,
                ),
            )
            .with_hint(format!(
                "set documents.version to a version after {}, or build into an empty folder to start a new history",
                prev.version
            ));
        return Err(BuildError::Profile(profile::Diagnostics::one(d)));
    }
    if new_version && issue.date.as_str() < latest_date {
        let d = loaded
            .diagnostic_at(
                &["documents", "effective_date"],
                None,
                format!(
                    "version {} takes effect on {}, before version {latest_version} (in effect from {latest_date})",
                    issue.version, issue.date
                ),
            )
            .with_hint(format!(
                "a new version takes effect on or after {latest_date}: set documents.effective_date"
            ));
        return Err(BuildError::Profile(profile::Diagnostics::one(d)));
    }
    if docs.approved_by.is_some()
        && let Some(on) = &docs.approved_on
        && on.to_string().as_str() < latest_date
    {
        let d = loaded
            .diagnostic_at(
                &["documents", "approved_on"],
                None,
                format!(
                    "the approval is dated {on}, before version {latest_version} took effect ({latest_date}): it approved an earlier version, not version {}",
                    issue.version
                ),
            )
            .with_hint(format!(
                "set documents.approved_on to the date version {} was approved, or remove approved_by and approved_on to build it as a DRAFT",
                issue.version
            ));
        return Err(BuildError::Profile(profile::Diagnostics::one(d)));
    }
    Ok(())
}

/// The notice for a build that asks fewer formats than the pack had (a
/// quick `-f md,html` preview into the real pack folder): the other files
/// are removed, since a pack holds what its last build made.
pub(super) fn dropped_formats_notice(previous: &Previous, formats: &[Format]) -> Option<String> {
    let had: BTreeSet<&str> = previous
        .manifest
        .documents
        .iter()
        .flat_map(|d| d.outputs.keys().map(String::as_str))
        .collect();
    let dropped: Vec<&str> = had
        .into_iter()
        .filter(|f| !formats.iter().any(|x| x.as_str() == *f))
        .collect();
    if dropped.is_empty() {
        return None;
    }
    let asked: Vec<&str> = formats.iter().map(|f| f.as_str()).collect();
    Some(format!(
        "this build makes {} only: the pack's {} files from the previous build are removed; build with -f {} to keep them, or preview into another folder with -o",
        asked.join(", "),
        dropped.join(", "),
        asked
            .iter()
            .chain(dropped.iter())
            .copied()
            .collect::<Vec<_>>()
            .join(",")
    ))
}

/// The lasting warning for documents whose text changed after their
/// version was issued (`ManifestDoc::changed_after_issue`): repeated by every
/// build while it holds, and kept in the manifest for `hicp check`.
pub(super) fn changed_after_issue_warning(
    info: &PackInfo,
    documents: &[ManifestDoc],
) -> Option<String> {
    let ids: Vec<&str> = documents
        .iter()
        .filter(|d| d.changed_after_issue)
        .map(|d| d.id.as_str())
        .collect();
    let n = ids.len();
    if n == 0 {
        return None;
    }
    let shown = ids[..n.min(3)].join(", ");
    let more = if n > 3 {
        format!(" and {} more", n - 3)
    } else {
        String::new()
    };
    let approval = if info.approved {
        format!(
            "; the approval they show ({}) was given for the text as issued",
            info.status_line
        )
    } else {
        String::new()
    };
    Some(format!(
        "{n} document(s) changed text after version {} was issued ({shown}{more}){approval}: raise documents.version and effective_date{} to issue the change",
        info.version,
        if info.approved {
            ", and approve it again"
        } else {
            ""
        }
    ))
}
