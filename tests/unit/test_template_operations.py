"""template.yaml declares the operations of the seed: backups, audit log, retention, alarms, dashboard."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devtools.template import functions, load_template, resources

TABLES = resources("AWS::DynamoDB::Table")
# Retained tables hold the data; the others (idempotency records) are short-lived caches.
DATA_TABLES = sorted(name for name, table in TABLES.items() if table.get("DeletionPolicy") == "Retain")
AUDITED_TABLES = ["AppTable", "AuthTable"]
ALARMS = resources("AWS::CloudWatch::Alarm")
DYNAMODB_WRITES = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
    "dynamodb:PartiQLInsert",
}


def properties(logical_id: str) -> dict[str, Any]:
    resource: dict[str, Any] = load_template()["Resources"][logical_id]
    return dict(resource["Properties"])


def statements(function: str) -> list[dict[str, Any]]:
    found = []
    for policy in properties(function).get("Policies", []):
        if isinstance(policy, dict) and "Statement" in policy:
            found.extend(policy["Statement"])
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def mentions(resource: Any, logical_id: str) -> bool:
    return logical_id in json.dumps(resource)


def metric_names(alarm: dict[str, Any]) -> set[str]:
    props = alarm["Properties"]
    names = {props["MetricName"]} if "MetricName" in props else set()
    for query in props.get("Metrics", []):
        if "MetricStat" in query:
            names.add(query["MetricStat"]["Metric"]["MetricName"])
        expression = json.dumps(query.get("Expression", ""))
        names.update(word for word in ("ThrottledRequests", "SystemErrors") if word in expression)
    return names


def test_the_data_tables_are_app_auth_and_audit() -> None:
    assert DATA_TABLES == ["AppTable", "AuditTable", "AuthTable"]


@pytest.mark.parametrize("logical_id", DATA_TABLES)
def test_data_tables_are_recoverable_encrypted_retained_and_expiring(logical_id: str) -> None:
    table = TABLES[logical_id]
    props = table["Properties"]
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}
    assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert props["DeletionProtectionEnabled"] == {"Fn::If": ["IsProd", True, False]}


@pytest.mark.parametrize("logical_id", AUDITED_TABLES)
def test_every_audited_table_streams_into_the_audit_function_without_losing_batches(logical_id: str) -> None:
    assert TABLES[logical_id]["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    events = [
        event["Properties"]
        for event in functions()["AuditStreamFunction"].events.values()
        if event["Type"] == "DynamoDB"
        and event["Properties"]["Stream"] == {"Fn::GetAtt": [logical_id, "StreamArn"]}
    ]
    assert len(events) == 1
    source = events[0]
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["BisectBatchOnFunctionError"] is True
    assert source["StartingPosition"] == "TRIM_HORIZON"
    assert source["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["StreamDeadLetterQueue", "Arn"]
    }


def test_only_the_stream_function_writes_the_audit_log_and_only_by_put() -> None:
    writers = {}
    for name in functions():
        for policy in properties(name).get("Policies", []):
            if mentions(policy, "AuditTable") and "Statement" not in policy:
                pytest.fail(f"{name} reaches AuditTable through a policy template: {policy}")
        for statement in statements(name):
            targets_audit = any(
                resource == {"Fn::GetAtt": ["AuditTable", "Arn"]}
                for resource in as_list(statement["Resource"])
            )
            writes = set(as_list(statement["Action"])) & DYNAMODB_WRITES
            if targets_audit and writes:
                writers[name] = writes
    assert writers == {"AuditStreamFunction": {"dynamodb:PutItem"}}


def test_the_retention_function_runs_only_on_changes_of_profiles() -> None:
    (event,) = functions()["RetentionPurgeFunction"].events.values()
    ttl_removal, soft_delete, live_change = (
        json.loads(entry["Pattern"]) for entry in event["Properties"]["FilterCriteria"]["Filters"]
    )
    assert ttl_removal == {
        "eventName": ["REMOVE"],
        "userIdentity": {"type": ["Service"], "principalId": ["dynamodb.amazonaws.com"]},
        "dynamodb": {"Keys": {"sk": {"S": ["PROFILE"]}}},
    }
    assert soft_delete == {
        "eventName": ["MODIFY"],
        "dynamodb": {
            "Keys": {"sk": {"S": ["PROFILE"]}},
            "OldImage": {"deletedAt": [{"exists": False}]},
            "NewImage": {"deletedAt": {"S": [{"exists": True}]}},
        },
    }
    # Among them renames (the function refreshes the author's copies on their posts).
    assert live_change == {
        "eventName": ["MODIFY"],
        "dynamodb": {"Keys": {"sk": {"S": ["PROFILE"]}}, "NewImage": {"deletedAt": [{"exists": False}]}},
    }


def test_the_backup_plan_backs_up_every_data_table_daily_for_35_days() -> None:
    (rule,) = properties("BackupPlan")["BackupPlan"]["BackupPlanRule"]
    selected = properties("BackupSelection")["BackupSelection"]["Resources"]
    assert rule["ScheduleExpression"].startswith("cron(0 3 * * ? *")
    assert rule["Lifecycle"] == {"DeleteAfterDays": 35}
    assert all(entry["Fn::GetAtt"][1] == "Arn" for entry in selected)
    assert sorted(entry["Fn::GetAtt"][0] for entry in selected) == DATA_TABLES


def test_the_canary_and_the_drill_are_scheduled() -> None:
    (canary,) = functions()["HealthCanaryFunction"].events.values()
    (drill,) = functions()["BackupDrillFunction"].events.values()
    assert (canary["Type"], canary["Properties"]["Schedule"]) == ("Schedule", "rate(1 minute)")
    assert drill["Type"] == "Schedule"


@pytest.mark.parametrize(
    ("metric", "missing_data"),
    [
        ("DatabaseHealthy", "breaching"),
        ("BackupDrillSucceeded", "breaching"),
        ("5XXError", "notBreaching"),
        ("Latency", "notBreaching"),
        ("Errors", "notBreaching"),
        ("Throttles", "notBreaching"),
        ("IteratorAge", "notBreaching"),
        ("ApproximateNumberOfMessagesVisible", "notBreaching"),
    ],
)
def test_an_alarm_watches(metric: str, missing_data: str) -> None:
    watching = [alarm for alarm in ALARMS.values() if metric in metric_names(alarm)]
    assert watching, f"no alarm on {metric}"
    assert all(alarm["Properties"]["TreatMissingData"] == missing_data for alarm in watching)


@pytest.mark.parametrize("logical_id", DATA_TABLES)
@pytest.mark.parametrize("metric", ["ThrottledRequests", "SystemErrors"])
def test_dynamodb_errors_and_throttles_alarm_for_every_data_table(logical_id: str, metric: str) -> None:
    watching = [
        alarm
        for alarm in ALARMS.values()
        if metric in metric_names(alarm)
        and f"${{{logical_id}}}" in json.dumps(alarm["Properties"]["Metrics"])
    ]
    assert len(watching) == 1


def test_the_api_latency_alarm_is_on_p99() -> None:
    assert properties("ApiLatencyP99Alarm")["ExtendedStatistic"] == "p99"


def test_custom_metric_alarms_use_the_namespace_and_service_the_functions_publish_with() -> None:
    variables = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    for name in ("DatabaseHealthAlarm", "BackupDrillAlarm"):
        alarm = properties(name)
        assert alarm["Namespace"] == variables["POWERTOOLS_METRICS_NAMESPACE"]
        assert alarm["Dimensions"] == [{"Name": "service", "Value": variables["POWERTOOLS_SERVICE_NAME"]}]


@pytest.mark.parametrize("alarm", sorted(ALARMS))
def test_every_alarm_notifies_the_alarm_topic(alarm: str) -> None:
    assert properties(alarm)["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_the_dashboard_shows_every_alarm_and_the_capacity_of_every_index() -> None:
    body = properties("OperationsDashboard")["DashboardBody"]["Fn::Sub"]
    for alarm in ALARMS:
        assert f"${{{alarm}.Arn}}" in body
    for table, resource in TABLES.items():
        assert f'"ConsumedCapacity.{table}"' in body
        for index in resource["Properties"].get("GlobalSecondaryIndexes", []):
            assert f'"ConsumedCapacity.{table}.{index["IndexName"]}"' in body


def alarms_mentioning(*words: str) -> list[str]:
    return sorted(name for name, alarm in ALARMS.items() if all(word in json.dumps(alarm) for word in words))


@pytest.mark.parametrize(
    "words",
    [
        ("NumberOfBackupJobsFailed", "${BackupVault}"),  # AWS Backup's daily jobs
        ("IteratorAge", "RetentionPurgeFunction"),  # the purge's stream lag
        ("RetentionPurgeFailures",),  # the purge's partial-batch failures
        ("ThrottledRequests", "${IdempotencyTable}"),
        ("EmailDeliveryFailures",),
    ],
)
def test_an_alarm_watches_the_deploy_ready_signals(words: tuple[str, ...]) -> None:
    assert len(alarms_mentioning(*words)) == 1, words


def test_prod_cannot_deploy_without_an_alarm_subscriber() -> None:
    rule = load_template()["Rules"]["ProdHasRealValues"]
    assert rule["RuleCondition"] == {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}
    assert {"Fn::Not": [{"Fn::Contains": [["", "CHANGE-ME"], {"Ref": "AlarmEmail"}]}]} in [
        assertion["Assert"] for assertion in rule["Assertions"]
    ]
    assert properties("AlarmEmailSubscription")["Endpoint"] == {"Ref": "AlarmEmail"}
