//! A statement's `Resource` entry rendered for a stack: a literal ARN (wildcards allowed),
//! `!GetAtt Table.Arn` / `Fn::GetAtt: [Table, Arn]` (or a queue's `Arn`), or `!Sub` / `Fn::Sub` (string form) over
//! `${Table.Arn}`, `${Table}` (its name) and the pseudo parameters `AWS::Partition`,
//! `AWS::Region`, `AWS::AccountId`, `AWS::URLSuffix`. Anything else is refused.

use serde_yaml::Value;

use crate::policy::{Resource, Stack};

/// A string or a list of strings (a statement's `Action`).
pub fn strings(value: Option<&Value>) -> Result<Vec<String>, String> {
    let one = |v: &Value| {
        v.as_str()
            .map(str::to_owned)
            .ok_or(format!("{v:?} is not a string"))
    };
    match value {
        Some(Value::Sequence(list)) => list.iter().map(one).collect(),
        Some(v) => one(v).map(|s| vec![s]),
        None => Err("missing".into()),
    }
}

pub fn render(value: &Value, stack: &Stack) -> Result<Resource, String> {
    let intrinsic = match value {
        Value::String(arn) => {
            return Ok(Resource {
                arn: arn.clone(),
                label: arn.clone(),
            });
        }
        Value::Tagged(tagged) => Some((tagged.tag.to_string(), &tagged.value)),
        Value::Mapping(map) if map.len() == 1 => map
            .iter()
            .next()
            .and_then(|(k, v)| Some((k.as_str()?.replace("Fn::", "!"), v))),
        _ => None,
    };
    match intrinsic {
        Some((name, Value::String(arg))) if name == "!GetAtt" => {
            let (target, attribute) = arg.split_once('.').ok_or(format!("!GetAtt {arg}"))?;
            get_att(target, attribute, stack)
        }
        Some((name, Value::Sequence(args))) if name == "!GetAtt" => match &args[..] {
            [Value::String(target), Value::String(attribute)] => get_att(target, attribute, stack),
            _ => Err(format!("Fn::GetAtt {args:?}")),
        },
        Some((name, Value::String(text))) if name == "!Sub" => sub(text, stack),
        _ => Err(format!(
            "resource {value:?} is not modelled by the IAM proof"
        )),
    }
}

/// The ARN of a table or a queue of the template.
fn get_att(target: &str, attribute: &str, stack: &Stack) -> Result<Resource, String> {
    if let Some(queue) = stack.queues.get(target) {
        if attribute != "Arn" {
            return Err(format!("!GetAtt {target}.{attribute} is not modelled"));
        }
        return Ok(Resource {
            arn: stack.queue_arn(queue),
            label: target.to_owned(),
        });
    }
    let physical = stack
        .tables
        .get(target)
        .ok_or(format!("{target} is not a table of the template"))?;
    if attribute != "Arn" {
        return Err(format!("!GetAtt {target}.{attribute} is not modelled"));
    }
    Ok(Resource {
        arn: stack.table_arn(physical),
        label: target.to_owned(),
    })
}

/// `${...}` substitution, the ARN and the label side by side.
fn sub(text: &str, stack: &Stack) -> Result<Resource, String> {
    let (mut arn, mut label) = (String::new(), String::new());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let (before, after) = rest.split_at(start);
        arn.push_str(before);
        label.push_str(before);
        let end = after
            .find('}')
            .ok_or(format!("!Sub {text}: unclosed ${{"))?;
        let name = &after[2..end];
        let (a, l) = match name {
            literal if literal.starts_with('!') => {
                let kept = format!("${{{}}}", &literal[1..]);
                (kept.clone(), Some(kept))
            }
            "AWS::Partition" => (Stack::PARTITION.to_owned(), None),
            "AWS::Region" => (stack.region.clone(), None),
            "AWS::AccountId" => (stack.account.clone(), None),
            "AWS::URLSuffix" => ("amazonaws.com".to_owned(), None),
            _ => match name.split_once('.') {
                Some((target, attribute)) => {
                    let r = get_att(target, attribute, stack)?;
                    (r.arn, Some(r.label))
                }
                None => {
                    let physical = stack
                        .tables
                        .get(name)
                        .ok_or(format!("!Sub {text}: ${{{name}}} is not modelled"))?;
                    (physical.clone(), Some(name.to_owned()))
                }
            },
        };
        label.push_str(&l.unwrap_or_else(|| format!("${{{name}}}")));
        arn.push_str(&a);
        rest = &after[end + 1..];
    }
    arn.push_str(rest);
    label.push_str(rest);
    Ok(Resource { arn, label })
}
