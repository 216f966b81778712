//! Diagnostics: one problem of a profile, located at file:line:column and a YAML
//! path, rendered the way rustc renders its errors.
//!
//! Why a list and not a single error: a user fixing a profile wants every
//! problem in one run, not one per run, so every stage of the loader collects
//! into [`Diagnostics`] and only stops early where going on would be
//! meaningless (unreadable file, YAML syntax error, resource budget).

use std::fmt;

/// One problem found in a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in, as given (relative paths stay relative).
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column (in characters); 0 when the problem concerns the whole file.
    pub column: usize,
    /// Dotted YAML path, e.g. `documents.approved_by`; empty for file-level problems.
    pub yaml_path: String,
    /// What is wrong, in one line.
    pub message: String,
    /// What the profile format expects at this place, when it applies.
    pub expected: Option<String>,
    /// What was found instead, when it applies.
    pub found: Option<String>,
    /// How to fix it ("did you mean …?", the allowed values, …).
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with only a message and a location.
    pub fn new(
        file: impl Into<String>,
        line: usize,
        column: usize,
        yaml_path: impl Into<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            file: file.into(),
            line,
            column,
            yaml_path: yaml_path.into(),
            message: message.into(),
            expected: None,
            found: None,
            hint: None,
        }
    }

    /// A problem with the whole file (not found, too large, empty, …).
    pub fn file_level(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(file, 0, 0, "", message)
    }

    /// Set what was expected and what was found.
    pub fn with_expected_found(
        mut self,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Diagnostic {
        self.expected = Some(expected.into());
        self.found = Some(found.into());
        self
    }

    /// Set the help line.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Set the help line if there is one.
    pub fn with_opt_hint(mut self, hint: Option<String>) -> Diagnostic {
        self.hint = hint;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if self.line == 0 {
            write!(f, "\n  --> {}", self.file)?;
        } else {
            write!(f, "\n  --> {}:{}:{}", self.file, self.line, self.column)?;
        }
        if !self.yaml_path.is_empty() {
            write!(f, "\n   | at {}", self.yaml_path)?;
        }
        if let Some(expected) = &self.expected {
            write!(f, "\n   = expected: {expected}")?;
        }
        if let Some(found) = &self.found {
            write!(f, "\n   = found: {found}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n   = help: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found in a profile (never empty when returned as an error).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// One diagnostic.
    pub fn one(d: Diagnostic) -> Diagnostics {
        Diagnostics { items: vec![d] }
    }

    /// A one-line summary for the end of a report, e.g. "3 problems in profiles/x.yaml".
    pub fn summary(&self) -> String {
        let n = self.items.len();
        let files: std::collections::BTreeSet<&str> =
            self.items.iter().map(|d| d.file.as_str()).collect();
        let noun = if n == 1 { "problem" } else { "problems" };
        let files: Vec<&str> = files.into_iter().collect();
        format!("{n} {noun} in {}", files.join(", "))
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The closest candidate to `word`, if it is close enough to be a plausible
/// typo (see [`crate::suggest::did_you_mean`]; ties go to the earliest candidate).
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    crate::suggest::did_you_mean(word, candidates).map(str::to_string)
}

/// "did you mean `x`?" when there is a close candidate.
pub fn did_you_mean_hint<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    did_you_mean(word, candidates).map(|c| format!("did you mean `{c}`?"))
}
