"""AppTable and AuthTable streams -> the audit log, one immutable record per change.

Failed records are reported individually (partial batch response): Lambda retries from the first
failure, bisects a failing batch, and finally sends its position to the dead-letter queue.
"""

from typing import Any

from spooky.observability import background_handler, metrics
from spooky_jobs.audit import record_change

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord) -> None:
    if record_change(record):
        metrics.add_metric(name="AuditRecordsWritten", unit=MetricUnit.Count, value=1)


@background_handler
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
