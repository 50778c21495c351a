"""AppTable stream, filtered to changes of user profiles: soft deletes, TTL removals, and changes of
live profiles (among them renames).

A soft delete retires the user's posts from the indexes; TTL's removal after the grace period purges
what the deleted user leaves behind; a rename rewrites the copy of the author on their posts. (One
function for the three: a DynamoDB stream serves two readers at a time, and AuditStreamFunction is the
other.)
"""

from typing import Any

from spooky.observability import background_handler, logger, metrics
from spooky_jobs.authors import refresh_renamed_authors_posts
from spooky_jobs.retention import purge_expired_user, retire_deleted_users_posts

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord) -> None:
    retired = retire_deleted_users_posts(record)
    if retired is not None:
        logger.info("Retired a deleted user's posts from the indexes", extra={"retired": retired._asdict()})
        metrics.add_metric(name="UserPostsRetired", unit=MetricUnit.Count, value=retired.posts)
    refreshed = refresh_renamed_authors_posts(record)
    if refreshed is not None:
        logger.info("Refreshed a renamed author's posts", extra={"refreshed": refreshed._asdict()})
        metrics.add_metric(name="AuthorCopiesRefreshed", unit=MetricUnit.Count, value=refreshed.posts)
    report = purge_expired_user(record)
    if report is not None:
        logger.info("Purged a deleted user's data", extra={"purge": report._asdict()})
        metrics.add_metric(name="UsersPurged", unit=MetricUnit.Count, value=1)


@background_handler
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    # Reported failures are retried by Lambda, not counted as Errors: RetentionPurgeFailuresAlarm.
    failures = len(response.get("batchItemFailures", []))
    if failures:
        metrics.add_metric(name="RetentionPurgeFailures", unit=MetricUnit.Count, value=failures)
    return response
