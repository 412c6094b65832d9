//! The *why* sentences of the rules: text with `{name}` placeholders, checked against the facts a
//! rule can supply when the rule set is loaded, so a typo fails at load time and never in a letter.

use crate::date::Date;

/// A value filling one placeholder.
#[derive(Clone, Debug)]
pub enum Arg<'a> {
    Date(Date),
    Int(i64),
    Text(&'a str),
    /// A value made for this rendering (a date written in words, a code said in a language).
    Owned(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// The placeholder's name, as the engine spells it.
    Value(&'static str),
}

/// A compiled template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    source: String,
    segments: Vec<Segment>,
    literal_len: usize,
}

/// Why a template text was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("unknown placeholder {{{name}}} (this text may use: {allowed})")]
    UnknownPlaceholder { name: String, allowed: String },
    #[error("a '{{' is not closed by '}}' after a placeholder name (write '{{{{' for a literal brace)")]
    Unclosed,
    #[error("a '}}' has no opening '{{' (write '}}}}' for a literal brace)")]
    UnopenedBrace,
}

impl Template {
    /// Compiles `source`, accepting only the placeholders in `allowed`. `{{` and `}}` are literal braces.
    pub fn compile(source: &str, allowed: &[&'static str]) -> Result<Template, TemplateError> {
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut chars = source.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '}' => return Err(TemplateError::UnopenedBrace),
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(n) if n.is_ascii_alphanumeric() || n == '_' => name.push(n),
                            _ => return Err(TemplateError::Unclosed),
                        }
                    }
                    let Some(known) = allowed.iter().find(|a| **a == name) else {
                        return Err(TemplateError::UnknownPlaceholder { name, allowed: allowed.join(", ") });
                    };
                    if !literal.is_empty() {
                        segments.push(Segment::Literal(std::mem::take(&mut literal)));
                    }
                    segments.push(Segment::Value(known));
                }
                _ => literal.push(c),
            }
        }
        if !literal.is_empty() {
            segments.push(Segment::Literal(literal));
        }
        let literal_len =
            segments.iter().map(|s| if let Segment::Literal(l) = s { l.len() } else { 0 }).sum();
        Ok(Template { source: source.to_owned(), segments, literal_len })
    }

    /// The text as written in the rule set.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Fills the placeholders from `args` by name; a name the caller did not supply renders empty
    /// (compilation already limited names to the ones the engine supplies).
    pub fn render(&self, args: &[(&'static str, Arg<'_>)]) -> String {
        let mut out = String::with_capacity(self.literal_len + 12 * self.segments.len());
        self.render_into(&mut out, args);
        out
    }

    pub fn render_into(&self, out: &mut String, args: &[(&'static str, Arg<'_>)]) {
        self.render_with(out, |name| args.iter().find(|(n, _)| *n == name).map(|(_, a)| a.clone()));
    }

    /// Fills the placeholders with whatever `lookup` gives for each name (nothing renders empty).
    pub fn render_with<'a>(&self, out: &mut String, lookup: impl Fn(&str) -> Option<Arg<'a>>) {
        for segment in &self.segments {
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Value(name) => {
                    if let Some(arg) = lookup(name) {
                        arg.push_to(out);
                    }
                }
            }
        }
    }

    /// The placeholder names the text uses, in order of appearance (a name used twice appears twice).
    pub fn placeholders(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.segments.iter().filter_map(|s| if let Segment::Value(name) = s { Some(*name) } else { None })
    }
}

impl Arg<'_> {
    /// The value as a template prints it.
    pub fn push_to(&self, out: &mut String) {
        match self {
            Arg::Date(date) => date.push_iso(out),
            Arg::Int(n) => push_int(out, *n),
            Arg::Text(text) => out.push_str(text),
            Arg::Owned(text) => out.push_str(text),
        }
    }
}

/// Decimal digits without the formatting machinery: explanations are written for every deadline.
fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut value = n.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&b| char::from(b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_known_placeholders_and_keeps_literal_braces() {
        let t = Template::compile("{{x}} {on}: {days} days = {due}.", &["on", "days", "due"]).unwrap();
        let on: Date = "2026-02-09".parse().unwrap();
        let text =
            t.render(&[("on", Arg::Date(on)), ("days", Arg::Int(87)), ("due", Arg::Date(on.add_days(87)))]);
        assert_eq!(text, "{x} 2026-02-09: 87 days = 2026-05-07.");
        assert_eq!(t.source(), "{{x}} {on}: {days} days = {due}.");
    }

    #[test]
    fn writes_integers_like_display() {
        let t = Template::compile("{n}", &["n"]).unwrap();
        for n in [0, 7, 84, 180, -3, 1_000_000, i64::MIN, i64::MAX] {
            assert_eq!(t.render(&[("n", Arg::Int(n))]), n.to_string());
        }
    }

    #[test]
    fn refuses_unknown_and_unbalanced_placeholders() {
        assert!(matches!(
            Template::compile("due {dew}", &["due"]),
            Err(TemplateError::UnknownPlaceholder { name, .. }) if name == "dew"
        ));
        assert_eq!(Template::compile("due {due", &["due"]), Err(TemplateError::Unclosed));
        assert_eq!(Template::compile("{due is {due}", &["due"]), Err(TemplateError::Unclosed));
        assert_eq!(Template::compile("due }", &["due"]), Err(TemplateError::UnopenedBrace));
    }
}
