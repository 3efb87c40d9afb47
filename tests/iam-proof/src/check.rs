//! Holds each function's recorded calls against its own policy, both ways:
//! - every access of every call must be allowed (IAM: an explicit deny wins, else an allow is
//!   needed; actions match case-insensitively, resources case-sensitively, `*` and `?` anywhere);
//! - every grant (an `Allow` statement's action on one of its resources) must be used by a call,
//!   or be listed in the allow-list ([`Unexercised`]) with its reason; a stale entry fails.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::policy::{FunctionPolicy, Stack};
use crate::recorder::Call;
use crate::wildcard::matches;

/// A grant no traffic exercises, allowed on purpose (e.g. an action only an error path uses).
#[derive(Clone, Copy, Debug)]
pub struct Unexercised {
    /// The function's name (its binary), e.g. `onboard`.
    pub function: &'static str,
    /// As written in the policy, e.g. `dynamodb:UpdateItem`.
    pub action: &'static str,
    /// As labelled in the table, e.g. `SellerAccountsTable` or `PayoutLedgerTable/index/open`.
    pub resource: &'static str,
    pub reason: &'static str,
}

/// One grant of a function's policy and its use by the traffic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub function: String,
    pub action: String,
    /// The resource's label (tables by logical id).
    pub resource: String,
    /// Accesses of the function's calls it covers.
    pub calls: usize,
    /// The operations those calls were (`TransactWriteItems` for an item of a transaction).
    pub via: BTreeSet<String>,
    /// The allow-list's reason, when unexercised on purpose.
    pub excused: Option<&'static str>,
}

/// The outcome: the grant table and every problem (the proof passes when there is none).
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub grants: Vec<Grant>,
    pub problems: Vec<String>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks `calls` (per function name) against `policies` rendered for `stack`.
pub fn check(
    policies: &[FunctionPolicy],
    calls: &BTreeMap<String, Vec<Call>>,
    stack: &Stack,
    unexercised: &[Unexercised],
) -> Report {
    let mut report = Report::default();
    for function in calls.keys() {
        if !policies.iter().any(|p| &p.function == function) {
            report.problems.push(format!(
                "{function}: calls recorded for a function template.yaml does not define"
            ));
        }
    }
    for policy in policies {
        let made = calls.get(&policy.function).map_or(&[][..], Vec::as_slice);
        report.problems.extend(denials(policy, made, stack));
        report.grants.extend(uses(policy, made, stack));
    }
    excuse(&mut report, unexercised);
    report
}

/// Whether `policy` allows `action` on `arn`.
fn allowed(policy: &FunctionPolicy, action: &str, arn: &str) -> Result<(), &'static str> {
    let applies = |allow: bool| {
        policy
            .statements
            .iter()
            .filter(move |s| s.allow == allow)
            .any(|s| {
                s.actions.iter().any(|a| matches(a, action, true))
                    && s.resources.iter().any(|r| matches(&r.arn, arn, false))
            })
    };
    if applies(false) {
        Err("denied by a Deny statement")
    } else if applies(true) {
        Ok(())
    } else {
        Err("not allowed by any statement")
    }
}

/// The calls `policy` does not allow, one line per distinct problem with its count.
fn denials(policy: &FunctionPolicy, made: &[Call], stack: &Stack) -> Vec<String> {
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    let who = format!("{} ({})", policy.function, policy.logical_id);
    for call in made {
        if call.accesses.is_empty() {
            let problem = format!(
                "{who}: {} is not modelled by the recorder (tests/iam-proof/src/recorder.rs): \
                 add what IAM checks for it",
                call.operation
            );
            *found.entry(problem).or_default() += 1;
        }
        for access in &call.accesses {
            let (arn, label) = stack.resource_of(access);
            if let Err(why) = allowed(policy, &access.action, &arn) {
                let problem = format!(
                    "{who}: {} needs {} on {label} ({arn}): {why} of its policy in template.yaml",
                    call.operation, access.action
                );
                *found.entry(problem).or_default() += 1;
            }
        }
    }
    found
        .into_iter()
        .map(|(problem, n)| format!("{problem} [{n} call(s)]"))
        .collect()
}

/// Every grant of `policy` with the accesses it covers.
fn uses(policy: &FunctionPolicy, made: &[Call], stack: &Stack) -> Vec<Grant> {
    let mut grants: BTreeMap<(String, String), Grant> = BTreeMap::new();
    for statement in policy.statements.iter().filter(|s| s.allow) {
        for action in &statement.actions {
            for resource in &statement.resources {
                let key = (action.clone(), resource.label.clone());
                let grant = grants.entry(key).or_insert_with(|| Grant {
                    function: policy.function.clone(),
                    action: action.clone(),
                    resource: resource.label.clone(),
                    calls: 0,
                    via: BTreeSet::new(),
                    excused: None,
                });
                for call in made {
                    for access in &call.accesses {
                        let covered = matches(action, &access.action, true)
                            && matches(&resource.arn, &stack.resource_of(access).0, false);
                        if covered {
                            grant.calls += 1;
                            grant.via.insert(call.operation.clone());
                        }
                    }
                }
            }
        }
    }
    grants.into_values().collect()
}

/// Unused grants fail unless allow-listed; allow-list entries must name an unused grant.
fn excuse(report: &mut Report, unexercised: &[Unexercised]) {
    for entry in unexercised {
        let grant = report.grants.iter_mut().find(|g| {
            g.function == entry.function && g.action == entry.action && g.resource == entry.resource
        });
        let stale = match grant {
            _ if entry.reason.trim().is_empty() => Some("has no reason"),
            None => Some("names no grant of template.yaml"),
            Some(g) if g.calls > 0 => Some("names a grant the traffic now uses: remove the entry"),
            Some(g) => {
                g.excused = Some(entry.reason);
                None
            }
        };
        if let Some(why) = stale {
            report
                .problems
                .push(format!("allow-list entry {entry:?} {why}"));
        }
    }
    for g in &report.grants {
        if g.calls == 0 && g.excused.is_none() {
            let on_index = g.resource.contains("/index/")
                && !["dynamodb:Query", "dynamodb:Scan", "dynamodb:*"]
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(&g.action));
            let hint = if on_index {
                " (DynamoDB checks item actions against the table, never an index: grant the \
                 index Query only, in a statement of its own)"
            } else {
                ""
            };
            report.problems.push(format!(
                "{}: grants {} on {}, which no call uses{hint}: remove it (least privilege), or \
                 list it in the allow-list with the reason",
                g.function, g.action, g.resource
            ));
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head = ["function", "action", "resource", "calls", "exercised"];
        let rows: Vec<[String; 5]> = self
            .grants
            .iter()
            .map(|g| {
                let exercised = match (g.calls, g.excused) {
                    (0, Some(reason)) => format!("no (allowed: {reason})"),
                    (0, None) => "NO".to_owned(),
                    _ => format!("yes ({})", Vec::from_iter(g.via.clone()).join(", ")),
                };
                let calls = g.calls.to_string();
                [
                    g.function.clone(),
                    g.action.clone(),
                    g.resource.clone(),
                    calls,
                    exercised,
                ]
            })
            .collect();
        let width = |i: usize| rows.iter().map(|r| r[i].len()).chain([head[i].len()]).max();
        let widths: Vec<usize> = (0..head.len()).map(|i| width(i).unwrap_or(0)).collect();
        let line = |f: &mut fmt::Formatter<'_>, cells: [&str; 5]| {
            let [function, action, resource, calls, exercised] = cells;
            let [w0, w1, w2, w3, _] = [widths[0], widths[1], widths[2], widths[3], widths[4]];
            writeln!(
                f,
                "{function:<w0$}  {action:<w1$}  {resource:<w2$}  {calls:>w3$}  {exercised}"
            )
        };
        writeln!(
            f,
            "IAM proof: each function's policy in template.yaml against its calls"
        )?;
        line(f, head)?;
        for row in &rows {
            line(f, [&row[0], &row[1], &row[2], &row[3], &row[4]])?;
        }
        if self.problems.is_empty() {
            return writeln!(f, "every call allowed, every grant used or allow-listed");
        }
        writeln!(f, "{} problem(s):", self.problems.len())?;
        self.problems.iter().try_for_each(|p| writeln!(f, "- {p}"))
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
