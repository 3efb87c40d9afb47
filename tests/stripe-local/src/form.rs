//! Decoder for Stripe's form encoding (`application/x-www-form-urlencoded` with bracket notation).
//!
//! Clients send nested parameters as `capabilities[transfers][requested]=true`, maps as
//! `metadata[user_id]=u1` and arrays as `expand[]=x` or `expand[0]=x` (async-stripe uses serde_qs,
//! which writes indexed arrays with raw brackets; other clients percent-encode the brackets).
//! The result is a JSON tree whose leaves are all strings, because the wire format carries no
//! types: handlers parse numbers and booleans themselves and report the offending `param`.
//!
//! Rules (documented because they are choices):
//! - `+` is a space, `%XX` is a byte, the decoded bytes must be UTF-8; a bad escape is an error.
//! - A repeated scalar key keeps the last value (Rails/serde_qs behaviour).
//! - `[]` appends and is only allowed as the last segment.
//! - An object whose keys are all decimal indices becomes an array ordered by index, except the
//!   direct children of a `metadata` key, whose keys are arbitrary strings (`metadata[0]=x`).
//! - A key used both as a scalar and as a container (`a=1&a[b]=2`) is an error, as are empty
//!   names, unbalanced brackets and nesting deeper than [`MAX_DEPTH`].

use serde_json::{Map, Value};
use std::fmt;

/// Deepest nesting accepted (Stripe's deepest parameters are far shallower).
pub const MAX_DEPTH: usize = 8;

/// Why a form body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError(pub String);

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormError {}

enum Node {
    Leaf(String),
    Map(Vec<(String, Node)>),
    List(Vec<Node>),
}

/// Decodes a form body or query string into a JSON object of strings, objects and arrays.
pub fn decode(input: &[u8]) -> Result<Value, FormError> {
    let text = std::str::from_utf8(input)
        .map_err(|_| FormError("Invalid request body: not UTF-8".into()))?;
    let mut root: Vec<(String, Node)> = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(raw_key)?;
        let value = percent_decode(raw_value)?;
        let path = parse_key(&key)?;
        insert(&mut root, &path, value, &key)?;
    }
    Ok(to_json(Node::Map(root), false))
}

fn percent_decode(s: &str) -> Result<String, FormError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| FormError(format!("Invalid percent-encoding in `{s}`")))?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| FormError(format!("Invalid UTF-8 after decoding `{s}`")))
}

/// Splits `a[b][]` into `["a", "b", ""]`.
fn parse_key(key: &str) -> Result<Vec<String>, FormError> {
    let bad = || FormError(format!("Invalid parameter name `{key}`"));
    let (name, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    if name.is_empty() || name.contains(']') {
        return Err(bad());
    }
    let mut path = vec![name.to_owned()];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[').ok_or_else(bad)?;
        let end = inner.find(']').ok_or_else(bad)?;
        let seg = &inner[..end];
        if seg.contains('[') {
            return Err(bad());
        }
        path.push(seg.to_owned());
        rest = &inner[end + 1..];
    }
    if path.len() > MAX_DEPTH {
        return Err(FormError(format!("Parameter `{key}` is nested too deeply")));
    }
    if path[..path.len() - 1].iter().any(String::is_empty) {
        return Err(FormError(format!(
            "`[]` may only end a parameter name: `{key}`"
        )));
    }
    Ok(path)
}

fn insert(
    map: &mut Vec<(String, Node)>,
    path: &[String],
    value: String,
    key: &str,
) -> Result<(), FormError> {
    let conflict = || FormError(format!("Conflicting values for parameter `{key}`"));
    let (head, tail) = path.split_first().ok_or_else(conflict)?;
    let pos = map.iter().position(|(k, _)| k == head);
    let Some(next) = tail.first() else {
        return match pos {
            Some(i) if matches!(map[i].1, Node::Leaf(_)) => {
                map[i].1 = Node::Leaf(value);
                Ok(())
            }
            Some(_) => Err(conflict()),
            None => {
                map.push((head.clone(), Node::Leaf(value)));
                Ok(())
            }
        };
    };
    let idx = match pos {
        Some(i) => i,
        None => {
            let node = if next.is_empty() {
                Node::List(Vec::new())
            } else {
                Node::Map(Vec::new())
            };
            map.push((head.clone(), node));
            map.len() - 1
        }
    };
    match (&mut map[idx].1, next.is_empty()) {
        (Node::List(items), true) => {
            items.push(Node::Leaf(value));
            Ok(())
        }
        (Node::Map(inner), false) => insert(inner, tail, value, key),
        _ => Err(conflict()),
    }
}

fn index_of(key: &str) -> Option<usize> {
    let canonical = key == "0" || (!key.starts_with('0') && !key.is_empty());
    if canonical && key.bytes().all(|b| b.is_ascii_digit()) {
        key.parse().ok()
    } else {
        None
    }
}

fn to_json(node: Node, keep_map: bool) -> Value {
    match node {
        Node::Leaf(s) => Value::String(s),
        Node::List(items) => Value::Array(items.into_iter().map(|n| to_json(n, false)).collect()),
        Node::Map(entries) => {
            let all_indices = !keep_map
                && !entries.is_empty()
                && entries.iter().all(|(k, _)| index_of(k).is_some());
            if all_indices {
                let mut indexed: Vec<(usize, Node)> = entries
                    .into_iter()
                    .filter_map(|(k, v)| index_of(&k).map(|i| (i, v)))
                    .collect();
                indexed.sort_by_key(|(i, _)| *i);
                return Value::Array(
                    indexed
                        .into_iter()
                        .map(|(_, n)| to_json(n, false))
                        .collect(),
                );
            }
            let mut out = Map::new();
            for (k, v) in entries {
                let child_keep = k == "metadata";
                out.insert(k, to_json(v, child_keep));
            }
            Value::Object(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(s: &str) -> Value {
        decode(s.as_bytes()).expect(s)
    }

    #[test]
    fn flat_and_nested() {
        assert_eq!(
            ok(
                "type=express&country=FR&capabilities[transfers][requested]=true&metadata[user_id]=u1"
            ),
            json!({"type":"express","country":"FR","capabilities":{"transfers":{"requested":"true"}},"metadata":{"user_id":"u1"}})
        );
    }

    #[test]
    fn percent_encoded_brackets_and_plus() {
        assert_eq!(
            ok("metadata%5Border_id%5D=o+1&email=a%40b.c&note=x%2By"),
            json!({"metadata":{"order_id":"o 1"},"email":"a@b.c","note":"x+y"})
        );
    }

    #[test]
    fn arrays_appended_and_indexed() {
        assert_eq!(ok("expand[]=a&expand[]=b"), json!({"expand":["a","b"]}));
        assert_eq!(ok("expand[1]=b&expand[0]=a"), json!({"expand":["a","b"]}));
        assert_eq!(
            ok("items[0][price]=p1&items[0][qty]=2&items[1][price]=p2"),
            json!({"items":[{"price":"p1","qty":"2"},{"price":"p2"}]})
        );
    }

    #[test]
    fn metadata_numeric_keys_stay_a_map() {
        assert_eq!(ok("metadata[0]=x"), json!({"metadata":{"0":"x"}}));
        // Leading zeros are not indices.
        assert_eq!(ok("a[01]=x"), json!({"a":{"01":"x"}}));
    }

    #[test]
    fn empty_values_and_bare_keys() {
        assert_eq!(
            ok("description=&flag&&"),
            json!({"description":"","flag":""})
        );
        assert_eq!(ok(""), json!({}));
    }

    #[test]
    fn repeated_scalar_keeps_last() {
        assert_eq!(ok("a=1&a=2"), json!({"a":"2"}));
    }

    #[test]
    fn malformed_inputs_are_errors() {
        for bad in [
            "a[b=1",
            "a]=1",
            "[a]=1",
            "a[b]c=1",
            "a[[b]]=1",
            "a=%zz",
            "a=%4",
            "a=%ff",
            "a=1&a[b]=2",
            "a[b]=2&a=1",
            "a[]=1&a[b]=2",
            "a[][b]=1",
            "a[b][c][d][e][f][g][h][i]=1",
        ] {
            assert!(decode(bad.as_bytes()).is_err(), "{bad} should fail");
        }
        assert!(decode(&[0xff, b'=', b'1']).is_err());
    }

    #[test]
    fn unicode_values() {
        assert_eq!(ok("name=Andr%C3%A9"), json!({"name":"André"}));
    }
}
