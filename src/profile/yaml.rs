//! A YAML tree that remembers where every node came from.
//!
//! serde stops at the first error and forgets positions, so the loader first
//! builds this small tree from granit-parser events (the parser serde-saphyr
//! itself uses), merges the `extends` chain on it, and validates it against
//! the schema. Each node carries its file (an index into the chain) and its
//! 1-based line and column.
//!
//! The builder enforces serde-saphyr's [`serde_saphyr::Budget`] limits itself
//! (nesting depth, aliases, anchors, nodes, events, total scalar bytes), so an
//! alias bomb or a 10 000-deep document fails fast with a clear message
//! instead of exhausting memory or the stack.

use super::diag::Diagnostic;
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, ScanError, StrInput};
use std::collections::HashMap;

/// Where a node starts: file index in the chain, 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub file: usize,
    pub line: usize,
    pub column: usize,
}

/// One YAML node.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub kind: Kind,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `~`, `null`, `Null`, `NULL` or an empty value (plain style only).
    Null,
    /// Any other scalar; `plain` is false for quoted and block scalars, whose
    /// text is always a string.
    Scalar {
        value: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// One key of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

impl Node {
    /// The entries, when this is a mapping.
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The entry for `key`, when this is a mapping that has it.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }

    /// The value for `key`, when this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The scalar text (any style), when this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }

    /// A plain scalar read as a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match &self.kind {
            Kind::Scalar { value, plain: true } => parse_uint(value),
            _ => None,
        }
    }

    /// How many nodes this subtree holds (used to price alias expansion).
    fn size(&self) -> usize {
        match &self.kind {
            Kind::Null | Kind::Scalar { .. } => 1,
            Kind::Seq(items) => items.iter().fold(1usize, |n, i| n.saturating_add(i.size())),
            Kind::Map(entries) => entries.iter().fold(1usize, |n, e| {
                n.saturating_add(1).saturating_add(e.value.size())
            }),
        }
    }

    /// Describe the node for a "found:" line.
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Null => "an empty value (null)".to_string(),
            Kind::Seq(_) => "a list".to_string(),
            Kind::Map(_) => "a mapping".to_string(),
            Kind::Scalar { value, plain } => {
                let shown = shorten(value);
                if *plain {
                    if is_strict_bool(value) {
                        format!("the boolean `{shown}`")
                    } else if parse_int(value).is_some() || value.parse::<f64>().is_ok() {
                        format!("the number `{shown}`")
                    } else {
                        format!("the text `{shown}`")
                    }
                } else {
                    format!("the text \"{shown}\"")
                }
            }
        }
    }
}

/// Cut long values so a "found:" line stays one line.
fn shorten(s: &str) -> String {
    let one_line = s.replace('\n', "\\n");
    if one_line.chars().count() > 60 {
        let cut: String = one_line.chars().take(57).collect();
        format!("{cut}...")
    } else {
        one_line
    }
}

/// YAML 1.2 core booleans: what serde-saphyr accepts with `strict_booleans`.
pub fn is_strict_bool(s: &str) -> bool {
    matches!(s, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
}

/// A plain scalar's boolean value under `strict_booleans`.
pub fn strict_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// A decimal integer with an optional sign (no `_`, no octal or hex).
pub fn parse_int(s: &str) -> Option<i128> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i128>().ok()
}

fn parse_uint(s: &str) -> Option<u64> {
    parse_int(s).and_then(|v| u64::try_from(v).ok())
}

/// Resource limits, taken from serde-saphyr's default [`serde_saphyr::Budget`].
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_nodes: usize,
    pub max_events: usize,
    pub max_aliases: usize,
    pub max_anchors: usize,
    pub max_scalar_bytes: usize,
}

impl Limits {
    pub fn from_budget(b: &serde_saphyr::Budget) -> Limits {
        Limits {
            max_depth: b.max_depth,
            max_nodes: b.max_nodes,
            max_events: b.max_events,
            max_aliases: b.max_aliases,
            max_anchors: b.max_anchors,
            max_scalar_bytes: b.max_total_scalar_bytes,
        }
    }
}

/// What the parse of one file produced.
pub struct Parsed {
    /// The document's root, or `None` for an empty document.
    pub root: Option<Node>,
    /// Problems that do not stop the parse (duplicate keys, non-string keys).
    pub problems: Vec<Diagnostic>,
}

enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<Entry>,
        pending_key: Option<(String, Pos)>,
        seen: HashMap<String, usize>,
        /// Keys found to be complex (a mapping or list used as a key).
        bad_key: bool,
    },
}

struct Builder<'a> {
    file_name: &'a str,
    limits: Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    documents: usize,
    nodes: usize,
    aliases: usize,
    scalar_bytes: usize,
    problems: Vec<Diagnostic>,
    /// YAML path of the current position, for messages.
    path: Vec<String>,
}

/// Parse one YAML source into a tree. A syntax error or a budget breach is
/// returned as the single fatal diagnostic; other problems come back in
/// [`Parsed::problems`].
pub fn parse(
    src: &str,
    file: usize,
    file_name: &str,
    limits: Limits,
) -> Result<Parsed, Box<Diagnostic>> {
    let mut options = serde_saphyr::granit_parser::Options::default();
    // The scanner looks ahead through flow collections (a `[` may start a
    // key), so bound its nesting too; its "recursion limit" error is reported
    // as the same budget breach as our own depth check.
    options.flow_nesting_limit = limits.max_depth + 1;
    options.block_nesting_limit = limits.max_depth + 1;
    let parser = Parser::with_options(StrInput::new(src), options);
    let mut b = Builder {
        file_name,
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        documents: 0,
        nodes: 0,
        aliases: 0,
        scalar_bytes: 0,
        problems: Vec::new(),
        path: Vec::new(),
    };
    let mut events = 0usize;
    for item in parser {
        let (event, span) = item.map_err(|e| {
            if e.info().contains("recursion limit") {
                let m = e.marker();
                let pos = Pos {
                    file,
                    line: m.line(),
                    column: m.col() + 1,
                };
                b.budget(
                    pos,
                    format!("nesting deeper than {} levels", limits.max_depth),
                )
            } else {
                scan_error(src, file_name, &e)
            }
        })?;
        events += 1;
        let pos = Pos {
            file,
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        if events > limits.max_events {
            return Err(b.budget(pos, format!("more than {} YAML events", limits.max_events)));
        }
        b.event(event, pos)?;
    }
    Ok(Parsed {
        root: b.root,
        problems: b.problems,
    })
}

fn scan_error(src: &str, file_name: &str, e: &ScanError) -> Box<Diagnostic> {
    let m = e.marker();
    let line = m.line();
    let column = m.col() + 1;
    let info = e.info();
    if info.contains("tab") {
        // Point at the first tab of the line rather than after it.
        let column = src
            .lines()
            .nth(line.saturating_sub(1))
            .and_then(|l| l.chars().position(|c| c == '\t'))
            .map_or(column, |i| i + 1);
        Diagnostic::new(
            file_name,
            line,
            column,
            "",
            "tabs are not allowed for indentation",
        )
        .with_hint("indent with spaces only (YAML forbids tabs in indentation)")
        .into()
    } else {
        let d = Diagnostic::new(
            file_name,
            line,
            column,
            "",
            format!("YAML syntax error: {info}"),
        );
        // A double quote left open swallows the lines after it, and the
        // parser complains where the string finally ends: name the line
        // that opened it (the first with an odd number of quotes).
        if info.contains("double-quoted")
            && let Some(open) = src.lines().take(line.saturating_sub(1)).position(|l| {
                l.replace("\\\\", "")
                    .replace("\\\"", "")
                    .matches('"')
                    .count()
                    % 2
                    == 1
            })
        {
            return d
                .with_hint(format!(
                    "the double quote opened on line {} is not closed on that line: add the closing `\"`",
                    open + 1
                ))
                .into();
        }
        match syntax_hint(&info) {
            Some(h) => d.with_hint(h).into(),
            None => d.into(),
        }
    }
}

/// A YAML path as the other messages write it (`practices."1.S.A"`: keys
/// holding dots are quoted).
fn dotted(keys: &[String]) -> String {
    keys.iter()
        .fold(String::new(), |path, key| super::check::join(&path, key))
}

/// What the parser's terse messages usually mean in a hand-written profile.
fn syntax_hint(info: &str) -> Option<&'static str> {
    if info.contains("mapping values are not allowed") {
        Some(
            "a value holds `: ` (colon and space): put the value in quotes, or check the indentation of the line",
        )
    } else if info.contains("simple key expected") || info.contains("could not find expected ':'") {
        Some(
            "a key is missing its `:`, or a value runs onto the next line: check this line and the one before",
        )
    } else if info.contains("did not find expected key") {
        Some("this line's indentation does not match the keys above it")
    } else if info.contains("found unknown anchor") || info.contains("unknown anchor") {
        Some("an alias (`*name`) refers to an anchor (`&name`) that is not defined above it")
    } else if info.contains("unexpected character") || info.contains("invalid character") {
        Some(
            "the line holds a character YAML does not allow here: delete it or put the value in quotes",
        )
    } else if info.contains("trailing content after") && info.contains("quoted scalar") {
        Some(
            "a quoted value has text after its closing quote, or a quote is missing its partner earlier in the file",
        )
    } else {
        None
    }
}

impl Builder<'_> {
    /// The YAML path of the node being read, from the open frames: a
    /// mapping's key being read, a list's index (`vendors[27778].name`).
    fn path_string(&self) -> String {
        let mut path = String::new();
        for frame in &self.stack {
            match frame {
                Frame::Map {
                    pending_key: Some((key, _)),
                    ..
                } => path = super::check::join(&path, key),
                Frame::Map { .. } => {}
                Frame::Seq { items, .. } => path = format!("{path}[{}]", items.len()),
            }
        }
        path
    }

    fn budget(&self, pos: Pos, what: String) -> Box<Diagnostic> {
        Box::new(Diagnostic::new(
            self.file_name,
            pos.line,
            pos.column,
            self.path_string(),
            format!("the profile is too large or too deeply nested: {what}"),
        )
        .with_hint("a profile is a small hand-written file; check for runaway nesting or anchors and aliases that expand without end (an \"alias bomb\")"))
    }

    fn count_nodes(&mut self, n: usize, pos: Pos) -> Result<(), Box<Diagnostic>> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(self.budget(
                pos,
                format!(
                    "more than {} nodes once aliases are expanded",
                    self.limits.max_nodes
                ),
            ));
        }
        Ok(())
    }

    /// A YAML tag (`!!binary`, `!!int`, `!custom`) changes how a value is
    /// read, and only some readers honour it: `!!binary` text was decoded in
    /// the documents and kept encoded in the manifest. A profile is plain
    /// data, so tags are refused where they are written.
    fn refuse_tag(&mut self, tag: Option<&serde_saphyr::granit_parser::Tag>, pos: Pos) {
        let Some(tag) = tag else { return };
        // `!` alone (the non-specific tag) and `!!str` only say "this is
        // text", which every value here is read as anyway.
        let written = format!("{}{}", tag.original_handle(), tag.suffix());
        if written == "!" || written == "!!str" {
            return;
        }
        self.problems.push(
            Diagnostic::new(
                self.file_name,
                pos.line,
                pos.column,
                self.path_string(),
                format!("YAML tags are not supported in a profile (found `{written}`)"),
            )
            .with_hint(
                "remove the tag and write the value as plain text; quote it if it must stay text",
            ),
        );
    }

    fn event(&mut self, event: Event<'_>, pos: Pos) -> Result<(), Box<Diagnostic>> {
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => Ok(()),
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(Diagnostic::new(
                        self.file_name,
                        pos.line,
                        pos.column,
                        "",
                        "a profile must be a single YAML document",
                    )
                    .with_hint("remove the second `---` document or move it to its own file")
                    .into());
                }
                Ok(())
            }
            Event::Scalar(value, style, anchor, tag) => {
                self.refuse_tag(tag.as_deref(), pos);
                self.count_nodes(1, pos)?;
                self.scalar_bytes = self.scalar_bytes.saturating_add(value.len());
                if self.scalar_bytes > self.limits.max_scalar_bytes {
                    return Err(self.budget(
                        pos,
                        format!("more than {} bytes of text", self.limits.max_scalar_bytes),
                    ));
                }
                let plain = style == ScalarStyle::Plain;
                let kind = if plain && matches!(&*value, "~" | "null" | "Null" | "NULL" | "") {
                    Kind::Null
                } else {
                    Kind::Scalar {
                        value: value.into_owned(),
                        plain,
                    }
                };
                let node = Node { pos, kind };
                self.remember(anchor, &node, pos)?;
                self.push_node(node);
                Ok(())
            }
            Event::Alias(id) => {
                self.aliases += 1;
                if self.aliases > self.limits.max_aliases {
                    return Err(self.budget(
                        pos,
                        format!("more than {} aliases", self.limits.max_aliases),
                    ));
                }
                let Some(size) = self.anchors.get(&id).map(Node::size) else {
                    return Err(Diagnostic::new(
                        self.file_name,
                        pos.line,
                        pos.column,
                        self.path_string(),
                        "alias to an unknown anchor",
                    )
                    .into());
                };
                // Price the expansion before copying, so a bomb never allocates.
                self.count_nodes(size, pos)?;
                let Some(mut node) = self.anchors.get(&id).cloned() else {
                    return Ok(());
                };
                node.pos = pos;
                self.push_node(node);
                Ok(())
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                self.refuse_tag(tag.as_deref(), pos);
                self.count_nodes(1, pos)?;
                if self.stack.len() >= self.limits.max_depth {
                    return Err(self.budget(
                        pos,
                        format!("nesting deeper than {} levels", self.limits.max_depth),
                    ));
                }
                let is_map = matches!(event, Event::MappingStart(..));
                // Entering a value: its key is already on the path.
                if is_map {
                    self.stack.push(Frame::Map {
                        pos,
                        anchor,
                        entries: Vec::new(),
                        pending_key: None,
                        seen: HashMap::new(),
                        bad_key: false,
                    });
                } else {
                    self.stack.push(Frame::Seq {
                        pos,
                        anchor,
                        items: Vec::new(),
                    });
                }
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (node, anchor) = match frame {
                    Frame::Seq { pos, anchor, items } => (
                        Node {
                            pos,
                            kind: Kind::Seq(items),
                        },
                        anchor,
                    ),
                    Frame::Map {
                        pos,
                        anchor,
                        entries,
                        ..
                    } => (
                        Node {
                            pos,
                            kind: Kind::Map(entries),
                        },
                        anchor,
                    ),
                };
                self.remember(anchor, &node, pos)?;
                self.push_node(node);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn remember(&mut self, anchor: usize, node: &Node, pos: Pos) -> Result<(), Box<Diagnostic>> {
        if anchor != 0 {
            if self.anchors.len() >= self.limits.max_anchors {
                return Err(self.budget(
                    pos,
                    format!("more than {} anchors", self.limits.max_anchors),
                ));
            }
            self.anchors.insert(anchor, node.clone());
        }
        Ok(())
    }

    /// Attach a finished node to its parent (or make it the root).
    fn push_node(&mut self, node: Node) {
        let file_name = self.file_name;
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                seen,
                bad_key,
                ..
            }) => match pending_key.take() {
                None => {
                    // This node is a key.
                    let key = match &node.kind {
                        Kind::Scalar { value, .. } => value.clone(),
                        Kind::Null => "~".to_string(),
                        Kind::Seq(_) | Kind::Map(_) => {
                            *bad_key = true;
                            self.problems.push(Diagnostic::new(
                                file_name,
                                node.pos.line,
                                node.pos.column,
                                dotted(&self.path),
                                "a mapping key must be plain text, not a list or mapping",
                            ));
                            String::new()
                        }
                    };
                    self.path.push(key.clone());
                    *pending_key = Some((key, node.pos));
                }
                Some((key, key_pos)) => {
                    self.path.pop();
                    if key.is_empty() && *bad_key {
                        *bad_key = false;
                        return;
                    }
                    if let Some(first_line) = seen.get(&key) {
                        let mut p = self.path.clone();
                        p.push(key.clone());
                        self.problems.push(
                            Diagnostic::new(
                                file_name,
                                key_pos.line,
                                key_pos.column,
                                dotted(&p),
                                format!("duplicate key `{key}`"),
                            )
                            .with_hint(format!(
                                "`{key}` is already defined on line {first_line}; remove one of them"
                            )),
                        );
                        return;
                    }
                    seen.insert(key.clone(), key_pos.line);
                    entries.push(Entry {
                        key,
                        key_pos,
                        value: node,
                    });
                }
            },
        }
    }
}
