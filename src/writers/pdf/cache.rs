//! The documents' finished pages kept between builds, so that after one
//! profile value changes the binder is assembled from the pages of the
//! documents that did not change instead of setting them all again.
//!
//! One file per pack, beside it in the output folder (`.<slug>.pages`, like
//! the lock file): it is not part of the pack, and losing it only costs
//! time. Each document's entry carries the key its PDF was built from (the
//! same key that decides whether the PDF itself is reused); an entry whose
//! key differs, or a file that does not read back exactly, is ignored.
//!
//! Layout: `HICP-PAGES <format>\n`, the length of the metadata (8 bytes,
//! little-endian), the metadata as JSON, then the page streams back to back.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::DocPages;
use super::content::GlyphSet;
use super::display::{Dest, LinkArea, OutlineEntry};
use super::fonts::Face;
use super::tags::{FlatTree, Tree};

/// Format 2 added each document's structure tree (tagged PDF): a file of
/// format 1 is not read (its pages lack marked content).
const MAGIC: &[u8] = b"HICP-PAGES 2\n";

#[derive(Serialize, Deserialize)]
struct Meta {
    generator: String,
    docs: Vec<DocMeta>,
}

#[derive(Serialize, Deserialize)]
struct DocMeta {
    id: String,
    key: String,
    /// (offset into the stream area, length, deflated) per page.
    pages: Vec<(u64, u64, bool)>,
    glyphs: Vec<(Face, Vec<(u16, char)>)>,
    draws_logo: bool,
    anchors: Vec<(String, String, Dest)>,
    outline: Vec<OutlineEntry>,
    links: Vec<LinkArea>,
    tree: FlatTree,
    missing: BTreeMap<String, BTreeSet<char>>,
}

/// The cache file's bytes for these documents, each with its PDF key.
pub fn encode(docs: &[(&str, &DocPages)]) -> Vec<u8> {
    let mut blob_len = 0u64;
    let mut metas = Vec::with_capacity(docs.len());
    for (key, p) in docs {
        let pages = p
            .bodies
            .iter()
            .map(|(bytes, deflated)| {
                let at = blob_len;
                blob_len += bytes.len() as u64;
                (at, bytes.len() as u64, *deflated)
            })
            .collect();
        metas.push(DocMeta {
            id: p.id.clone(),
            key: (*key).to_string(),
            pages,
            glyphs: p.glyphs.faces(),
            draws_logo: p.draws_logo,
            anchors: p
                .anchors
                .iter()
                .map(|((d, a), dest)| (d.clone(), a.clone(), *dest))
                .collect(),
            outline: p.outline.clone(),
            links: p.links.clone(),
            tree: p.tree.to_flat(),
            missing: p.missing.clone(),
        });
    }
    let meta = serde_json::to_vec(&Meta {
        generator: crate::pack::GENERATOR_VERSION.to_string(),
        docs: metas,
    })
    .unwrap_or_default();
    let mut out = Vec::with_capacity(MAGIC.len() + 8 + meta.len() + blob_len as usize);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(meta.len() as u64).to_le_bytes());
    out.extend_from_slice(&meta);
    for (_, p) in docs {
        for (bytes, _) in &p.bodies {
            out.extend_from_slice(bytes);
        }
    }
    out
}

/// The documents' pages in a cache file, by document id with their PDF
/// keys; `None` when the file is not one this version wrote whole.
pub fn decode(bytes: &[u8]) -> Option<BTreeMap<String, (String, DocPages)>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let len = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?) as usize;
    let meta: Meta = serde_json::from_slice(rest.get(8..8usize.checked_add(len)?)?).ok()?;
    if meta.generator != crate::pack::GENERATOR_VERSION {
        return None;
    }
    let blob = &rest[8 + len..];
    let mut out = BTreeMap::new();
    for d in meta.docs {
        let mut bodies = Vec::with_capacity(d.pages.len());
        for (at, n, deflated) in d.pages {
            let (at, n) = (usize::try_from(at).ok()?, usize::try_from(n).ok()?);
            bodies.push((blob.get(at..at.checked_add(n)?)?.to_vec(), deflated));
        }
        let pages = DocPages {
            id: d.id.clone(),
            bodies,
            glyphs: GlyphSet::from_faces(&d.glyphs),
            draws_logo: d.draws_logo,
            anchors: d
                .anchors
                .into_iter()
                .map(|(doc, a, dest)| ((doc, a), dest))
                .collect(),
            outline: d.outline,
            links: d.links,
            tree: Tree::from_flat(d.tree)?,
            missing: d.missing,
            warnings: BTreeSet::new(),
        };
        out.insert(d.id, (d.key, pages));
    }
    Some(out)
}
