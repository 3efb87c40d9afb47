//! IAM's wildcard matching: `*` is any run of characters (none included), `?` any one character.
//! Actions compare case-insensitively, resource ARNs case-sensitively.

/// Whether `text` matches `pattern`.
pub fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let fold = |s: &str| -> Vec<char> {
        if ignore_case {
            s.to_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    let (p, t) = (fold(pattern), fold(text));
    // The classic greedy match with one backtrack point (the last `*`).
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn iam_wildcards() {
        let table = "arn:aws:dynamodb:us-east-1:123456789012:table/t-ledger";
        assert!(matches(table, table, false));
        assert!(matches("arn:aws:dynamodb:*:*:table/t-*", table, false));
        assert!(matches("*", table, false));
        assert!(matches("arn:aws:dynamodb:us-east-?:*", table, false));
        assert!(!matches(
            "arn:aws:dynamodb:*:*:table/t-ledger/*",
            table,
            false
        ));
        assert!(!matches(table, &format!("{table}/index/open"), false));
        assert!(matches(
            &format!("{table}/index/*"),
            &format!("{table}/index/open"),
            false
        ));
        assert!(!matches("arn:aws:dynamodb:*:*:TABLE/*", table, false));
    }

    #[test]
    fn actions_ignore_case() {
        assert!(matches("dynamodb:GetItem", "dynamodb:getitem", true));
        assert!(matches("DynamoDB:Get*", "dynamodb:GetItem", true));
        assert!(matches("dynamodb:*", "dynamodb:Query", true));
        assert!(!matches("dynamodb:Get*", "dynamodb:BatchGetItem", true));
        assert!(!matches("dynamodb:GetItem", "dynamodb:GetItems", true));
    }
}
