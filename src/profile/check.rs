//! Walk the span tree against the JSON Schema derived from [`super::types`].
//!
//! Why the schema and not hand-written rules: the schema is generated from the
//! serde types with schemars, so the walker and serde can never disagree about
//! which keys exist, which are required, and which values an enum takes. The
//! walker reports every problem (unknown key, wrong type, missing keys, bad
//! enum value, impossible date, …) and, as it goes, converts the tree into a
//! typed JSON value (numbers as numbers, booleans as booleans) — the merged
//! profile that `when` conditions and diffs read.

use super::date::Date;
use super::diag::{Diagnostic, did_you_mean, did_you_mean_hint};
use super::yaml::{Kind, Node, Pos, parse_int, strict_bool};
use serde_json::{Map, Value};

/// The only `pattern` the schema uses (`branding.accent_color`).
pub const COLOR_PATTERN: &str = "^#[0-9a-fA-F]{6}$";

/// A text value of a profile that the schema leaves free (see [`Checker::free_text`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeText {
    /// Its YAML path, `vendors[2].name`.
    pub path: String,
    /// The same with list positions left out, `vendors[].name`: an example
    /// value is one whichever entry of the list it was copied into.
    pub pattern: String,
    pub text: String,
}

/// A schema walker over one merged tree.
pub struct Checker<'a> {
    /// The whole schema (for `$ref` resolution).
    root: &'a Value,
    /// Display names of the files in the chain, by [`Pos::file`].
    files: &'a [String],
    pub diags: Vec<Diagnostic>,
}

/// Join a YAML path and a key; keys with dots or spaces are quoted.
pub fn join(path: &str, key: &str) -> String {
    let key = if key.is_empty() || key.contains(['.', ' ', '[', '"']) {
        format!("\"{}\"", key.replace('"', "\\\""))
    } else {
        key.to_string()
    };
    if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    }
}

fn type_list(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The allowed strings of an enum schema (`enum` or `oneOf`/`anyOf` of consts).
fn enum_values(schema: &Value) -> Option<Vec<String>> {
    if let Some(Value::Array(vs)) = schema.get("enum") {
        return Some(
            vs.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
        );
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = schema.get(key) {
            let mut out = Vec::new();
            for b in branches {
                if let Some(c) = b.get("const").and_then(Value::as_str) {
                    out.push(c.to_string());
                } else if let Some(Value::Array(vs)) = b.get("enum") {
                    out.extend(vs.iter().filter_map(|v| v.as_str().map(String::from)));
                } else {
                    return None;
                }
            }
            return Some(out);
        }
    }
    None
}

impl<'a> Checker<'a> {
    pub fn new(root: &'a Value, files: &'a [String]) -> Checker<'a> {
        Checker {
            root,
            files,
            diags: Vec::new(),
        }
    }

    fn file(&self, pos: Pos) -> String {
        self.files.get(pos.file).cloned().unwrap_or_default()
    }

    fn diag(&self, pos: Pos, path: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.file(pos), pos.line, pos.column, path, message)
    }

    /// Follow `$ref`s to `#/$defs/…` (bounded, so a malformed schema cannot loop).
    fn resolve(&self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..16 {
            let Some(r) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let target = r
                .strip_prefix("#/$defs/")
                .and_then(|name| self.root.get("$defs")?.get(name));
            match target {
                Some(t) => schema = t,
                None => break,
            }
        }
        schema
    }

    /// A phrase for what `schema` accepts, for "expected:" lines.
    pub fn expected(&self, schema: &'a Value) -> String {
        let schema = self.resolve(schema);
        if let Some(values) = enum_values(schema) {
            return format!("one of {}", values.join(", "));
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = schema.get(key) {
                let parts: Vec<String> = branches
                    .iter()
                    .filter(|b| !type_list(self.resolve(b)).contains(&"null"))
                    .map(|b| self.expected(b))
                    .collect();
                return parts.join(" or ");
            }
        }
        let types = type_list(schema);
        let format = schema.get("format").and_then(Value::as_str);
        match types.iter().find(|t| **t != "null").copied() {
            Some("object") => "a mapping (key: value)".to_string(),
            Some("array") => "a list".to_string(),
            Some("integer") => {
                if let Some(c) = schema.get("const").and_then(Value::as_i64) {
                    return format!("the number {c}");
                }
                let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
                match schema.get("maximum").and_then(Value::as_i64) {
                    Some(max) => format!("a whole number from {min} to {max}"),
                    None => format!("a whole number ({min} or more)"),
                }
            }
            Some("boolean") => "true or false".to_string(),
            Some("string") if format == Some("date") => "a date (YYYY-MM-DD)".to_string(),
            Some("string") => "text".to_string(),
            _ => "a value".to_string(),
        }
    }

    /// Check `node` against `schema`; `at` is where problems about the node as a
    /// whole (missing keys) are reported: its key's position, or the node's own.
    pub fn walk(&mut self, node: &Node, schema: &'a Value, path: &str, at: Pos) -> Value {
        let schema = self.resolve(schema);

        if let Some(values) = enum_values(schema) {
            return self.check_enum(node, schema, &values, path);
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = schema.get(key) {
                let (nulls, others): (Vec<&Value>, Vec<&Value>) = branches
                    .iter()
                    .partition(|b| type_list(self.resolve(b)) == ["null"]);
                if node.is_null() && !nulls.is_empty() {
                    return Value::Null;
                }
                if let [only] = others.as_slice() {
                    return self.walk(node, only, path, at);
                }
                self.wrong_type(node, schema, path);
                return Value::Null;
            }
        }

        let types = type_list(schema);
        if node.is_null() && types.contains(&"null") {
            return Value::Null;
        }
        match types.iter().find(|t| **t != "null").copied() {
            Some("object") => self.check_object(node, schema, path, at),
            Some("array") => self.check_array(node, schema, path),
            Some("string") => self.check_string(node, schema, path),
            Some("integer") => self.check_integer(node, schema, path),
            Some("boolean") => match &node.kind {
                Kind::Scalar { value, plain: true } if strict_bool(value).is_some() => {
                    Value::Bool(strict_bool(value).unwrap_or_default())
                }
                Kind::Scalar { value, plain: true }
                    if matches!(
                        value.to_ascii_lowercase().as_str(),
                        "yes" | "no" | "on" | "off" | "y" | "n"
                    ) =>
                {
                    let d = self
                        .diag(node.pos, path, format!("`{value}` is not a boolean here"))
                        .with_expected_found("true or false", node.describe())
                        .with_hint("profiles read YAML 1.2 booleans: write `true` or `false`");
                    self.diags.push(d);
                    Value::Null
                }
                _ => {
                    self.wrong_type(node, schema, path);
                    Value::Null
                }
            },
            // An unconstrained schema: accept as text.
            _ => node_to_json(node),
        }
    }

    /// The text leaves of `value` (a profile as JSON) that the schema leaves
    /// free. Values whose form the schema fixes (a choice from a list, a
    /// date, a colour) are settings, not facts about an organization, and
    /// are left out. For telling which values a profile kept from the
    /// starter profile's examples.
    pub fn free_text(&self, value: &Value, schema: &'a Value) -> Vec<FreeText> {
        let mut out = Vec::new();
        self.free_text_into(value, schema, "", "", &mut out);
        out
    }

    fn free_text_into(
        &self,
        value: &Value,
        schema: &'a Value,
        path: &str,
        pattern: &str,
        out: &mut Vec<FreeText>,
    ) {
        let schema = self.resolve(schema);
        if enum_values(schema).is_some() {
            return;
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = schema.get(key) {
                let others: Vec<&Value> = branches
                    .iter()
                    .filter(|b| type_list(self.resolve(b)) != ["null"])
                    .collect();
                if let [only] = others.as_slice() {
                    self.free_text_into(value, only, path, pattern, out);
                }
                return;
            }
        }
        match value {
            Value::String(text) => {
                let fixed_form = schema.get("format").and_then(Value::as_str) == Some("date")
                    || schema.get("pattern").is_some();
                if type_list(schema).contains(&"string") && !fixed_form {
                    out.push(FreeText {
                        path: path.to_string(),
                        pattern: pattern.to_string(),
                        text: text.clone(),
                    });
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    let pattern = format!("{pattern}[]");
                    for (i, item) in items.iter().enumerate() {
                        let path = format!("{path}[{i}]");
                        self.free_text_into(item, item_schema, &path, &pattern, out);
                    }
                }
            }
            Value::Object(map) => {
                let props = schema.get("properties").and_then(Value::as_object);
                let extra = schema.get("additionalProperties").filter(|a| a.is_object());
                for (k, v) in map {
                    if let Some(s) = props.and_then(|p| p.get(k)).or(extra) {
                        self.free_text_into(v, s, &join(path, k), &join(pattern, k), out);
                    }
                }
            }
            _ => {}
        }
    }

    fn wrong_type(&mut self, node: &Node, schema: &'a Value, path: &str) {
        let d = self
            .diag(node.pos, path, format!("wrong type for `{path}`"))
            .with_expected_found(self.expected(schema), node.describe());
        self.diags.push(d);
    }

    fn check_enum(
        &mut self,
        node: &Node,
        schema: &'a Value,
        values: &[String],
        path: &str,
    ) -> Value {
        let Kind::Scalar { value, .. } = &node.kind else {
            self.wrong_type(node, schema, path);
            return Value::Null;
        };
        if values.iter().any(|v| v == value) {
            return Value::String(value.clone());
        }
        let hint = did_you_mean_hint(value, values.iter().map(String::as_str));
        let d = self
            .diag(
                node.pos,
                path,
                format!("invalid value `{value}` for `{path}`"),
            )
            .with_expected_found(
                format!("one of {}", values.join(", ")),
                format!("`{value}`"),
            )
            .with_opt_hint(hint);
        self.diags.push(d);
        Value::Null
    }

    fn check_string(&mut self, node: &Node, schema: &'a Value, path: &str) -> Value {
        let Kind::Scalar { value, .. } = &node.kind else {
            self.wrong_type(node, schema, path);
            return Value::Null;
        };
        match schema.get("format").and_then(Value::as_str) {
            Some("date") => {
                if let Err(e) = Date::check(value) {
                    let d = self
                        .diag(node.pos, path, format!("invalid date `{value}`: {e}"))
                        .with_expected_found("a date (YYYY-MM-DD)", format!("`{value}`"));
                    let d = if matches!(e, super::date::DateError::Format) {
                        d.with_hint("write dates as YYYY-MM-DD, e.g. 2026-02-01")
                    } else {
                        d
                    };
                    self.diags.push(d);
                }
            }
            Some("email") => {
                if let Some(why) = email_problem(value) {
                    let d = self
                        .diag(
                            node.pos,
                            path,
                            format!("`{value}` is not an e-mail address: {why}"),
                        )
                        .with_expected_found(
                            "an e-mail address (name@example.org)",
                            format!("`{value}`"),
                        );
                    self.diags.push(d);
                }
            }
            _ => {}
        }
        // Every value is printed, often in every document and on every page:
        // a megabyte name made a gigabyte of memory and 500 MB of pack.
        let max = schema
            .get("maxLength")
            .and_then(Value::as_u64)
            .unwrap_or(MAX_VALUE_CHARS as u64) as usize;
        if let Some(problem) = text_problem(value, max) {
            let d = self
                .diag(node.pos, path, problem.message(&format!("`{path}`")))
                .with_expected_found(problem.expected(), problem.found())
                .with_hint(problem.hint());
            self.diags.push(d);
            match problem {
                TextProblem::Empty { .. } => return Value::String(value.clone()),
                TextProblem::TooLong { max, .. } => {
                    return Value::String(value.chars().take(max).collect());
                }
                TextProblem::Unshowable { .. } => {}
            }
        }
        if schema.get("pattern").and_then(Value::as_str) == Some(COLOR_PATTERN) {
            let ok = value.len() == 7
                && value.starts_with('#')
                && value.bytes().skip(1).all(|b| b.is_ascii_hexdigit());
            if !ok {
                let d = self
                    .diag(
                        node.pos,
                        path,
                        format!("`{value}` is not a colour of the form #rrggbb"),
                    )
                    .with_expected_found("#rrggbb, e.g. \"#0b5394\"", format!("`{value}`"))
                    .with_hint("write # and six hexadecimal digits, in quotes (a bare # starts a YAML comment)");
                self.diags.push(d);
            }
        }
        Value::String(value.clone())
    }

    fn check_integer(&mut self, node: &Node, schema: &'a Value, path: &str) -> Value {
        let parsed = match &node.kind {
            Kind::Scalar { value, plain: true } => parse_int(value),
            _ => None,
        };
        let Some(n) = parsed else {
            self.wrong_type(node, schema, path);
            return Value::Null;
        };
        let min = schema
            .get("minimum")
            .and_then(Value::as_i64)
            .map(i128::from);
        let max = match schema.get("format").and_then(Value::as_str) {
            Some("uint32") => Some(i128::from(u32::MAX)),
            Some("uint8") => Some(i128::from(u8::MAX)),
            Some("uint16") => Some(i128::from(u16::MAX)),
            _ => Some(i128::from(i64::MAX)),
        };
        let max = match schema.get("maximum").and_then(Value::as_i64) {
            Some(m) => Some(i128::from(m)),
            None => max,
        };
        if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
            let d = self
                .diag(node.pos, path, format!("number out of range for `{path}`"))
                .with_expected_found(
                    format!(
                        "a whole number from {} to {}",
                        min.unwrap_or(i128::from(i64::MIN)),
                        max.unwrap_or(i128::from(i64::MAX))
                    ),
                    format!("`{n}`"),
                );
            self.diags.push(d);
            return Value::Null;
        }
        i64::try_from(n).map(Value::from).unwrap_or(Value::Null)
    }

    fn check_array(&mut self, node: &Node, schema: &'a Value, path: &str) -> Value {
        let Kind::Seq(items) = &node.kind else {
            self.wrong_type(node, schema, path);
            return Value::Null;
        };
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && items.len() as u64 > max
        {
            let d = self
                .diag(
                    node.pos,
                    path,
                    format!("`{path}` lists {} entries; at most {max}", items.len()),
                )
                .with_expected_found(
                    format!("a list of at most {max} entries"),
                    format!("{} entries", items.len()),
                )
                .with_hint(
                    "every entry is set in several documents; list the ones the policies are about",
                );
            self.diags.push(d);
            return Value::Null;
        }
        let item_schema = schema.get("items");
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            out.push(match item_schema {
                Some(s) => self.walk(item, s, &p, item.pos),
                None => node_to_json(item),
            });
        }
        Value::Array(out)
    }

    fn check_object(&mut self, node: &Node, schema: &'a Value, path: &str, at: Pos) -> Value {
        let Kind::Map(entries) = &node.kind else {
            self.wrong_type(node, schema, path);
            return Value::Null;
        };
        if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64)
            && entries.len() as u64 > max
        {
            let d = self
                .diag(
                    at,
                    path,
                    format!("`{path}` has {} entries; at most {max}", entries.len()),
                )
                .with_expected_found(
                    format!("at most {max} entries"),
                    format!("{} entries", entries.len()),
                );
            self.diags.push(d);
            return Value::Null;
        }
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new));
        let additional = schema.get("additionalProperties");
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let present: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        // Declared keys that are absent: a near-miss extra key is most likely a typo of one.
        let absent: Vec<&str> = props
            .keys()
            .map(String::as_str)
            .filter(|k| !present.contains(k))
            .collect();
        let mut claimed: Vec<String> = Vec::new();
        let mut out = Map::new();
        // A YAML merge key (`<<: *defaults`) is not applied: said once, and
        // the keys it would have brought are not reported missing as well.
        let merge = entries.iter().any(|e| e.key == "<<");
        for e in entries {
            let p = join(path, &e.key);
            if e.key == "<<" {
                let d = self
                    .diag(e.key_pos, &p, "YAML merge keys (`<<`) are not supported")
                    .with_hint(
                        "write the keys out here, or share values between profiles with `extends`",
                    );
                self.diags.push(d);
                continue;
            }
            if let Some(s) = props.get(&e.key) {
                out.insert(e.key.clone(), self.walk(&e.value, s, &p, e.key_pos));
                continue;
            }
            match additional {
                Some(Value::Bool(false)) => {
                    let hint = did_you_mean_hint(&e.key, props.keys().map(String::as_str))
                        .unwrap_or_else(|| {
                            let keys: Vec<&str> = props.keys().map(String::as_str).collect();
                            format!("allowed keys here: {}", keys.join(", "))
                        });
                    let d = self
                        .diag(e.key_pos, &p, format!("unknown key `{}`", e.key))
                        .with_hint(hint);
                    self.diags.push(d);
                }
                Some(extra) if extra.is_object() => {
                    // Only a required key is taken for misspelt: a near-miss
                    // of an optional one may be a role of its own
                    // (`ot_contact` beside `it_contact`); the build warns
                    // about those instead (`pack::near_builtin_roles`).
                    let required_absent = absent.iter().copied().filter(|k| required.contains(k));
                    if let Some(typo) = did_you_mean(&e.key, required_absent)
                        && !claimed.contains(&typo)
                    {
                        let d = self
                            .diag(e.key_pos, &p, format!("unknown key `{}`", e.key))
                            .with_hint(format!("did you mean `{typo}`?"));
                        self.diags.push(d);
                        claimed.push(typo);
                        continue;
                    }
                    out.insert(e.key.clone(), self.walk(&e.value, extra, &p, e.key_pos));
                }
                _ => {
                    out.insert(e.key.clone(), node_to_json(&e.value));
                }
            }
        }
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|k| !present.contains(k) && !claimed.iter().any(|c| c == k))
            .collect();
        if !missing.is_empty() && !merge {
            let names: Vec<String> = missing.iter().map(|k| format!("`{k}`")).collect();
            let noun = if missing.len() == 1 { "key" } else { "keys" };
            let place = if path.is_empty() {
                "the profile".to_string()
            } else {
                format!("`{path}`")
            };
            let d = self.diag(
                at,
                path,
                format!("missing required {noun} {} in {place}", names.join(", ")),
            );
            let d = d.with_hint(format!(
                "add {}; `hicp init` writes a starter profile with every key",
                if missing.len() == 1 { "it" } else { "them" }
            ));
            self.diags.push(d);
        }
        Value::Object(out)
    }
}

/// Untyped conversion (for places the schema leaves open): plain scalars that
/// look like numbers or booleans become numbers or booleans.
/// The longest text value a profile may hold, where the schema sets no
/// other limit.
pub const MAX_VALUE_CHARS: usize = 1000;

/// Why a text value cannot go into a pack: the rules every profile text
/// value is held to, in one place, so that `hicp init --name` refuses what
/// the loader would refuse (it wrote profiles that then failed `validate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextProblem {
    /// Empty or only blanks: the documents would print nothing where a name belongs.
    Empty { blanks: usize },
    /// Longer than `max` characters: every value is set in many documents.
    TooLong { chars: usize, max: usize },
    /// A character no HTML, PDF or Word file can carry, or one that
    /// reorders the text after it; `at` counts characters from 1.
    Unshowable { c: char, at: usize },
}

/// The first [`TextProblem`] of `value`, checked in the loader's order
/// (blank, then length, then characters), or `None` when it may be printed.
pub fn text_problem(value: &str, max: usize) -> Option<TextProblem> {
    if value.trim().is_empty() {
        return Some(TextProblem::Empty {
            blanks: value.chars().count(),
        });
    }
    let chars = value.chars().count();
    if chars > max {
        return Some(TextProblem::TooLong { chars, max });
    }
    let (i, c) = value.char_indices().find(|(_, c)| unshowable(*c))?;
    Some(TextProblem::Unshowable {
        c,
        at: value[..i].chars().count() + 1,
    })
}

impl TextProblem {
    /// What is wrong, with `what` naming the value (`` `organization.name` ``, `--name`).
    pub fn message(&self, what: &str) -> String {
        match self {
            TextProblem::Empty { .. } => format!("{what} is empty"),
            TextProblem::TooLong { chars, max } => {
                format!("{what} is {chars} characters long; a value holds at most {max}")
            }
            TextProblem::Unshowable { c, at } => format!(
                "{what} contains U+{:04X} at character {at}, {}",
                *c as u32,
                self.kind().0
            ),
        }
    }

    pub fn expected(&self) -> String {
        match self {
            TextProblem::Empty { .. } => "text".to_string(),
            TextProblem::TooLong { max, .. } => format!("text of at most {max} characters"),
            TextProblem::Unshowable { .. } => "printable text".to_string(),
        }
    }

    pub fn found(&self) -> String {
        match self {
            TextProblem::Empty { blanks: 0 } => "\"\"".to_string(),
            TextProblem::Empty { blanks } => format!("{blanks} blank character(s)"),
            TextProblem::TooLong { chars, .. } => format!("{chars} characters"),
            TextProblem::Unshowable { c, .. } => format!("U+{:04X}", *c as u32),
        }
    }

    pub fn hint(&self) -> &'static str {
        match self {
            TextProblem::Empty { .. } => "give the value, or leave the key out if it is optional",
            TextProblem::TooLong { .. } => {
                "shorten it: profile values are names, titles and short facts, printed in every document"
            }
            TextProblem::Unshowable { .. } => self.kind().1,
        }
    }

    /// For an unshowable character: what it is, and what to do.
    fn kind(&self) -> (&'static str, &'static str) {
        let TextProblem::Unshowable { c, .. } = self else {
            return ("", "");
        };
        if is_bidi_control(*c) {
            (
                "a bidirectional formatting character: it would reorder the text after it in the HTML pages",
                "delete it; right-to-left names need no formatting characters, write them as they are",
            )
        } else if c.is_control() {
            (
                "a control character: HTML, PDF and Word files cannot hold it",
                "delete it; in a double-quoted value an escape such as \\0, \\b or \\x1b writes one",
            )
        } else {
            (
                "a Unicode noncharacter: Word files holding it are unreadable",
                "delete it; it is often left over from a copy out of another program",
            )
        }
    }
}

/// Unicode's explicit embedding, override and isolate controls: in an
/// HTML page they reverse or reorder the text that follows the value.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters a profile value may not carry: C0 controls other than tab,
/// line feed and carriage return, DEL and C1 controls (XML 1.0 forbids most,
/// HTML treats them as parse errors, a PDF shows them as boxes), the
/// noncharacters (U+FDD0–U+FDEF and U+xFFFE/U+xFFFF; U+FFFE and U+FFFF make
/// a Word file unreadable), and the bidirectional formatting controls.
pub fn unshowable(c: char) -> bool {
    let u = c as u32;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&u)
        || (u & 0xFFFE) == 0xFFFE
        || is_bidi_control(c)
}

pub fn node_to_json(node: &Node) -> Value {
    match &node.kind {
        Kind::Null => Value::Null,
        Kind::Scalar { value, plain } => {
            if *plain {
                if let Some(b) = strict_bool(value) {
                    return Value::Bool(b);
                }
                if let Some(n) = parse_int(value).and_then(|n| i64::try_from(n).ok()) {
                    return Value::from(n);
                }
            }
            Value::String(value.clone())
        }
        Kind::Seq(items) => Value::Array(items.iter().map(node_to_json).collect()),
        Kind::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|e| (e.key.clone(), node_to_json(&e.value)))
                .collect(),
        ),
    }
}

/// Why `value` is not an address mail can be sent to, in words: one `@`,
/// a name before it without spaces or the characters that need quoting,
/// and a domain of dotted labels after it (letters of any script, digits,
/// inner hyphens). Every document prints these addresses as the way to
/// reach a person, so `a@b` or `sam@@x` is a typo to catch, not a value.
fn email_problem(value: &str) -> Option<&'static str> {
    let (local, domain) = match value.split_once('@') {
        None => return Some("it has no `@`"),
        Some((_, d)) if d.contains('@') => return Some("it has more than one `@`"),
        Some(parts) => parts,
    };
    if local.is_empty() {
        return Some("nothing comes before the `@`");
    }
    if local
        .chars()
        .any(|c| c.is_whitespace() || "\"<>()[],;:\\".contains(c))
    {
        return Some("the part before the `@` has a space or one of \" < > ( ) [ ] , ; : \\");
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Some(
            "the part before the `@` has a dot at its start, at its end or twice in a row",
        );
    }
    if !domain.contains('.') {
        return Some("the domain after the `@` has no dot (name@example.org)");
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if !domain.split('.').all(label_ok) {
        return Some("the domain after the `@` is not dotted names of letters, digits and hyphens");
    }
    None
}

#[cfg(test)]
mod email_tests {
    use super::email_problem;

    #[test]
    fn addresses_people_type_pass_and_typos_do_not() {
        for ok in [
            "dana@base.example",
            "first.last+ir@mail.clinic-north.org",
            "zoë@clínica.example",
        ] {
            assert_eq!(email_problem(ok), None, "{ok}");
        }
        for bad in [
            "sam@@x.example",
            "a@b",
            "a\"onmouseover=\"alert(1)@x.example",
            "bad email@x.example",
            "@x.example",
            "dana@base..example",
            "dana@-base.example",
            ".dana@base.example",
            "dana",
        ] {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
    }
}
