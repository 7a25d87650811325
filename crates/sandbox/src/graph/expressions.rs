//! Entra attribute-mapping expressions: the text form (`Item(Split([userPrincipalName], "@"), 1)`),
//! its `attributeMappingSource` JSON tree, and an evaluator for the functions the wizard and the
//! default `scim` schema use.
//!
//! Text grammar (what the admin center accepts): `[attribute]`, `"string constant"` (with `\"`
//! and `\\` escapes), a bare number (a constant), `Function(arg, arg, …)`; an argument may be
//! empty (`Switch([IsSoftDeleted], , "False", "True", "True", "False")`).

use serde_json::{Value, json};

/// A parsed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    Attribute(String),
    Constant(String),
    Function {
        name: String,
        args: Vec<Expr>,
        /// The function call as written (trimmed): Graph echoes it as `expression`.
        text: String,
    },
}

/// Why an expression could not be parsed (becomes `parseExpressionResponse.error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub(crate) message: String,
}

fn error(message: impl Into<String>) -> ParseError {
    ParseError {
        message: message.into(),
    }
}

/// What a function accepts: fixed leading parameter keys, then an optional repeating group.
struct FunctionSpec {
    name: &'static str,
    leading: &'static [&'static str],
    /// Keys repeated after the leading ones (`&[]`: none allowed).
    repeating: &'static [&'static str],
    /// Minimum number of arguments.
    min: usize,
    /// Trailing optional keys (accepted after `leading`, when `repeating` is empty).
    optional: &'static [&'static str],
}

/// UNVERIFIED: the parameter keys of the functions (the one documented sample, `Mid`, uses
/// `source`, `start`, `length`; `Split` is assumed to use `source`, `delimiter`). Every parameter
/// key the simulator emits and reads is in this table and nowhere else. Clients must not hand-build
/// these: they take `parsedExpression`.
const FUNCTIONS: &[FunctionSpec] = &[
    FunctionSpec {
        name: "Item",
        leading: &["source", "index"],
        repeating: &[],
        min: 2,
        optional: &[],
    },
    FunctionSpec {
        name: "Split",
        leading: &["source", "delimiter"],
        repeating: &[],
        min: 2,
        optional: &[],
    },
    FunctionSpec {
        name: "Join",
        leading: &["separator"],
        repeating: &["source"],
        min: 2,
        optional: &[],
    },
    FunctionSpec {
        name: "Switch",
        leading: &["source", "defaultValue"],
        repeating: &["key", "value"],
        min: 2,
        optional: &[],
    },
    FunctionSpec {
        name: "SingleAppRoleAssignment",
        leading: &["source"],
        repeating: &[],
        min: 1,
        optional: &[],
    },
    FunctionSpec {
        name: "Coalesce",
        leading: &[],
        repeating: &["source"],
        min: 1,
        optional: &[],
    },
    FunctionSpec {
        name: "ToLower",
        leading: &["source"],
        repeating: &[],
        min: 1,
        optional: &["culture"],
    },
    FunctionSpec {
        name: "ToUpper",
        leading: &["source"],
        repeating: &[],
        min: 1,
        optional: &["culture"],
    },
    FunctionSpec {
        name: "Mid",
        leading: &["source", "start", "length"],
        repeating: &[],
        min: 3,
        optional: &[],
    },
    FunctionSpec {
        name: "Append",
        leading: &["source", "suffix"],
        repeating: &[],
        min: 2,
        optional: &[],
    },
    FunctionSpec {
        name: "Not",
        leading: &["source"],
        repeating: &[],
        min: 1,
        optional: &[],
    },
    FunctionSpec {
        name: "NormalizeDiacritics",
        leading: &["source"],
        repeating: &[],
        min: 1,
        optional: &[],
    },
    FunctionSpec {
        name: "StripSpaces",
        leading: &["source"],
        repeating: &[],
        min: 1,
        optional: &[],
    },
    FunctionSpec {
        name: "IsNullOrEmpty",
        leading: &["source"],
        repeating: &[],
        min: 1,
        optional: &[],
    },
    FunctionSpec {
        name: "IsPresent",
        leading: &["source"],
        repeating: &[],
        min: 1,
        optional: &[],
    },
    FunctionSpec {
        name: "IIF",
        leading: &["condition", "valueIfTrue", "valueIfFalse"],
        repeating: &[],
        min: 3,
        optional: &[],
    },
];

fn spec(name: &str) -> Option<&'static FunctionSpec> {
    FUNCTIONS
        .iter()
        .find(|spec| spec.name.eq_ignore_ascii_case(name))
}

/// The parameter keys for a call with `count` arguments, or why the count is wrong.
fn parameter_keys(spec: &FunctionSpec, count: usize) -> Result<Vec<&'static str>, ParseError> {
    let wrong = || {
        error(format!(
            "Function '{}' does not accept {count} argument(s).",
            spec.name
        ))
    };
    if count < spec.min {
        return Err(wrong());
    }
    let mut keys: Vec<&'static str> = spec.leading.iter().copied().take(count).collect();
    let rest = count.saturating_sub(spec.leading.len());
    if spec.repeating.is_empty() {
        if rest > spec.optional.len() {
            return Err(wrong());
        }
        keys.extend(spec.optional.iter().take(rest));
    } else {
        if !rest.is_multiple_of(spec.repeating.len()) {
            return Err(wrong());
        }
        keys.extend(spec.repeating.iter().cycle().take(rest));
    }
    Ok(keys)
}

/// The `schema/functions` listing (`attributeMappingFunctionSchema[]`).
pub(crate) fn function_schemas() -> Vec<Value> {
    FUNCTIONS
        .iter()
        .map(|spec| {
            let mut parameters: Vec<Value> = spec
                .leading
                .iter()
                .enumerate()
                .map(|(index, key)| {
                    json!({"allowMultipleOccurrences": false, "name": key,
                           "required": index < spec.min, "type": "String"})
                })
                .collect();
            parameters.extend(spec.repeating.iter().chain(spec.optional).map(|key| {
                json!({"allowMultipleOccurrences": !spec.repeating.is_empty(), "name": key,
                       "required": false, "type": "String"})
            }));
            json!({"name": spec.name, "parameters": parameters})
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Parsing text

struct Parser<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<char> {
        self.text[self.position..].chars().next()
    }

    fn skip_spaces(&mut self) {
        while let Some(c) = self.peek() {
            if !c.is_whitespace() {
                break;
            }
            self.position += c.len_utf8();
        }
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.position += c.len_utf8();
        Some(c)
    }

    fn expect(&mut self, wanted: char) -> Result<(), ParseError> {
        self.skip_spaces();
        match self.bump() {
            Some(c) if c == wanted => Ok(()),
            Some(c) => Err(error(format!(
                "Syntax error: expected '{wanted}' but found '{c}' at position {}.",
                self.position
            ))),
            None => Err(error(format!(
                "Syntax error: expected '{wanted}' at the end of the expression."
            ))),
        }
    }

    /// One argument, which may be empty (then `None`).
    fn argument(&mut self) -> Result<Option<Expr>, ParseError> {
        self.skip_spaces();
        match self.peek() {
            Some(',') | Some(')') => Ok(None),
            _ => self.expression().map(Some),
        }
    }

    fn expression(&mut self) -> Result<Expr, ParseError> {
        self.skip_spaces();
        let start = self.position;
        match self.peek() {
            None => Err(error("Syntax error: the expression is empty.")),
            Some('[') => {
                self.bump();
                let name_start = self.position;
                while let Some(c) = self.peek() {
                    if c == ']' {
                        break;
                    }
                    self.position += c.len_utf8();
                }
                let name = self.text[name_start..self.position].trim().to_string();
                self.expect(']')?;
                if name.is_empty() {
                    return Err(error("Syntax error: empty attribute name '[]'."));
                }
                Ok(Expr::Attribute(name))
            }
            Some('"') => {
                self.bump();
                let mut value = String::new();
                loop {
                    match self.bump() {
                        None => return Err(error("Syntax error: unterminated string constant.")),
                        Some('\\') => match self.bump() {
                            Some(c) => value.push(c),
                            None => {
                                return Err(error("Syntax error: unterminated string constant."));
                            }
                        },
                        Some('"') => break,
                        Some(c) => value.push(c),
                    }
                }
                Ok(Expr::Constant(value))
            }
            Some(c) if c.is_ascii_digit() || c == '-' => {
                while let Some(c) = self.peek() {
                    if !(c.is_ascii_digit() || c == '-' || c == '.') {
                        break;
                    }
                    self.position += 1;
                }
                Ok(Expr::Constant(self.text[start..self.position].to_string()))
            }
            Some(c) if c.is_ascii_alphabetic() => {
                while let Some(c) = self.peek() {
                    if !(c.is_ascii_alphanumeric() || c == '_') {
                        break;
                    }
                    self.position += 1;
                }
                let name = &self.text[start..self.position];
                let spec = spec(name).ok_or_else(|| {
                    error(format!(
                        "The function '{name}' is not a supported function."
                    ))
                })?;
                self.expect('(')?;
                let mut args = Vec::new();
                self.skip_spaces();
                if self.peek() == Some(')') {
                    self.bump();
                } else {
                    loop {
                        args.push(
                            self.argument()?
                                .unwrap_or_else(|| Expr::Constant(String::new())),
                        );
                        self.skip_spaces();
                        match self.bump() {
                            Some(',') => continue,
                            Some(')') => break,
                            Some(c) => {
                                return Err(error(format!(
                                    "Syntax error: unexpected '{c}' at position {}.",
                                    self.position
                                )));
                            }
                            None => {
                                return Err(error(format!(
                                    "Syntax error: missing ')' for function '{}'.",
                                    spec.name
                                )));
                            }
                        }
                    }
                }
                parameter_keys(spec, args.len())?;
                Ok(Expr::Function {
                    name: spec.name.to_string(),
                    args,
                    text: self.text[start..self.position].trim().to_string(),
                })
            }
            Some(c) => Err(error(format!(
                "Syntax error: unexpected '{c}' at position {start}."
            ))),
        }
    }
}

/// Parses an expression as the admin center's expression editor would.
pub(crate) fn parse(text: &str) -> Result<Expr, ParseError> {
    let mut parser = Parser { text, position: 0 };
    let expr = parser.expression()?;
    parser.skip_spaces();
    if parser.position < text.len() {
        return Err(error(format!(
            "Syntax error: unexpected text '{}' after the expression.",
            &text[parser.position..]
        )));
    }
    Ok(expr)
}

fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The `attributeMappingSource` JSON of an expression.
pub(crate) fn to_source(expr: &Expr) -> Value {
    match expr {
        Expr::Attribute(name) => json!({"expression": format!("[{name}]"), "name": name,
                                        "type": "Attribute", "parameters": []}),
        Expr::Constant(value) => json!({"expression": quoted(value), "name": value,
                                        "type": "Constant", "parameters": []}),
        Expr::Function { name, args, text } => {
            let keys = spec(name)
                .and_then(|spec| parameter_keys(spec, args.len()).ok())
                .unwrap_or_default();
            let parameters: Vec<Value> = args
                .iter()
                .zip(keys)
                .map(|(arg, key)| json!({"key": key, "value": to_source(arg)}))
                .collect();
            json!({"expression": text, "name": name, "type": "Function", "parameters": parameters})
        }
    }
}

/// Reads an `attributeMappingSource` back (from a saved schema). A `Function` without
/// `parameters` is read from its `expression` text.
pub(crate) fn from_source(source: &Value) -> Result<Expr, ParseError> {
    let text = |key: &str| source.get(key).and_then(Value::as_str);
    let kind = text("type").unwrap_or_default();
    if kind.eq_ignore_ascii_case("Attribute") {
        if let Some(name) = text("name").filter(|name| !name.is_empty()) {
            return Ok(Expr::Attribute(name.to_string()));
        }
    } else if kind.eq_ignore_ascii_case("Constant") {
        if let Some(name) = text("name") {
            return Ok(Expr::Constant(name.to_string()));
        }
    } else if kind.eq_ignore_ascii_case("Function") {
        let parameters = source
            .get("parameters")
            .and_then(Value::as_array)
            .filter(|parameters| !parameters.is_empty());
        if let (Some(name), Some(parameters)) = (text("name"), parameters) {
            let spec = spec(name).ok_or_else(|| {
                error(format!(
                    "The function '{name}' is not a supported function."
                ))
            })?;
            let args = parameters
                .iter()
                .map(|parameter| {
                    parameter
                        .get("value")
                        .ok_or_else(|| error("A function parameter has no value."))
                        .and_then(from_source)
                })
                .collect::<Result<Vec<_>, _>>()?;
            parameter_keys(spec, args.len())?;
            return Ok(Expr::Function {
                name: spec.name.to_string(),
                text: text("expression").unwrap_or(name).to_string(),
                args,
            });
        }
    }
    match text("expression").filter(|expression| !expression.trim().is_empty()) {
        Some(expression) => parse(expression),
        None => Err(error(format!(
            "The attribute mapping source of type '{kind}' has neither a name nor an expression."
        ))),
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// A value flowing through an expression: absent, one string, or a multi-valued attribute.
/// Booleans are the strings "True"/"False", as Entra renders them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Val {
    Null,
    One(String),
    Many(Vec<String>),
}

impl Val {
    fn as_text(&self) -> Option<String> {
        match self {
            Val::Null => None,
            Val::One(text) => Some(text.clone()),
            Val::Many(values) => values.first().cloned(),
        }
    }

    pub(crate) fn values(&self) -> Vec<String> {
        match self {
            Val::Null => Vec::new(),
            Val::One(text) => vec![text.clone()],
            Val::Many(values) => values.clone(),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Val::Null => true,
            Val::One(text) => text.is_empty(),
            Val::Many(values) => values.is_empty(),
        }
    }

    /// What parseExpression reports as `evaluationResult`.
    pub(crate) fn to_results(&self) -> Vec<String> {
        self.values()
    }
}

fn boolean(flag: bool) -> Val {
    Val::One(if flag { "True" } else { "False" }.to_string())
}

fn strip_diacritics(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'È' | 'É' | 'Ê' | 'Ë' => 'E',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'O',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
            'ç' => 'c',
            'Ç' => 'C',
            'ñ' => 'n',
            'Ñ' => 'N',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect()
}

/// Evaluates `expr`, reading source attributes through `attribute` (names compared
/// case-insensitively by the caller).
pub(crate) fn evaluate(expr: &Expr, attribute: &dyn Fn(&str) -> Val) -> Result<Val, String> {
    let args = match expr {
        Expr::Attribute(name) => return Ok(attribute(name)),
        Expr::Constant(value) => return Ok(Val::One(value.clone())),
        Expr::Function { args, .. } => args
            .iter()
            .map(|arg| evaluate(arg, attribute))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let Expr::Function { name, .. } = expr else {
        return Ok(Val::Null);
    };
    let arg = |index: usize| args.get(index).cloned().unwrap_or(Val::Null);
    let text_of = |index: usize| arg(index).as_text();
    let number = |index: usize| -> Result<i64, String> {
        text_of(index)
            .and_then(|text| text.trim().parse::<i64>().ok())
            .ok_or_else(|| format!("{name}: argument {} must be a whole number", index + 1))
    };
    Ok(match name.as_str() {
        "Item" => {
            // 1-based: index 1 is the first element; 0 and out of range give null.
            let index = number(1)?;
            let values = arg(0).values();
            usize::try_from(index)
                .ok()
                .and_then(|index| index.checked_sub(1))
                .and_then(|index| values.get(index).cloned())
                .map_or(Val::Null, Val::One)
        }
        "Split" => match (text_of(0), text_of(1)) {
            (None, _) => Val::Null,
            (Some(source), Some(delimiter)) if !delimiter.is_empty() => Val::Many(
                source
                    .split(delimiter.as_str())
                    .map(str::to_string)
                    .collect(),
            ),
            (Some(source), _) => Val::Many(vec![source]),
        },
        "Join" => {
            let separator = text_of(0).unwrap_or_default();
            let parts: Vec<String> = args.iter().skip(1).flat_map(Val::values).collect();
            if parts.is_empty() {
                Val::Null
            } else {
                Val::One(parts.join(&separator))
            }
        }
        "Switch" => {
            let source = text_of(0).unwrap_or_default();
            let mut result = arg(1);
            for pair in args.get(2..).unwrap_or_default().chunks(2) {
                if let [key, value] = pair
                    && key.as_text().unwrap_or_default() == source
                {
                    result = value.clone();
                    break;
                }
            }
            result
        }
        "SingleAppRoleAssignment" => arg(0).as_text().map_or(Val::Null, Val::One),
        "Coalesce" => args
            .iter()
            .find(|value| !value.is_empty())
            .cloned()
            .unwrap_or(Val::Null),
        "ToLower" => text_of(0).map_or(Val::Null, |text| Val::One(text.to_lowercase())),
        "ToUpper" => text_of(0).map_or(Val::Null, |text| Val::One(text.to_uppercase())),
        "Mid" => {
            let start = usize::try_from(number(1)?.max(1) - 1).unwrap_or(0);
            let length = usize::try_from(number(2)?.max(0)).unwrap_or(0);
            text_of(0).map_or(Val::Null, |text| {
                Val::One(text.chars().skip(start).take(length).collect())
            })
        }
        "Append" => match text_of(0) {
            None => Val::Null,
            Some(text) => Val::One(format!("{text}{}", text_of(1).unwrap_or_default())),
        },
        "Not" => boolean(!text_of(0).is_some_and(|text| text.eq_ignore_ascii_case("true"))),
        "NormalizeDiacritics" => {
            text_of(0).map_or(Val::Null, |text| Val::One(strip_diacritics(&text)))
        }
        "StripSpaces" => text_of(0).map_or(Val::Null, |text| {
            Val::One(text.chars().filter(|c| !c.is_whitespace()).collect())
        }),
        "IsNullOrEmpty" => boolean(arg(0).is_empty()),
        "IsPresent" => boolean(!arg(0).is_empty()),
        "IIF" => {
            if text_of(0).is_some_and(|text| text.eq_ignore_ascii_case("true")) {
                arg(1)
            } else {
                arg(2)
            }
        }
        other => return Err(format!("the function '{other}' cannot be evaluated")),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn user(name: &str) -> Val {
        match name.to_ascii_lowercase().as_str() {
            "userprincipalname" => Val::One("jane.doe@contoso.com".into()),
            "givenname" => Val::One("Jane".into()),
            "surname" => Val::One("Doe".into()),
            "issoftdeleted" => Val::One("False".into()),
            _ => Val::Null,
        }
    }

    #[test]
    fn item_split_parses_to_the_documented_tree() {
        let text = r#"Item(Split([userPrincipalName], "@"), 1)"#;
        let expr = parse(text).unwrap();
        assert_eq!(
            to_source(&expr),
            json!({"expression": text, "name": "Item", "type": "Function", "parameters": [
                {"key": "source", "value": {"expression": "Split([userPrincipalName], \"@\")",
                    "name": "Split", "type": "Function", "parameters": [
                    {"key": "source", "value": {"expression": "[userPrincipalName]",
                        "name": "userPrincipalName", "type": "Attribute", "parameters": []}},
                    {"key": "delimiter", "value": {"expression": "\"@\"", "name": "@",
                        "type": "Constant", "parameters": []}}]}},
                {"key": "index", "value": {"expression": "\"1\"", "name": "1",
                    "type": "Constant", "parameters": []}}]})
        );
        assert_eq!(evaluate(&expr, &user).unwrap(), Val::One("jane.doe".into()));
        // The JSON tree reads back to the same expression.
        assert_eq!(from_source(&to_source(&expr)).unwrap(), expr);
    }

    #[test]
    fn switch_with_an_empty_default_and_join() {
        let active =
            parse(r#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#).unwrap();
        assert_eq!(evaluate(&active, &user).unwrap(), Val::One("True".into()));
        let formatted = parse(r#"Join(" ", [givenName], [surname])"#).unwrap();
        assert_eq!(
            evaluate(&formatted, &user).unwrap(),
            Val::One("Jane Doe".into())
        );
        let lower = parse(r#"ToLower(Coalesce([mail], [userPrincipalName]))"#).unwrap();
        assert_eq!(
            evaluate(&lower, &user).unwrap(),
            Val::One("jane.doe@contoso.com".into())
        );
    }

    #[test]
    fn item_is_one_based_and_zero_gives_null() {
        let zero = parse(r#"Item(Split([userPrincipalName], "@"), 0)"#).unwrap();
        assert_eq!(evaluate(&zero, &user).unwrap(), Val::Null);
        let two = parse(r#"Item(Split([userPrincipalName], "@"), 2)"#).unwrap();
        assert_eq!(
            evaluate(&two, &user).unwrap(),
            Val::One("contoso.com".into())
        );
    }

    #[test]
    fn syntax_errors_are_reported() {
        for bad in [
            "",
            "Item(Split([userPrincipalName], \"@\"), 1",
            "Nope([x])",
            "Item([x])",
            "[x] trailing",
            "\"open",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
