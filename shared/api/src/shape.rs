//! What a body that does not have the expected shape says: the field's path and, in the API's
//! words, what it must be; serde's own vocabulary (`u32`, `struct AlertRuleDraft`) stays out.
//! The server answers with it, and the CLI reports the problems of a monitoring file with it.

use vigil_domain::monitor::FieldError;

/// The field error for serde's `message` about the value at `path` (`.` for the whole body).
pub fn field_error(path: &str, message: &str) -> FieldError {
    let field = if path == "." { String::new() } else { path.to_owned() };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let fields: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let known = if fields.is_empty() { String::new() } else { format!("; the fields here are {}", fields.join(", ")) };
        // The path already ends with the unknown name.
        let field = if field.is_empty() { name.to_owned() } else { field };
        return FieldError { field, message: format!("`{name}` is not a field of this object{known}") };
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        let field = if field.is_empty() { name.to_owned() } else { format!("{field}.{name}") };
        return FieldError { field, message: "is required".into() };
    }
    let message = match (message.strip_prefix("invalid type: "), message.strip_prefix("invalid value: ")) {
        (Some(rest), _) | (_, Some(rest)) => match rest.split_once(", expected ") {
            Some((got, expected)) => format!("must be {}, not {}", expected_in_words(expected), got_in_words(got)),
            None => rest.to_owned(),
        },
        _ => message.to_owned(),
    };
    FieldError { field: if field.is_empty() { "body".into() } else { field }, message }
}

fn expected_in_words(expected: &str) -> String {
    let words = match expected {
        "u8" => "a whole number from 0 to 255",
        "u16" => "a whole number from 0 to 65535",
        "u32" | "u64" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a boolean" => "true or false",
        "a string" | "a borrowed string" => "a string",
        "a sequence" => "a list",
        "a map" => "an object",
        other if other.starts_with("struct ") => "an object",
        other => return other.to_owned(),
    };
    words.to_owned()
}

fn got_in_words(got: &str) -> String {
    match got {
        "sequence" => "a list".into(),
        "map" => "an object".into(),
        "null" => "null".into(),
        other => other.replace("string ", "the string ").replace("integer ", "").replace("floating point ", "").replace("boolean ", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_in_the_apis_words() {
        let cases = [
            (
                "interval_seconds",
                "invalid type: string \"sixty\", expected u32",
                "interval_seconds",
                "must be a whole number, 0 or more, not the string \"sixty\"",
            ),
            (
                "failure_threshold",
                "invalid value: integer `300`, expected u8",
                "failure_threshold",
                "must be a whole number from 0 to 255, not `300`",
            ),
            (
                "colour",
                "unknown field `colour`, expected one of `name`, `url`",
                "colour",
                "`colour` is not a field of this object; the fields here are name, url",
            ),
            (
                "select.monitor",
                "unknown field `monitor`, expected one of `all`, `monitors`",
                "select.monitor",
                "`monitor` is not a field of this object; the fields here are all, monitors",
            ),
            ("escalation[0]", "missing field `after_seconds`", "escalation[0].after_seconds", "is required"),
            ("select", "invalid type: sequence, expected struct SelectorDraft", "select", "must be an object, not a list"),
            (
                "follow_redirects",
                "invalid type: string \"yes\", expected a boolean",
                "follow_redirects",
                "must be true or false, not the string \"yes\"",
            ),
        ];
        for (path, serde_message, field, message) in cases {
            let error = field_error(path, serde_message);
            assert_eq!((error.field.as_str(), error.message.as_str()), (field, message), "{serde_message}");
        }
    }
}
