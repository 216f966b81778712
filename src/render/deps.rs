//! What a template reads from its context, found by reading its source, so a
//! rebuild renders again only the documents whose inputs changed.
//!
//! The answer is an over-approximation, never an under-approximation: every
//! dotted name inside a tag (`{{ org.name }}`, `{% for v in vendors %}`,
//! `people[key]` → `people`) counts, whether it names the context, a loop
//! variable or a filter; whatever a template includes, imports or extends
//! counts with it; the functions that read the context ([`FUNCTION_READS`])
//! add what they read. A template that names `__tera_context`, or includes a
//! template by a computed name, depends on everything. A document whose
//! dependency hash ([`DepsHasher`]) is unchanged renders to the same text, so
//! its previous Markdown is used as it is.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Context names read by the template functions `render::register_functions`
/// installs (they read the render state, which the source does not show).
/// A new function that reads the context must be listed here.
pub const FUNCTION_READS: &[(&str, &str)] = &[("tag", "size"), ("doc_link", "doc_titles")];

/// What one template source reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reads {
    /// Dotted paths, shortest first where one is a prefix of another.
    pub paths: BTreeSet<String>,
    /// Templates it includes, imports or extends.
    pub templates: BTreeSet<String>,
    /// It may read anything (computed template names, `__tera_context`).
    pub everything: bool,
}

/// Scan one template source. `comment` is the comment opener and closer in
/// use (`{/`, `/}`): comments are skipped.
pub fn scan(src: &str) -> Reads {
    let mut reads = Reads::default();
    let b = src.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'{' && (b[i + 1] == b'{' || b[i + 1] == b'%' || b[i + 1] == b'/') {
            let close: &[u8] = match b[i + 1] {
                b'{' => b"}}",
                b'%' => b"%}",
                _ => b"/}",
            };
            let start = i + 2;
            let end = find(b, close, start).unwrap_or(b.len());
            if b[i + 1] != b'/' {
                scan_tag(&src[start..end], b[i + 1] == b'%', &mut reads);
            }
            i = end + 2;
        } else {
            i += 1;
        }
    }
    for (function, reads_name) in FUNCTION_READS {
        if reads.paths.contains(*function) {
            reads.paths.insert((*reads_name).to_string());
        }
    }
    reads
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Names and template references inside one tag.
fn scan_tag(tag: &str, statement: bool, reads: &mut Reads) {
    let b = tag.as_bytes();
    let mut i = 0;
    let mut words: Vec<String> = Vec::new(); // the tag's chains, in order
    let mut after_template_keyword = false;
    while i < b.len() {
        let c = b[i];
        if c == b'"' || c == b'\'' || c == b'`' {
            let end = b[i + 1..]
                .iter()
                .position(|&x| x == c)
                .map_or(b.len(), |p| i + 1 + p);
            if after_template_keyword {
                reads
                    .templates
                    .insert(tag[i + 1..end.min(b.len())].to_string());
                after_template_keyword = false;
            }
            i = end + 1;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            // A dotted chain of identifiers; it stops at `[`, `(`, a digit
            // segment or anything else, so what is kept is a prefix of the
            // path really read (a prefix covers more, never less).
            loop {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                if i + 1 < b.len()
                    && b[i] == b'.'
                    && (b[i + 1].is_ascii_alphabetic() || b[i + 1] == b'_')
                {
                    i += 1;
                    continue;
                }
                break;
            }
            let chain = &tag[start..i];
            if after_template_keyword {
                // `{% include some_variable %}`: a computed template name.
                reads.everything = true;
                after_template_keyword = false;
            }
            if statement
                && words.is_empty()
                && matches!(chain, "include" | "import" | "extends" | "from")
            {
                after_template_keyword = true;
            } else if chain == "__tera_context" {
                reads.everything = true;
            }
            words.push(chain.to_string());
            reads.paths.insert(chain.to_string());
            continue;
        }
        if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            continue;
        }
        i += 1;
    }
    if after_template_keyword {
        reads.everything = true;
    }
}

/// Everything `root` reads, through the templates it includes.
pub fn closure(root: &str, sources: &BTreeMap<String, Reads>) -> Reads {
    let mut out = Reads::default();
    let mut seen = BTreeSet::new();
    let mut todo = vec![root.to_string()];
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        match sources.get(&name) {
            Some(r) => {
                out.paths.extend(r.paths.iter().cloned());
                out.everything |= r.everything;
                for t in &r.templates {
                    out.templates.insert(t.clone());
                    todo.push(t.clone());
                }
            }
            // Tera resolves names we do not know; assume the worst.
            None if name != root => out.everything = true,
            None => {}
        }
    }
    out
}

/// Hashes the context values a template reads, memoizing each path's hash
/// (documents share most of their paths).
pub struct DepsHasher<'a> {
    base: &'a Value,
    memo: BTreeMap<String, [u8; 32]>,
    everything: Option<[u8; 32]>,
}

impl<'a> DepsHasher<'a> {
    pub fn new(base: &'a Value) -> DepsHasher<'a> {
        DepsHasher {
            base,
            memo: BTreeMap::new(),
            everything: None,
        }
    }

    fn value_hash(v: Option<&Value>) -> [u8; 32] {
        let mut h = Sha256::new();
        match v {
            Some(v) => h.update(serde_json::to_vec(v).unwrap_or_default()),
            None => h.update(b"\0absent"),
        }
        h.finalize().into()
    }

    fn path_hash(&self, path: &str) -> [u8; 32] {
        if let Some(h) = self.memo.get(path) {
            return *h;
        }
        let mut v = Some(self.base);
        for seg in path.split('.') {
            v = v.and_then(|x| x.get(seg));
        }
        Self::value_hash(v)
    }

    /// Hash, once, every value `reads` reads, so that [`DepsHasher::hash`]
    /// (shared between threads, so read-only) finds them made.
    pub fn prepare(&mut self, reads: &Reads) {
        if reads.everything {
            if self.everything.is_none() {
                self.everything = Some(Self::value_hash(Some(self.base)));
            }
            return;
        }
        for path in &reads.paths {
            if path == "doc" || path.starts_with("doc.") || self.memo.contains_key(path) {
                continue;
            }
            let h = self.path_hash(path);
            self.memo.insert(path.clone(), h);
        }
    }

    /// The hash of what `reads` reads from the pack-wide context, with
    /// `salt` (generator, templates, the document's own context) mixed in.
    /// Values not [`prepare`](DepsHasher::prepare)d are hashed here, every time.
    pub fn hash(&self, reads: &Reads, salt: &[u8]) -> String {
        let mut h = Sha256::new();
        h.update(salt);
        if reads.everything {
            let all = self
                .everything
                .unwrap_or_else(|| Self::value_hash(Some(self.base)));
            h.update(b"\0everything");
            h.update(all);
        } else {
            for path in &reads.paths {
                // `doc` is the document's own part, hashed whole in `salt`.
                if path == "doc" || path.starts_with("doc.") {
                    continue;
                }
                h.update(path.as_bytes());
                h.update([0]);
                h.update(self.path_hash(path));
            }
        }
        crate::pack::hex(&h.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_tags_are_read_prose_and_comments_are_not() {
        let r = scan(
            "people say {{ org.name }} and {% for v in vendors %}{{ v.contact | upper }}{% endfor %}\n{/ pack.secret /}{{ people[doc.owner].name }} {{ tag(ids=[\"1.M.A\"]) }}",
        );
        for p in [
            "org.name",
            "vendors",
            "v.contact",
            "people",
            "doc.owner",
            "size",
            "tag",
        ] {
            assert!(r.paths.contains(p), "{p} in {:?}", r.paths);
        }
        assert!(!r.paths.contains("pack.secret"), "comment skipped");
        assert!(!r.paths.contains("say"), "prose skipped");
        assert!(!r.everything);
    }

    #[test]
    fn includes_are_followed_and_computed_names_mean_everything() {
        let mut sources = BTreeMap::new();
        sources.insert(
            "doc".to_string(),
            scan("{% include \"partials/head\" %}{{ a.b }}"),
        );
        sources.insert("partials/head".to_string(), scan("{{ pack.version }}"));
        let c = closure("doc", &sources);
        assert!(c.paths.contains("pack.version") && c.paths.contains("a.b"));
        assert!(!c.everything);
        assert!(scan("{% include name_var %}").everything);
        assert!(scan("{{ __tera_context }}").everything);
        sources.insert("x".to_string(), scan("{% include \"missing\" %}"));
        assert!(closure("x", &sources).everything, "unknown include");
    }

    #[test]
    fn hash_follows_the_values_read_and_only_those() {
        let base = serde_json::json!({"org": {"name": "A", "phone": "1"}, "vendors": [1]});
        let reads = scan("{{ org.name }}");
        let h1 = DepsHasher::new(&base).hash(&reads, b"s");
        let other_phone = serde_json::json!({"org": {"name": "A", "phone": "2"}, "vendors": [2]});
        assert_eq!(h1, DepsHasher::new(&other_phone).hash(&reads, b"s"));
        let other_name = serde_json::json!({"org": {"name": "B", "phone": "1"}, "vendors": [1]});
        assert_ne!(h1, DepsHasher::new(&other_name).hash(&reads, b"s"));
        assert_ne!(h1, DepsHasher::new(&base).hash(&reads, b"t"), "salt counts");
    }
}
