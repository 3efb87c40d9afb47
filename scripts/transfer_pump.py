"""The local stand-in for Lambda's SQS event source mapping (`make dev`).

    transfer_pump.py create ENDPOINT NAME     prints the URL of queue NAME on ENDPOINT (moto)
    transfer_pump.py pump ENDPOINT QUEUE_URL INVOKE_URL

`pump` receives up to 10 messages at a time from the transfer queue, invokes the transfer function
with them as Lambda would (an SQS event, through `cargo lambda watch`'s invoke endpoint), and
deletes the ones the function did not report in `batchItemFailures` (ReportBatchItemFailures).
A failed item stays on the queue, hidden for the function's own backoff (1 minute first, as on
AWS: the function changes its visibility); every item of a failed invocation is received again
when its visibility timeout (VISIBILITY, shorter than AWS's so local retries come quickly) ends.
Unlike AWS there is no dead-letter queue here: a message that always fails is retried forever,
and logged each time.
"""

import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request

import boto3

VISIBILITY = 10  # seconds a received message stays hidden (the template's queue: 720)
# Short polls, IDLE apart: scripts/moto_server.py handles one request at a time, so a long poll
# (WaitTimeSeconds) would hold every DynamoDB request of the stack behind it.
IDLE = 0.1


def client(endpoint):
    # moto accepts any credentials; a developer's own AWS settings are never used here.
    return boto3.client(
        "sqs",
        endpoint_url=endpoint,
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def event(messages, arn):
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody"),
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
    }


def invoke(url, payload):
    """The function's answer (a dict), or None when the invocation itself failed."""
    req = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=900) as resp:
            return json.loads(resp.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError) as e:
        print(f"transfer-pump: invocation failed: {e}", flush=True)
        return None


def pump(endpoint, queue_url, invoke_url):
    sqs = client(endpoint)
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    print(f"transfer-pump: {queue_url} -> {invoke_url}", flush=True)
    while True:
        messages = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=0,
            VisibilityTimeout=VISIBILITY,
            AttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            time.sleep(IDLE)
            continue
        answer = invoke(invoke_url, event(messages, arn))
        if answer is None:
            time.sleep(1)
            continue
        failed = {f.get("itemIdentifier") for f in answer.get("batchItemFailures") or []}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(done)
                ],
            )
        print(
            f"transfer-pump: {len(messages)} received, {len(done)} done, {len(failed)} to retry",
            flush=True,
        )


def main(argv):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if len(argv) == 3 and argv[0] == "create":
        print(client(argv[1]).create_queue(QueueName=argv[2])["QueueUrl"])
    elif len(argv) == 4 and argv[0] == "pump":
        pump(*argv[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
