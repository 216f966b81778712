//! Front-matter `when` conditions: what they may say, and whether the
//! profile path they name exists.
//!
//! A condition is a profile path, optionally after `not`. A path that does
//! not exist is simply absent in every profile, so a misspelt condition
//! (`technology.nope.present`), a template-context name (`tech.byod.allowed`)
//! or an expression hicp does not evaluate (`technology.byod.allowed == true`)
//! would silently leave the document out of every pack. Each is refused when
//! the library is loaded, with the grammar or the closest profile key.

use serde_json::Value;
use std::sync::OnceLock;

/// What `when` accepts, for hints.
pub const GRAMMAR: &str = "a `when` condition is a profile path, true when the profile sets it to something other than false, 0, empty or null (`technology.medical_devices.present`), or `not` and a path (`not technology.byod.allowed`); there are no operators such as `==`, `!`, `and` or `or`";

/// A condition that cannot be evaluated: what is wrong, and what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhenError {
    pub message: String,
    pub hint: String,
}

/// A parsed condition: `not` or not, and the path's keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition<'a> {
    pub negate: bool,
    pub path: Vec<&'a str>,
}

/// Read a condition's syntax (not whether its path exists).
pub fn parse(cond: &str) -> Result<Condition<'_>, WhenError> {
    let trimmed = cond.trim();
    let (negate, path) = match trimmed.strip_prefix("not ") {
        Some(p) => (true, p.trim()),
        None => (false, trimmed),
    };
    let segments: Vec<&str> = path.split('.').collect();
    let key_ok = |s: &&str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    if path.is_empty() || !segments.iter().all(key_ok) {
        let message = if trimmed.is_empty() {
            "`when` is empty".to_string()
        } else {
            format!("`when: {trimmed}` is not a condition hicp can evaluate")
        };
        return Err(WhenError {
            message,
            hint: GRAMMAR.to_string(),
        });
    }
    Ok(Condition {
        negate,
        path: segments,
    })
}

/// The profile's JSON Schema, made once.
fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(crate::profile::json_schema)
}

/// A schema node with `$ref` followed and `Option`'s `anyOf [T, null]`
/// reduced to `T`.
fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            let Some(name) = r.strip_prefix("#/$defs/") else {
                return node;
            };
            match root.get("$defs").and_then(|d| d.get(name)) {
                Some(n) => node = n,
                None => return node,
            }
        } else if let Some(alts) = node.get("anyOf").and_then(Value::as_array) {
            match alts
                .iter()
                .find(|a| a.get("type").and_then(Value::as_str) != Some("null"))
            {
                Some(a) => node = a,
                None => return node,
            }
        } else {
            return node;
        }
    }
    node
}

/// Template-context names a condition may be written with by mistake, and
/// the profile key that holds the same facts.
const CONTEXT_NAMES: &[(&str, &str)] = &[
    ("tech", "technology"),
    ("org", "organization"),
    ("ir", "incident_response"),
];

/// Check a condition: its syntax, and that its path is a key of the profile
/// format at every step.
pub fn check(cond: &str) -> Result<(), WhenError> {
    let c = parse(cond)?;
    let root = schema();
    let mut node = resolve(root, root);
    let mut walked: Vec<&str> = Vec::new();
    for seg in &c.path {
        let props = node.get("properties").and_then(Value::as_object);
        let next = props
            .and_then(|p| p.get(*seg))
            .or_else(|| node.get("additionalProperties").filter(|a| a.is_object()));
        let Some(next) = next else {
            let at = if walked.is_empty() {
                "the profile".to_string()
            } else {
                format!("`{}`", walked.join("."))
            };
            let shown = c.path.join(".");
            let message = match props {
                Some(_) => format!(
                    "`when: {}` names `{seg}`, which {at} does not have",
                    cond.trim()
                ),
                None => format!(
                    "`when: {}`: {at} is a single value or a list, so `{shown}` is never set",
                    cond.trim()
                ),
            };
            let mut hint = String::new();
            if let Some(p) = props {
                let prefix = |s: &str| {
                    walked
                        .iter()
                        .copied()
                        .chain([s])
                        .chain(c.path[walked.len() + 1..].iter().copied())
                        .collect::<Vec<_>>()
                        .join(".")
                };
                let context = walked
                    .is_empty()
                    .then(|| CONTEXT_NAMES.iter().find(|(n, _)| n == seg))
                    .flatten();
                if let Some((name, key)) = context {
                    hint = format!(
                        "`when` reads the profile, not the template context: `{name}` is `{key}` there, so write `{}{}`; ",
                        if c.negate { "not " } else { "" },
                        prefix(key)
                    );
                } else if let Some(s) =
                    crate::suggest::did_you_mean(seg, p.keys().map(String::as_str))
                {
                    hint = format!(
                        "did you mean `{}{}`? ",
                        if c.negate { "not " } else { "" },
                        prefix(s)
                    );
                }
                if hint.is_empty() {
                    let keys: Vec<&str> = p.keys().map(String::as_str).collect();
                    hint = format!("the keys there are {}; ", keys.join(", "));
                }
                hint.push_str("`hicp schema` shows the profile format");
            } else {
                hint = "a condition tests a value as a whole (a list: whether it is empty)".into();
            }
            return Err(WhenError { message, hint });
        };
        node = resolve(root, next);
        walked.push(seg);
    }
    Ok(())
}

/// Evaluate a condition against the merged profile: true when the value at
/// the path is set and not false, 0, empty or null (reversed by `not`). A
/// condition [`check`] refuses is false.
pub fn eval(cond: &str, profile: &Value) -> bool {
    let Ok(c) = parse(cond) else {
        return false;
    };
    let mut v = Some(profile);
    for part in &c.path {
        v = v.and_then(|x| x.get(*part));
    }
    let truthy = match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    };
    truthy != c.negate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_paths_pass_and_others_are_refused() {
        for ok in [
            "technology.medical_devices.present",
            "not technology.byod.allowed",
            "people.hr_manager",
            "technology.cloud_services",
            "organization.metrics.beds",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        let e = check("technology.nope.present").unwrap_err();
        assert!(e.message.contains("`nope`"), "{e:?}");
        let e = check("tech.byod.allowed").unwrap_err();
        assert!(e.hint.contains("`technology.byod.allowed`"), "{e:?}");
        let e = check("technology.byod.alowed").unwrap_err();
        assert!(
            e.hint.contains("did you mean `technology.byod.allowed`"),
            "{e:?}"
        );
        for bad in [
            "technology.byod.allowed == true",
            "!technology.byod.allowed",
            "",
            "a and b",
        ] {
            assert_eq!(check(bad).unwrap_err().hint, GRAMMAR, "{bad}");
        }
        assert!(check("technology.cloud_services.first").is_err());
    }

    #[test]
    fn evaluation() {
        let p = serde_json::json!({"technology": {"medical_devices": {"present": true}, "byod": {"allowed": false}}});
        assert!(eval("technology.medical_devices.present", &p));
        assert!(!eval("technology.byod.allowed", &p));
        assert!(eval("not technology.byod.allowed", &p));
        assert!(!eval("technology.telehealth.used", &p));
        assert!(!eval("a == b", &p));
    }
}
