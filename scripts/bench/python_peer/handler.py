"""The Python peer of the balance function, for `make bench`'s cold start comparison.

Does the same set-up a Python Lambda of this service would (boto3's DynamoDB client, the Stripe
client, Powertools' logger and metrics) and answers the same request the same way for a seller
without an account: verify the HS256 seller token, one consistent read of the seller's record,
200 `not_started`. Not a port of the service: only what the cold start and first response need.
"""

import base64
import hashlib
import hmac
import json
import os
import time

import boto3
import stripe
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger(service="balance")
metrics = Metrics(namespace="Veza", service="balance")
dynamodb = boto3.client("dynamodb", endpoint_url=os.environ.get("DYNAMODB_ENDPOINT") or None)
stripe_client = stripe.StripeClient(
    os.environ["STRIPE_CONNECT_SECRET"], base_addresses={"api": os.environ["STRIPE_API_BASE"]}
)
ACCOUNTS = os.environ["SELLER_ACCOUNTS_TABLE"]
SECRET = os.environ["JWT_SECRET"].encode()


def _b64(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _seller(authorization):
    """The token's `sub` when it is a valid, unexpired HS256 seller token, else None."""
    token = authorization.removeprefix("Bearer ")
    try:
        header, claims, signature = token.split(".")
        expected = hmac.new(SECRET, f"{header}.{claims}".encode(), hashlib.sha256).digest()
        payload = json.loads(_b64(claims))
    except ValueError:
        return None
    if not hmac.compare_digest(expected, _b64(signature)) or payload.get("exp", 0) < time.time():
        return None
    return payload["sub"] if "seller" in payload.get("roles", []) else None


def _answer(status, body):
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


@metrics.log_metrics
@logger.inject_lambda_context
def handler(event, context):
    seller = _seller(event.get("headers", {}).get("authorization", ""))
    if seller is None:
        return _answer(401, {"code": "token_invalid"})
    item = dynamodb.get_item(TableName=ACCOUNTS, Key={"pk": {"S": f"USER#{seller}"}}, ConsistentRead=True)
    metrics.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
    if "Item" not in item:
        return _answer(200, {"status": "not_started", "available": [], "pending": []})
    return _answer(200, {"status": "pending", "available": [], "pending": []})
