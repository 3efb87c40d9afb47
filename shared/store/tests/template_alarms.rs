//! The failures that make no noise on their own have an alarm in `template.yaml`: the webhook's 4xx
//! (a wrong signing secret or an endpoint on another API version: Stripe retries for days, then
//! disables the endpoint) and the seller routes' 5xx (handled errors, which Lambda's own `Errors`
//! never count). Both watch the functions' EMF request metrics (`Veza/Payouts`, dimension set
//! `[Function]`, docs/METRICS.md) and notify `AlarmTopicArn`.

use serde_norway::Value;

/// A metric an alarm watches: namespace, name and its dimensions as `Name=Value`, sorted.
type Watched = (String, String, Vec<String>);

fn dimensions(metric: &Value) -> Vec<String> {
    let mut dims: Vec<String> = metric["Dimensions"]
        .as_sequence()
        .into_iter()
        .flatten()
        .map(|d| {
            format!(
                "{}={}",
                d["Name"].as_str().unwrap_or("?"),
                d["Value"].as_str().unwrap_or("?")
            )
        })
        .collect();
    dims.sort();
    dims
}

fn watched(metric: &Value) -> Option<Watched> {
    Some((
        metric["Namespace"].as_str()?.to_owned(),
        metric["MetricName"].as_str()?.to_owned(),
        dimensions(metric),
    ))
}

/// Every `AWS::CloudWatch::Alarm`: its id, the metrics it watches (a plain alarm's metric, or
/// each `MetricStat` of a metric-math alarm) and whether it notifies `AlarmTopicArn`.
fn alarms(template: &str) -> Vec<(String, Vec<Watched>, bool)> {
    let doc: Value = serde_norway::from_str(template).expect("template.yaml parses");
    doc["Resources"]
        .as_mapping()
        .expect("Resources")
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::CloudWatch::Alarm")
        .map(|(id, r)| {
            let p = &r["Properties"];
            let mut metrics: Vec<Watched> = watched(p).into_iter().collect();
            metrics.extend(
                p["Metrics"]
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .filter_map(|m| watched(&m["MetricStat"]["Metric"])),
            );
            let notifies = format!("{:?}", p["AlarmActions"]).contains("AlarmTopicArn");
            (id.as_str().unwrap_or("?").to_owned(), metrics, notifies)
        })
        .collect()
}

/// The alarms (id) watching `metric` of `function`'s request records, that notify.
fn alarms_on(template: &str, metric: &str, function: &str) -> Vec<String> {
    let wanted: Watched = (
        "Veza/Payouts".into(),
        metric.into(),
        vec![format!("Function={function}")],
    );
    alarms(template)
        .into_iter()
        .filter(|(_, metrics, notifies)| *notifies && metrics.contains(&wanted))
        .map(|(id, _, _)| id)
        .collect()
}

#[test]
fn webhook_client_errors_alarm() {
    let on = alarms_on(store::schema::TEMPLATE, "ClientErrors", "webhook");
    assert_eq!(on, ["WebhookClientErrorsAlarm"], "{on:?}");
}

#[test]
fn every_seller_route_has_a_server_errors_alarm() {
    for function in ["onboard", "callback", "balance"] {
        let on = alarms_on(store::schema::TEMPLATE, "Errors", function);
        assert_eq!(on, ["SellerServerErrorsAlarm"], "{function}: {on:?}");
    }
    // The webhook's 5xx keep their own alarm.
    assert_eq!(
        alarms_on(store::schema::TEMPLATE, "Errors", "webhook"),
        ["WebhookServerErrorsAlarm"]
    );
}

#[test]
fn math_alarms_are_read_through_their_metric_stats() {
    let template = r#"
Resources:
  A:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Metrics:
        - Id: e
          Expression: SUM([x])
        - {Id: x, MetricStat: {Stat: Sum, Period: 300, Metric: {Namespace: Veza/Payouts, MetricName: Errors, Dimensions: [{Name: Function, Value: balance}]}}}
      AlarmActions: !If [HasAlarmTopic, [!Ref AlarmTopicArn], !Ref AWS::NoValue]
  Silent:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: Veza/Payouts
      MetricName: Errors
      Dimensions: [{Name: Function, Value: balance}]
"#;
    assert_eq!(alarms_on(template, "Errors", "balance"), ["A"]);
    assert!(alarms_on(template, "Errors", "onboard").is_empty());
}
