//! The variables a template names, each with its line, so that a misspelt
//! name is refused before anything renders.
//!
//! Tera 2 reads a name that is not defined as false inside `{% if %}`: a
//! template that tests `{% if tech.ehr.hostng %}` or `{% if orgg %}` drops
//! its paragraph for every profile without a word. The context hicp builds
//! has every key present (`null` when the profile leaves it out,
//! [`super::context`]), so a name whose root is not a context key, nor a
//! variable the template sets, loops over or declares, is a typo; and in
//! the context objects whose keys do not depend on the profile
//! ([`FIXED_SHAPE`]) a key that is not there is a typo too.
//!
//! Unlike [`super::deps`], which may over-approximate, this scan must not
//! report a name that is not a variable: filter and test names, keyword
//! arguments, function names, map keys and component calls are told apart
//! from the names they apply to.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::RenderError;
use crate::library::Library;

/// Context objects whose keys are the same for every profile: a key missing
/// from one of them is a typo. (`people`, `sp`, `doc_titles` and the lists
/// have keys that follow the profile or the catalog.)
pub const FIXED_SHAPE: &[&str] = &[
    "tech",
    "org",
    "pack",
    "care",
    "backup",
    "it_team",
    "doc",
    "gap_due",
    "assessment",
    "it",
    "ir",
];

/// Names Tera itself gives meaning to inside a tag: keywords, literals and
/// the loop variable.
const TERA_WORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "is",
    "if",
    "else",
    "for",
    "true",
    "True",
    "false",
    "False",
    "none",
    "None",
    "null",
    "loop",
    "self",
    "super",
    "body",
    "__tera_context",
];

/// A dotted name a template reads, at its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameRef {
    pub path: String,
    pub line: usize,
}

/// A call of a function with literal arguments, as `tag(ids=["3.S.A"])` or
/// `doc_link(id="incident-response-plan")`: the keyword arguments whose value
/// is a string or a list of strings, with those strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub function: String,
    pub line: usize,
    pub args: Vec<(String, Vec<String>)>,
}

/// What one template source names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    pub refs: Vec<NameRef>,
    /// Names the template binds: `set`, `set_global`, `for` variables,
    /// component names and parameters.
    pub locals: BTreeSet<String>,
    pub calls: Vec<Call>,
    /// The paths in `refs`.
    seen: BTreeSet<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    Ident(&'a str),
    Str(&'a str),
    Num,
    Punct(&'a str),
}

/// Scan one template source (comments written `{/ … /}`, as hicp sets Tera).
pub fn scan(src: &str) -> Names {
    let mut out = Names::default();
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(src.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |at: usize| line_starts.partition_point(|&s| s <= at);
    let b = src.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] != b'{' || !matches!(b[i + 1], b'{' | b'%' | b'/') {
            i += 1;
            continue;
        }
        let kind = b[i + 1];
        let start = i + 2;
        if kind == b'/' {
            i = find(b, b"/}", start).map_or(b.len(), |e| e + 2);
            continue;
        }
        let close: &[u8] = if kind == b'{' { b"}}" } else { b"%}" };
        let end = tag_end(b, start, close);
        let tokens = tokenize(&src[start..end], start, &line_of);
        i = end + 2;
        if kind == b'%' {
            let first = tokens.iter().find_map(|(t, _)| match t {
                Tok::Ident(w) => Some(*w),
                _ => None,
            });
            if first == Some("raw") {
                // Nothing up to `{% endraw %}` is Tera.
                i = find(b, b"endraw", i)
                    .map_or(b.len(), |e| find(b, b"%}", e).map_or(b.len(), |c| c + 2));
                continue;
            }
            statement(&tokens, &mut out);
        } else {
            expression(&tokens, 0, &mut out);
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Where the tag opened before `start` closes, skipping string literals (a
/// `}}` inside a string does not end a tag).
fn tag_end(b: &[u8], start: usize, close: &[u8]) -> usize {
    let mut i = start;
    while i + 1 < b.len() {
        match b[i] {
            q @ (b'"' | b'\'' | b'`') => {
                i = b[i + 1..]
                    .iter()
                    .position(|&c| c == q)
                    .map_or(b.len(), |p| i + 2 + p);
            }
            _ if &b[i..i + 2] == close => return i,
            _ => i += 1,
        }
    }
    b.len()
}

fn tokenize<'a>(
    tag: &'a str,
    offset: usize,
    line_of: &dyn Fn(usize) -> usize,
) -> Vec<(Tok<'a>, usize)> {
    const PUNCT2: &[&str] = &["==", "!=", "<=", ">=", "//", "**"];
    let b = tag.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let line = line_of(offset + i);
        if c.is_ascii_whitespace() {
            i += 1;
        } else if matches!(c, b'"' | b'\'' | b'`') {
            let end = b[i + 1..]
                .iter()
                .position(|&x| x == c)
                .map_or(b.len(), |p| i + 1 + p);
            out.push((Tok::Str(&tag[i + 1..end]), line));
            i = end + 1;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((Tok::Ident(&tag[start..i]), line));
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            // A decimal point followed by digits belongs to the number.
            if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
                i += 1;
                while i < b.len() && b[i].is_ascii_alphanumeric() {
                    i += 1;
                }
            }
            out.push((Tok::Num, line));
        } else if tag[i..].starts_with("...") {
            out.push((Tok::Punct("..."), line));
            i += 3;
        } else if let Some(p) = PUNCT2.iter().find(|p| tag[i..].starts_with(**p)) {
            out.push((Tok::Punct(p), line));
            i += 2;
        } else {
            let len = tag[i..].chars().next().map_or(1, char::len_utf8);
            out.push((Tok::Punct(&tag[i..i + len]), line));
            i += len;
        }
    }
    out
}

/// A `{% … %}` tag: bound names go to `locals`, read names to `refs`.
fn statement(tokens: &[(Tok<'_>, usize)], out: &mut Names) {
    // `{%-` and `-%}` leave a `-` at either end.
    let Some(first) = tokens.iter().position(|(t, _)| *t != Tok::Punct("-")) else {
        return;
    };
    let Tok::Ident(keyword) = tokens[first].0 else {
        expression(tokens, first, out);
        return;
    };
    let rest = first + 1;
    match keyword {
        "if" | "elif" => expression(tokens, rest, out),
        "for" => {
            let body = tokens[rest..]
                .iter()
                .position(|(t, _)| *t == Tok::Ident("in"))
                .map_or(tokens.len(), |p| rest + p);
            for (t, _) in &tokens[rest..body] {
                if let Tok::Ident(name) = t {
                    out.locals.insert((*name).to_string());
                }
            }
            expression(tokens, body, out);
        }
        "set" | "set_global" => {
            if let Some((Tok::Ident(name), _)) = tokens.get(rest) {
                out.locals.insert((*name).to_string());
            }
            let value = tokens[rest..]
                .iter()
                .position(|(t, _)| *t == Tok::Punct("="))
                .map_or(tokens.len(), |p| rest + p + 1);
            expression(tokens, value, out);
        }
        // A Tera 1 `macro` is refused by Tera 2's parser, with a hint; its
        // parameters are bound like a component's until then.
        "component" | "macro" => {
            // The name and every parameter are bound inside the template.
            for (t, _) in &tokens[rest..] {
                if let Tok::Ident(name) = t {
                    out.locals.insert((*name).to_string());
                }
            }
        }
        // Template names, block names, filter sections and end tags.
        "include" | "extends" | "import" | "from" | "block" | "endblock" | "filter"
        | "endfilter" | "endif" | "endfor" | "else" | "endcomponent" | "break" | "continue"
        | "endraw" | "endmacro" => {}
        _ => expression(tokens, first, out),
    }
}

/// The names read by the tokens from `from` on.
fn expression(tokens: &[(Tok<'_>, usize)], from: usize, out: &mut Names) {
    let tok = |k: usize| tokens.get(k).map(|(t, _)| *t);
    let mut k = from;
    while k < tokens.len() {
        let (Tok::Ident(name), line) = tokens[k] else {
            k += 1;
            continue;
        };
        if name == "for" {
            // A comprehension, `[s for s in subpractices if …]`: its
            // variables are bound.
            k += 1;
            while let Some(Tok::Ident(v) | Tok::Punct(v)) = tok(k) {
                if v == "in" {
                    break;
                }
                if v != "," {
                    out.locals.insert(v.to_string());
                }
                k += 1;
            }
            continue;
        }
        let mut segments = vec![name];
        let mut j = k;
        while tok(j + 1) == Some(Tok::Punct(".")) {
            match tok(j + 2) {
                Some(Tok::Ident(s)) => {
                    segments.push(s);
                    j += 2;
                }
                _ => break,
            }
        }
        let prev = k.checked_sub(1).and_then(tok);
        let prev2 = k.checked_sub(2).and_then(tok);
        let next = tok(j + 1);
        let after_next = tok(j + 2);
        k = j + 1;
        if next == Some(Tok::Punct("(")) {
            if segments.len() == 1 && prev != Some(Tok::Punct("|")) {
                out.calls.push(call(tokens, name, line, j + 1));
            }
            continue;
        }
        let attribute = prev == Some(Tok::Punct("."));
        let filter = prev == Some(Tok::Punct("|"));
        let test = prev == Some(Tok::Ident("is"))
            || (prev == Some(Tok::Ident("not")) && prev2 == Some(Tok::Ident("is")));
        let keyword_arg = next == Some(Tok::Punct("="));
        let map_key = next == Some(Tok::Punct(":"));
        // `<contact person={…} />`: a component call, not `a < b`.
        let component = prev == Some(Tok::Punct("<"))
            && (matches!(next, Some(Tok::Punct("/" | ">" | "...")))
                || (matches!(next, Some(Tok::Ident(_))) && after_next == Some(Tok::Punct("="))));
        if attribute
            || filter
            || test
            || keyword_arg
            || map_key
            || component
            || TERA_WORDS.contains(&name)
        {
            continue;
        }
        let path = segments.join(".");
        // The first place a name is written is the one reported; the same
        // name again (`org.name` is read hundreds of times) adds nothing.
        if out.seen.insert(path.clone()) {
            out.refs.push(NameRef { path, line });
        }
    }
}

/// The literal keyword arguments of the call whose `(` is at `open`.
fn call(tokens: &[(Tok<'_>, usize)], function: &str, line: usize, open: usize) -> Call {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut k = open;
    while k < tokens.len() {
        match tokens[k].0 {
            Tok::Punct("(" | "[" | "{") => depth += 1,
            Tok::Punct(")" | "]" | "}") => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            Tok::Ident(key)
                if depth == 1 && tokens.get(k + 1).map(|t| t.0) == Some(Tok::Punct("=")) =>
            {
                let mut strings = Vec::new();
                let mut m = k + 2;
                let literal = match tokens.get(m).map(|t| t.0) {
                    Some(Tok::Str(s)) => {
                        strings.push(s.to_string());
                        true
                    }
                    Some(Tok::Punct("[")) => {
                        m += 1;
                        loop {
                            match tokens.get(m).map(|t| t.0) {
                                Some(Tok::Str(s)) => strings.push(s.to_string()),
                                Some(Tok::Punct(",")) => {}
                                Some(Tok::Punct("]")) => break true,
                                _ => break false,
                            }
                            m += 1;
                        }
                    }
                    _ => false,
                };
                if literal {
                    args.push((key.to_string(), strings));
                }
            }
            _ => {}
        }
        k += 1;
    }
    Call {
        function: function.to_string(),
        line,
        args,
    }
}

/// A name a template reads that the context does not have.
#[derive(Debug)]
pub struct Unknown {
    /// The Tera name of the template, so the caller can tell a template
    /// that does not parse (whose names may be misread) from a typo.
    pub template: String,
    pub error: Box<RenderError>,
}

/// Check every template of the library against the pack-wide context
/// `base` and the shape of a document's `doc` (`doc`), whether or not its
/// document is in this pack. The first unknown name, in template order.
///
/// A library of built-in templates only is not checked: what they name
/// does not depend on the profile (null objects are checked through their
/// shape, [`super::context::fill_shape`]), so the test suite checks them
/// once with [`check_all`], and a build saves the milliseconds.
pub fn check(library: &Library, base: &Map<String, Value>, doc: &Value) -> Result<(), Unknown> {
    if !library.has_overrides() {
        return Ok(());
    }
    check_all(library, base, doc)
}

/// [`check`], built-in templates included whatever the library holds.
pub fn check_all(library: &Library, base: &Map<String, Value>, doc: &Value) -> Result<(), Unknown> {
    let names = library.names();
    // A partial sees the variables of the templates that include it.
    let mut seen_by: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let reads = library.reads();
    for (name, n) in names {
        let mut todo: Vec<&str> = vec![name.as_str()];
        let mut done = BTreeSet::new();
        while let Some(t) = todo.pop() {
            if !done.insert(t) {
                continue;
            }
            seen_by
                .entry(t)
                .or_default()
                .extend(n.locals.iter().map(String::as_str));
            if let Some(r) = reads.get(t) {
                todo.extend(r.templates.iter().map(String::as_str));
            }
        }
    }
    let mut shapes: BTreeMap<&str, Value> = BTreeMap::new();
    for root in FIXED_SHAPE {
        let mut v = if *root == "doc" {
            doc.clone()
        } else {
            base.get(*root).cloned().unwrap_or(Value::Null)
        };
        super::context::fill_shape(root, &mut v);
        shapes.insert(root, v);
    }
    for source in library.sources() {
        let Some(n) = names.get(&source.name) else {
            continue;
        };
        let locals = seen_by.get(source.name.as_str());
        let is_local = |s: &str| locals.is_some_and(|l| l.contains(s));
        for r in &n.refs {
            let mut segments = r.path.split('.');
            let root = segments.next().unwrap_or_default();
            if is_local(root) {
                continue;
            }
            if !base.contains_key(root) && root != "doc" {
                let candidates: Vec<&str> = base
                    .keys()
                    .map(String::as_str)
                    .chain(["doc"])
                    .chain(locals.into_iter().flatten().copied())
                    .collect();
                return Err(unknown(
                    source,
                    r,
                    format!("`{root}` is not a variable of the template context"),
                    crate::suggest::did_you_mean(root, candidates),
                ));
            }
            let Some(mut value) = shapes.get(root) else {
                continue;
            };
            let mut walked = root.to_string();
            for seg in segments {
                let Value::Object(m) = value else { break };
                match m.get(seg) {
                    Some(v) => value = v,
                    None => {
                        return Err(unknown(
                            source,
                            r,
                            format!("`{walked}` has no key `{seg}`"),
                            crate::suggest::did_you_mean(seg, m.keys().map(String::as_str))
                                .map(|s| format!("{walked}.{s}"))
                                .as_deref(),
                        ));
                    }
                }
                walked.push('.');
                walked.push_str(seg);
            }
        }
    }
    Ok(())
}

fn unknown(
    source: &crate::library::TemplateSource,
    r: &NameRef,
    problem: String,
    suggestion: Option<&str>,
) -> Unknown {
    let mut hint = suggestion
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    hint.push_str(
        "docs/templates.md lists the context; Tera reads a name it does not know as false in `{% if %}`, so hicp refuses it wherever it is written",
    );
    Unknown {
        template: source.name.clone(),
        error: Box::new(RenderError::UnknownName {
            origin: source.origin.to_string(),
            line: r.line,
            name: r.path.clone(),
            problem,
            hint,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(src: &str) -> Vec<String> {
        scan(src).refs.into_iter().map(|r| r.path).collect()
    }

    #[test]
    fn variables_are_told_from_filters_tests_arguments_and_keywords() {
        let src = "{% if tech.ehr and not orgg is defined %}{{ vendors | join(sep=x) }}{% endif %}\n\
                   {% for k, v in sp %}{{ v.name | default(value=loop.index) }}{% endfor %}\n\
                   {% set n = people[key].name %}{{ n is starting_with(\"a\") }}\n\
                   {{ <contact person={people.it} /> }} {{ a < b }}\n{/ {{ hidden }} /}\n\
                   {% set open = [s.id for s in subpractices if s.id in doc.practices] %}";
        assert_eq!(
            paths(src),
            [
                "tech.ehr",
                "orgg",
                "vendors",
                "x",
                "sp",
                "v.name",
                "people",
                "key",
                "n",
                "people.it",
                "a",
                "b",
                "s.id",
                "subpractices",
                "doc.practices"
            ]
        );
        let n = scan(src);
        for l in ["k", "v", "n", "s", "open"] {
            assert!(n.locals.contains(l), "{l}");
        }
    }

    #[test]
    fn lines_and_literal_calls_are_kept() {
        let n =
            scan("a\n\n{{ tag(ids=[\"3.S.A\", \"3.X.Q\"]) }}\n{{ doc_link(id=\"x\", anchor=a) }}");
        assert_eq!(n.calls[0].function, "tag");
        assert_eq!(n.calls[0].line, 3);
        assert_eq!(
            n.calls[0].args,
            [(
                "ids".to_string(),
                vec!["3.S.A".to_string(), "3.X.Q".to_string()]
            )]
        );
        assert_eq!(n.calls[1].args, [("id".to_string(), vec!["x".to_string()])]);
        assert_eq!(
            n.refs,
            [NameRef {
                path: "a".into(),
                line: 4
            }]
        );
    }

    #[test]
    fn raw_blocks_and_strings_are_not_read() {
        assert!(paths("{% raw %}{{ nope }}{% endraw %}{{ \"}}\" ~ yes }}") == ["yes"]);
    }
}
