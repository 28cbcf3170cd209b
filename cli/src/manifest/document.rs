//! A monitoring file read as a tree of JSON values with the line and column of every node, so
//! that each problem found later (by serde, by the domain's parsers, by reference checks) can
//! say where it is. YAML 1.2 (saphyr), of which JSON is a subset: one parser reads both.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::fmt;

/// A place in the file: line and column, both from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// One thing wrong with a file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Where, as a path (`monitors.api.assertions[2]`); empty for the whole file.
    pub path: String,
    /// Where, in the file.
    pub position: Option<Position>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.position {
            write!(f, "{}:{}: ", p.line, p.column)?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// The file's tree, and where each node of it is.
#[derive(Clone, Debug)]
pub struct Document {
    /// The tree.
    pub value: Value,
    positions: HashMap<String, Position>,
}

/// `parent.child`, or `child` at the top.
pub fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_owned() } else { format!("{parent}.{key}") }
}

impl Document {
    /// Parses `text` (YAML or JSON); an empty file is an empty mapping.
    pub fn parse(text: &str) -> Result<Document, Problem> {
        let documents = MarkedYaml::load_from_str(text).map_err(|error| Problem {
            path: String::new(),
            position: Some(Position { line: error.marker().line(), column: error.marker().col() + 1 }),
            message: format!("this is not valid YAML or JSON: {}", error.info()),
        })?;
        let mut document = Document { value: Value::Object(Map::new()), positions: HashMap::new() };
        match documents.as_slice() {
            [] => {}
            [root] => {
                document.positions.insert(String::new(), position(root));
                document.value = document.convert(root, "")?;
            }
            [_, second, ..] => {
                return Err(Problem {
                    path: String::new(),
                    position: Some(position(second)),
                    message: "holds more than one YAML document; put everything in one".into(),
                });
            }
        }
        Ok(document)
    }

    fn convert(&mut self, node: &MarkedYaml, path: &str) -> Result<Value, Problem> {
        let unsupported = |what: &str| Problem {
            path: path.to_owned(),
            position: Some(position(node)),
            message: format!("{what} is not supported here"),
        };
        Ok(match &node.data {
            YamlData::Value(scalar) => scalar_value(scalar),
            YamlData::Representation(text, ..) => Value::String(text.to_string()),
            YamlData::Sequence(items) => {
                let mut values = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{path}[{i}]");
                    self.positions.insert(item_path.clone(), position(item));
                    values.push(self.convert(item, &item_path)?);
                }
                Value::Array(values)
            }
            YamlData::Mapping(entries) => {
                let mut object = Map::new();
                for (key, value) in entries {
                    let name = match &key.data {
                        YamlData::Value(Scalar::String(text)) => text.to_string(),
                        YamlData::Value(scalar) => match scalar_value(scalar) {
                            Value::String(text) => text,
                            other => other.to_string(),
                        },
                        _ => {
                            return Err(Problem {
                                path: path.to_owned(),
                                position: Some(position(key)),
                                message: "a key must be plain text".into(),
                            });
                        }
                    };
                    let entry_path = child_path(path, &name);
                    self.positions.insert(entry_path.clone(), position(key));
                    let converted = self.convert(value, &entry_path)?;
                    object.insert(name, converted);
                }
                Value::Object(object)
            }
            YamlData::Tagged(_, inner) => self.convert(inner, path)?,
            YamlData::Alias(_) => return Err(unsupported("an alias")),
            YamlData::BadValue => return Err(unsupported("this value")),
        })
    }

    /// Where `path` is, or the nearest enclosing node that has a place.
    pub fn position(&self, path: &str) -> Option<Position> {
        let mut path = path;
        loop {
            if let Some(position) = self.positions.get(path) {
                return Some(*position);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }

    /// A problem at `path`.
    pub fn problem(&self, path: &str, message: impl Into<String>) -> Problem {
        Problem { path: path.to_owned(), position: self.position(path), message: message.into() }
    }
}

fn position(node: &MarkedYaml) -> Position {
    Position { line: node.span.start.line(), column: node.span.start.col() + 1 }
}

fn scalar_value(scalar: &Scalar) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number((*i).into()),
        Scalar::FloatingPoint(f) => Number::from_f64(f.into_inner()).map_or(Value::Null, Value::Number),
        Scalar::String(text) => Value::String(text.to_string()),
    }
}

/// Replaces every `${NAME}` in the strings of `value` by the variable `NAME` of `env` (`$${`
/// writes a literal `${`); an unset variable is a problem at the string's path.
pub fn interpolate(document: &mut Document, env: &dyn Fn(&str) -> Option<String>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut value = std::mem::take(&mut document.value);
    walk(&mut value, "", &mut |path, text| match substitute(text, env) {
        Ok(done) => Some(done),
        Err(name) => {
            problems.push(document.problem(path, format!("the environment variable {name} is not set")));
            None
        }
    });
    document.value = value;
    problems
}

fn walk(value: &mut Value, path: &str, visit: &mut dyn FnMut(&str, &str) -> Option<String>) {
    match value {
        Value::String(text) if text.contains('$') => {
            if let Some(done) = visit(path, text) {
                *text = done;
            }
        }
        Value::Array(items) => items.iter_mut().enumerate().for_each(|(i, item)| walk(item, &format!("{path}[{i}]"), visit)),
        Value::Object(fields) => fields.iter_mut().for_each(|(key, item)| walk(item, &child_path(path, key), visit)),
        _ => {}
    }
}

/// `text` with its variables replaced, or the name of the first that is not set.
fn substitute(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        if let Some(escaped) = after.strip_prefix("$${") {
            out.push_str("${");
            rest = escaped;
        } else if let Some(open) = after.strip_prefix("${")
            && let Some(end) = open.find('}')
            && is_variable_name(&open[..end])
        {
            out.push_str(&env(&open[..end]).ok_or_else(|| open[..end].to_owned())?);
            rest = &open[end + 1..];
        } else {
            out.push('$');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_has_its_place() {
        let text = "monitors:\n  api:\n    url: https://example.com\n    assertions:\n      - \"[STATUS] == 200\"\n      - bad\n";
        let document = Document::parse(text).unwrap();
        assert_eq!(document.value["monitors"]["api"]["assertions"][1], "bad");
        let at = |path: &str| document.position(path).map(|p| (p.line, p.column));
        assert_eq!(at("monitors.api"), Some((2, 3)));
        assert_eq!(at("monitors.api.assertions[1]"), Some((6, 9)));
        assert_eq!(at("monitors.api.assertions[1].nowhere"), Some((6, 9)), "the nearest enclosing node");
        assert_eq!(at("monitors.api.url"), Some((3, 5)));
    }

    #[test]
    fn json_is_read_too_and_scalars_keep_their_types() {
        let document = Document::parse("{\"interval_seconds\": 30, \"verify_tls\": false, \"start\": \"02:00\", \"x\": null}").unwrap();
        assert_eq!(document.value, serde_json::json!({"interval_seconds": 30, "verify_tls": false, "start": "02:00", "x": null}));
        let yaml = Document::parse("start: 02:00\nexpected: [2xx, 200]\nratio: 1.5\n").unwrap();
        assert_eq!(yaml.value, serde_json::json!({"start": "02:00", "expected": ["2xx", 200], "ratio": 1.5}), "YAML 1.2: no sexagesimals");
    }

    #[test]
    fn syntax_errors_and_duplicate_keys_say_where() {
        let problem = Document::parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(problem.position.map(|p| p.line), Some(2), "{problem}");
        let problem = Document::parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(problem.position.is_some() && problem.message.contains("not valid"), "{problem}");
    }

    #[test]
    fn variables_are_replaced_and_unset_ones_reported_where_they_are() {
        let mut document =
            Document::parse("hook:\n  url: https://h/${TOKEN}\n  note: costs $${PRICE} and $5\nother: ${MISSING}\n").unwrap();
        let env = |name: &str| (name == "TOKEN").then(|| "s3cr3t".to_owned());
        let problems = interpolate(&mut document, &env);
        assert_eq!(document.value["hook"]["url"], "https://h/s3cr3t");
        assert_eq!(document.value["hook"]["note"], "costs ${PRICE} and $5");
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].path.as_str(), problems[0].position.map(|p| p.line)), ("other", Some(4)));
        assert!(problems[0].message.contains("MISSING"));
    }
}
