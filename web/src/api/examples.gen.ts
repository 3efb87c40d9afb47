// GENERATED from docs/openapi.yaml by `npm run generate`: do not edit.
/** Every response example of the contract: examples[operationId][status][mediaType][name]. */
export const examples = {
  "connectOnboard": {
    "200": {
      "application/json": {
        "pending": {
          "status": "pending",
          "stripe_account_id": "acct_1QfT8sK2eZvKYlo2",
          "details_submitted": false,
          "charges_enabled": false,
          "payouts_enabled": false,
          "requirements_due": [
            "business_profile.url",
            "external_account",
            "tos_acceptance.date"
          ],
          "onboarding_url": "https://connect.stripe.com/setup/e/acct_1QfT8sK2eZvKYlo2/Yb5rDqLm0Q2s",
          "expires_at": 1764170000
        },
        "restricted": {
          "status": "restricted",
          "stripe_account_id": "acct_1QfT8sK2eZvKYlo2",
          "details_submitted": true,
          "charges_enabled": false,
          "payouts_enabled": false,
          "requirements_due": [
            "business_profile.url",
            "external_account",
            "tos_acceptance.date"
          ],
          "disabled_reason": "requirements.past_due",
          "onboarding_url": "https://connect.stripe.com/setup/e/acct_1QfT8sK2eZvKYlo2/Yb5rDqLm0Q2s",
          "expires_at": 1764170000
        },
        "complete": {
          "status": "complete",
          "stripe_account_id": "acct_1QfT8sK2eZvKYlo2",
          "details_submitted": true,
          "charges_enabled": true,
          "payouts_enabled": true,
          "requirements_due": [],
          "dashboard_url": "https://connect.stripe.com/express/acct_1QfT8sK2eZvKYlo2/Xq2LpYz8Wc0a"
        }
      }
    },
    "400": {
      "application/problem+json": {
        "invalid_json": {
          "type": "urn:veza:problem:invalid_json",
          "title": "Bad Request",
          "status": 400,
          "detail": "Invalid value: unknown field `amount`, there are no fields",
          "code": "invalid_json",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000001",
          "param": "amount"
        }
      }
    },
    "401": {
      "application/problem+json": {
        "token_missing": {
          "type": "urn:veza:problem:token_missing",
          "title": "Unauthorized",
          "status": 401,
          "detail": "An Authorization: Bearer token is required.",
          "code": "token_missing",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000002"
        },
        "token_malformed": {
          "type": "urn:veza:problem:token_malformed",
          "title": "Unauthorized",
          "status": 401,
          "detail": "The access token is not a well-formed JWT.",
          "code": "token_malformed",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000003"
        },
        "token_expired": {
          "type": "urn:veza:problem:token_expired",
          "title": "Unauthorized",
          "status": 401,
          "detail": "The access token has expired.",
          "code": "token_expired",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000004"
        },
        "token_invalid": {
          "type": "urn:veza:problem:token_invalid",
          "title": "Unauthorized",
          "status": 401,
          "detail": "The access token signature is not valid.",
          "code": "token_invalid",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000005"
        }
      }
    },
    "403": {
      "application/problem+json": {
        "not_a_seller": {
          "type": "urn:veza:problem:not_a_seller",
          "title": "Forbidden",
          "status": 403,
          "detail": "This account does not have the seller role.",
          "code": "not_a_seller",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000006"
        },
        "seller_id_unsupported": {
          "type": "urn:veza:problem:seller_id_unsupported",
          "title": "Forbidden",
          "status": 403,
          "detail": "This account's user id cannot receive payouts (only letters, digits, '_' and '-', at most 64); contact support.",
          "code": "seller_id_unsupported",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000007"
        }
      }
    },
    "404": {
      "application/json": {
        "apiGateway": {
          "message": "Not Found"
        }
      }
    },
    "405": {
      "application/problem+json": {
        "method_not_allowed": {
          "type": "urn:veza:problem:method_not_allowed",
          "title": "Method Not Allowed",
          "status": 405,
          "detail": "This route only answers POST.",
          "code": "method_not_allowed",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000008"
        }
      }
    },
    "409": {
      "application/problem+json": {
        "stripe_account_taken": {
          "type": "urn:veza:problem:stripe_account_taken",
          "title": "Conflict",
          "status": 409,
          "detail": "The Stripe account for this seller is already linked to another user; contact support.",
          "code": "stripe_account_taken",
          "category": "conflict",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000009"
        }
      }
    },
    "413": {
      "application/problem+json": {
        "payload_too_large": {
          "type": "urn:veza:problem:payload_too_large",
          "title": "Payload Too Large",
          "status": 413,
          "detail": "The request body exceeds 65536 bytes.",
          "code": "payload_too_large",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000010"
        }
      }
    },
    "415": {
      "application/problem+json": {
        "unsupported_media_type": {
          "type": "urn:veza:problem:unsupported_media_type",
          "title": "Unsupported Media Type",
          "status": 415,
          "detail": "Send the body as Content-Type: application/json.",
          "code": "unsupported_media_type",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000011"
        }
      }
    },
    "429": {
      "application/problem+json": {
        "rate_limited": {
          "type": "urn:veza:problem:rate_limited",
          "title": "Too Many Requests",
          "status": 429,
          "detail": "Too many requests; retry later.",
          "code": "rate_limited",
          "category": "rate_limited",
          "retryable": true,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000012"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Too Many Requests"
        }
      }
    },
    "500": {
      "application/problem+json": {
        "internal_error": {
          "type": "urn:veza:problem:internal_error",
          "title": "Internal Server Error",
          "status": 500,
          "detail": "An internal error occurred. Quote the request_id when reporting it.",
          "code": "internal_error",
          "category": "internal",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000013"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Internal Server Error"
        }
      }
    },
    "502": {
      "application/problem+json": {
        "stripe_account_missing": {
          "type": "urn:veza:problem:stripe_account_missing",
          "title": "Bad Gateway",
          "status": 502,
          "detail": "Stripe does not know this seller's connected account; contact support.",
          "code": "stripe_account_missing",
          "category": "upstream",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000014"
        },
        "stripe_refused": {
          "type": "urn:veza:problem:stripe_refused",
          "title": "Bad Gateway",
          "status": 502,
          "detail": "Stripe refused the request; contact support if this persists.",
          "code": "stripe_refused",
          "category": "upstream",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000015"
        },
        "stripe_bad_link": {
          "type": "urn:veza:problem:stripe_bad_link",
          "title": "Bad Gateway",
          "status": 502,
          "detail": "Stripe returned an unusable onboarding link.",
          "code": "stripe_bad_link",
          "category": "upstream",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000016"
        }
      }
    },
    "503": {
      "application/problem+json": {
        "upstream_unavailable": {
          "type": "urn:veza:problem:upstream_unavailable",
          "title": "Service Unavailable",
          "status": 503,
          "detail": "A payment or storage service is temporarily unavailable; retry later.",
          "code": "upstream_unavailable",
          "category": "upstream",
          "retryable": true,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000017"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Service Unavailable"
        }
      }
    }
  },
  "connectCallback": {
    "404": {
      "application/json": {
        "apiGateway": {
          "message": "Not Found"
        }
      }
    },
    "405": {
      "application/problem+json": {
        "method_not_allowed": {
          "type": "urn:veza:problem:method_not_allowed",
          "title": "Method Not Allowed",
          "status": 405,
          "detail": "This route only answers GET.",
          "code": "method_not_allowed",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000018"
        }
      }
    },
    "413": {
      "application/problem+json": {
        "payload_too_large": {
          "type": "urn:veza:problem:payload_too_large",
          "title": "Payload Too Large",
          "status": 413,
          "detail": "The request body exceeds 65536 bytes.",
          "code": "payload_too_large",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000010"
        }
      }
    },
    "429": {
      "application/problem+json": {
        "rate_limited": {
          "type": "urn:veza:problem:rate_limited",
          "title": "Too Many Requests",
          "status": 429,
          "detail": "Too many requests; retry later.",
          "code": "rate_limited",
          "category": "rate_limited",
          "retryable": true,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000012"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Too Many Requests"
        }
      }
    },
    "500": {
      "application/problem+json": {
        "internal_error": {
          "type": "urn:veza:problem:internal_error",
          "title": "Internal Server Error",
          "status": 500,
          "detail": "An internal error occurred. Quote the request_id when reporting it.",
          "code": "internal_error",
          "category": "internal",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000013"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Internal Server Error"
        }
      }
    },
    "503": {
      "application/json": {
        "apiGateway": {
          "message": "Service Unavailable"
        }
      }
    }
  },
  "getSellerBalance": {
    "200": {
      "application/json": {
        "not_started": {
          "status": "not_started",
          "available": [],
          "pending": []
        },
        "pending": {
          "status": "pending",
          "available": [],
          "pending": []
        },
        "restricted": {
          "status": "restricted",
          "available": [],
          "pending": []
        },
        "complete": {
          "status": "complete",
          "available": [
            {
              "amount": 123456,
              "currency": "eur"
            },
            {
              "amount": 999,
              "currency": "usd"
            }
          ],
          "pending": [
            {
              "amount": 5400,
              "currency": "eur"
            }
          ],
          "as_of": 1764167400,
          "stale": false
        },
        "stale": {
          "status": "complete",
          "available": [
            {
              "amount": 123456,
              "currency": "eur"
            }
          ],
          "pending": [],
          "as_of": 1764160200,
          "stale": true
        }
      }
    },
    "401": {
      "application/problem+json": {
        "token_missing": {
          "type": "urn:veza:problem:token_missing",
          "title": "Unauthorized",
          "status": 401,
          "detail": "An Authorization: Bearer token is required.",
          "code": "token_missing",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000002"
        },
        "token_malformed": {
          "type": "urn:veza:problem:token_malformed",
          "title": "Unauthorized",
          "status": 401,
          "detail": "The access token is not a well-formed JWT.",
          "code": "token_malformed",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000003"
        },
        "token_expired": {
          "type": "urn:veza:problem:token_expired",
          "title": "Unauthorized",
          "status": 401,
          "detail": "The access token has expired.",
          "code": "token_expired",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000004"
        },
        "token_invalid": {
          "type": "urn:veza:problem:token_invalid",
          "title": "Unauthorized",
          "status": 401,
          "detail": "The access token signature is not valid.",
          "code": "token_invalid",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000005"
        }
      }
    },
    "403": {
      "application/problem+json": {
        "not_a_seller": {
          "type": "urn:veza:problem:not_a_seller",
          "title": "Forbidden",
          "status": 403,
          "detail": "This account does not have the seller role.",
          "code": "not_a_seller",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000006"
        }
      }
    },
    "404": {
      "application/json": {
        "apiGateway": {
          "message": "Not Found"
        }
      }
    },
    "405": {
      "application/problem+json": {
        "method_not_allowed": {
          "type": "urn:veza:problem:method_not_allowed",
          "title": "Method Not Allowed",
          "status": 405,
          "detail": "This route only answers GET.",
          "code": "method_not_allowed",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000018"
        }
      }
    },
    "413": {
      "application/problem+json": {
        "payload_too_large": {
          "type": "urn:veza:problem:payload_too_large",
          "title": "Payload Too Large",
          "status": 413,
          "detail": "The request body exceeds 65536 bytes.",
          "code": "payload_too_large",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000010"
        }
      }
    },
    "429": {
      "application/problem+json": {
        "rate_limited": {
          "type": "urn:veza:problem:rate_limited",
          "title": "Too Many Requests",
          "status": 429,
          "detail": "Too many requests; retry later.",
          "code": "rate_limited",
          "category": "rate_limited",
          "retryable": true,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000012"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Too Many Requests"
        }
      }
    },
    "500": {
      "application/problem+json": {
        "internal_error": {
          "type": "urn:veza:problem:internal_error",
          "title": "Internal Server Error",
          "status": 500,
          "detail": "An internal error occurred. Quote the request_id when reporting it.",
          "code": "internal_error",
          "category": "internal",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000013"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Internal Server Error"
        }
      }
    },
    "502": {
      "application/problem+json": {
        "stripe_account_missing": {
          "type": "urn:veza:problem:stripe_account_missing",
          "title": "Bad Gateway",
          "status": 502,
          "detail": "Stripe does not know this seller's connected account; contact support.",
          "code": "stripe_account_missing",
          "category": "upstream",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000014"
        },
        "stripe_refused": {
          "type": "urn:veza:problem:stripe_refused",
          "title": "Bad Gateway",
          "status": 502,
          "detail": "Stripe refused the request; contact support if this persists.",
          "code": "stripe_refused",
          "category": "upstream",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000015"
        }
      }
    },
    "503": {
      "application/problem+json": {
        "upstream_unavailable": {
          "type": "urn:veza:problem:upstream_unavailable",
          "title": "Service Unavailable",
          "status": 503,
          "detail": "A payment or storage service is temporarily unavailable; retry later.",
          "code": "upstream_unavailable",
          "category": "upstream",
          "retryable": true,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000017"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Service Unavailable"
        }
      }
    }
  },
  "listSellerPayouts": {
    "200": {
      "application/json": {
        "empty": {
          "data": [],
          "has_more": false
        },
        "history": {
          "data": [
            {
              "order_id": "ord_2026_000131",
              "created_at": 1764167400,
              "currency": "eur",
              "gross": 3000,
              "fee": 375,
              "net": 2625,
              "state": "disputed",
              "transferred": 2625,
              "reversed": 2100,
              "transfer_id": "tr_1QdisputedAAAA",
              "events": [
                {
                  "at": 1764167401,
                  "kind": "paid",
                  "amount": 2625
                },
                {
                  "at": 1764253800,
                  "kind": "reversed",
                  "amount": 2100
                },
                {
                  "at": 1764253800,
                  "kind": "dispute_withdrawn",
                  "amount": 0
                }
              ]
            },
            {
              "order_id": "ord_2026_000124",
              "created_at": 1764081000,
              "currency": "eur",
              "gross": 4000,
              "fee": 500,
              "net": 3500,
              "state": "held",
              "transferred": 0,
              "reversed": 0,
              "events": [
                {
                  "at": 1764081000,
                  "kind": "held",
                  "amount": 3500
                }
              ]
            },
            {
              "order_id": "ord_2026_000123",
              "created_at": 1764080000,
              "currency": "eur",
              "gross": 6000,
              "fee": 750,
              "net": 5250,
              "state": "partially_reversed",
              "transferred": 5250,
              "reversed": 1050,
              "transfer_id": "tr_1QpartlyAAAAAA",
              "events": [
                {
                  "at": 1764080001,
                  "kind": "paid",
                  "amount": 5250
                },
                {
                  "at": 1764166400,
                  "kind": "reversed",
                  "amount": 1050
                }
              ]
            },
            {
              "order_id": "ord_2026_000120",
              "created_at": 1763990000,
              "currency": "usd",
              "gross": 1999,
              "fee": 250,
              "net": 1749,
              "state": "paid",
              "transferred": 1604,
              "reversed": 0,
              "transfer_id": "tr_1QpaidAAAAAAAA",
              "settlement": {
                "currency": "eur",
                "amount": 1604
              },
              "events": [
                {
                  "at": 1763990001,
                  "kind": "paid",
                  "amount": 1604
                }
              ]
            }
          ],
          "has_more": true
        }
      }
    },
    "400": {
      "application/problem+json": {
        "limit_invalid": {
          "type": "urn:veza:problem:limit_invalid",
          "title": "Bad Request",
          "status": 400,
          "detail": "limit must be an integer from 1 to 100.",
          "code": "limit_invalid",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000021",
          "param": "limit"
        },
        "cursor_invalid": {
          "type": "urn:veza:problem:cursor_invalid",
          "title": "Bad Request",
          "status": 400,
          "detail": "starting_after is not one of your orders.",
          "code": "cursor_invalid",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000021",
          "param": "starting_after"
        }
      }
    },
    "401": {
      "application/problem+json": {
        "token_missing": {
          "type": "urn:veza:problem:token_missing",
          "title": "Unauthorized",
          "status": 401,
          "detail": "An Authorization: Bearer token is required.",
          "code": "token_missing",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000002"
        },
        "token_malformed": {
          "type": "urn:veza:problem:token_malformed",
          "title": "Unauthorized",
          "status": 401,
          "detail": "The access token is not a well-formed JWT.",
          "code": "token_malformed",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000003"
        },
        "token_expired": {
          "type": "urn:veza:problem:token_expired",
          "title": "Unauthorized",
          "status": 401,
          "detail": "The access token has expired.",
          "code": "token_expired",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000004"
        },
        "token_invalid": {
          "type": "urn:veza:problem:token_invalid",
          "title": "Unauthorized",
          "status": 401,
          "detail": "The access token signature is not valid.",
          "code": "token_invalid",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000005"
        }
      }
    },
    "403": {
      "application/problem+json": {
        "not_a_seller": {
          "type": "urn:veza:problem:not_a_seller",
          "title": "Forbidden",
          "status": 403,
          "detail": "This account does not have the seller role.",
          "code": "not_a_seller",
          "category": "auth",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000006"
        }
      }
    },
    "404": {
      "application/json": {
        "apiGateway": {
          "message": "Not Found"
        }
      }
    },
    "405": {
      "application/problem+json": {
        "method_not_allowed": {
          "type": "urn:veza:problem:method_not_allowed",
          "title": "Method Not Allowed",
          "status": 405,
          "detail": "This route only answers GET.",
          "code": "method_not_allowed",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000018"
        }
      }
    },
    "413": {
      "application/problem+json": {
        "payload_too_large": {
          "type": "urn:veza:problem:payload_too_large",
          "title": "Payload Too Large",
          "status": 413,
          "detail": "The request body exceeds 65536 bytes.",
          "code": "payload_too_large",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000010"
        }
      }
    },
    "429": {
      "application/json": {
        "apiGateway": {
          "message": "Too Many Requests"
        }
      }
    },
    "500": {
      "application/problem+json": {
        "internal_error": {
          "type": "urn:veza:problem:internal_error",
          "title": "Internal Server Error",
          "status": 500,
          "detail": "An internal error occurred. Quote the request_id when reporting it.",
          "code": "internal_error",
          "category": "internal",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000013"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Internal Server Error"
        }
      }
    },
    "503": {
      "application/problem+json": {
        "upstream_unavailable": {
          "type": "urn:veza:problem:upstream_unavailable",
          "title": "Service Unavailable",
          "status": 503,
          "detail": "A payment or storage service is temporarily unavailable; retry later.",
          "code": "upstream_unavailable",
          "category": "upstream",
          "retryable": true,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000017"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Service Unavailable"
        }
      }
    }
  },
  "stripeWebhook": {
    "200": {
      "application/json": {
        "processed": {
          "received": true
        },
        "duplicate": {
          "received": true,
          "duplicate": true
        }
      }
    },
    "400": {
      "application/problem+json": {
        "signature_missing": {
          "type": "urn:veza:problem:signature_missing",
          "title": "Bad Request",
          "status": 400,
          "detail": "The Stripe-Signature header is missing.",
          "code": "signature_missing",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000034"
        },
        "signature_invalid": {
          "type": "urn:veza:problem:signature_invalid",
          "title": "Bad Request",
          "status": 400,
          "detail": "The Stripe-Signature header does not match the payload.",
          "code": "signature_invalid",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000035"
        },
        "signature_expired": {
          "type": "urn:veza:problem:signature_expired",
          "title": "Bad Request",
          "status": 400,
          "detail": "The Stripe-Signature timestamp is outside the tolerance.",
          "code": "signature_expired",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000036"
        },
        "payload_invalid": {
          "type": "urn:veza:problem:payload_invalid",
          "title": "Bad Request",
          "status": 400,
          "detail": "The payload is not a readable Stripe event.",
          "code": "payload_invalid",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000037"
        },
        "livemode_mismatch": {
          "type": "urn:veza:problem:livemode_mismatch",
          "title": "Bad Request",
          "status": 400,
          "detail": "The event's livemode does not match this deployment.",
          "code": "livemode_mismatch",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000038"
        }
      }
    },
    "404": {
      "application/problem+json": {
        "route_not_found": {
          "type": "urn:veza:problem:route_not_found",
          "title": "Not Found",
          "status": 404,
          "detail": "No webhook endpoint at this path.",
          "code": "route_not_found",
          "category": "not_found",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000039"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Not Found"
        }
      }
    },
    "405": {
      "application/problem+json": {
        "method_not_allowed": {
          "type": "urn:veza:problem:method_not_allowed",
          "title": "Method Not Allowed",
          "status": 405,
          "detail": "This route only answers POST.",
          "code": "method_not_allowed",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000008"
        }
      }
    },
    "413": {
      "application/problem+json": {
        "payload_too_large": {
          "type": "urn:veza:problem:payload_too_large",
          "title": "Payload Too Large",
          "status": 413,
          "detail": "The request body exceeds 65536 bytes.",
          "code": "payload_too_large",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000010"
        }
      }
    },
    "429": {
      "application/json": {
        "apiGateway": {
          "message": "Too Many Requests"
        }
      }
    },
    "500": {
      "application/problem+json": {
        "internal_error": {
          "type": "urn:veza:problem:internal_error",
          "title": "Internal Server Error",
          "status": 500,
          "detail": "An internal error occurred. Quote the request_id when reporting it.",
          "code": "internal_error",
          "category": "internal",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000013"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Internal Server Error"
        }
      }
    },
    "503": {
      "application/problem+json": {
        "upstream_unavailable": {
          "type": "urn:veza:problem:upstream_unavailable",
          "title": "Service Unavailable",
          "status": 503,
          "detail": "A payment or storage service is temporarily unavailable; retry later.",
          "code": "upstream_unavailable",
          "category": "upstream",
          "retryable": true,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000017"
        },
        "ledger_contention": {
          "type": "urn:veza:problem:ledger_contention",
          "title": "Service Unavailable",
          "status": 503,
          "detail": "Concurrent deliveries are settling this event; retry later.",
          "code": "ledger_contention",
          "category": "upstream",
          "retryable": true,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000044"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Service Unavailable"
        }
      }
    }
  },
  "stripeConnectWebhook": {
    "200": {
      "application/json": {
        "processed": {
          "received": true
        },
        "duplicate": {
          "received": true,
          "duplicate": true
        }
      }
    },
    "400": {
      "application/problem+json": {
        "signature_missing": {
          "type": "urn:veza:problem:signature_missing",
          "title": "Bad Request",
          "status": 400,
          "detail": "The Stripe-Signature header is missing.",
          "code": "signature_missing",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000034"
        },
        "signature_invalid": {
          "type": "urn:veza:problem:signature_invalid",
          "title": "Bad Request",
          "status": 400,
          "detail": "The Stripe-Signature header does not match the payload.",
          "code": "signature_invalid",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000035"
        },
        "signature_expired": {
          "type": "urn:veza:problem:signature_expired",
          "title": "Bad Request",
          "status": 400,
          "detail": "The Stripe-Signature timestamp is outside the tolerance.",
          "code": "signature_expired",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000036"
        },
        "payload_invalid": {
          "type": "urn:veza:problem:payload_invalid",
          "title": "Bad Request",
          "status": 400,
          "detail": "The payload is not a readable Stripe event.",
          "code": "payload_invalid",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000037"
        },
        "livemode_mismatch": {
          "type": "urn:veza:problem:livemode_mismatch",
          "title": "Bad Request",
          "status": 400,
          "detail": "The event's livemode does not match this deployment.",
          "code": "livemode_mismatch",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000038"
        }
      }
    },
    "404": {
      "application/problem+json": {
        "route_not_found": {
          "type": "urn:veza:problem:route_not_found",
          "title": "Not Found",
          "status": 404,
          "detail": "No webhook endpoint at this path.",
          "code": "route_not_found",
          "category": "not_found",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000039"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Not Found"
        }
      }
    },
    "405": {
      "application/problem+json": {
        "method_not_allowed": {
          "type": "urn:veza:problem:method_not_allowed",
          "title": "Method Not Allowed",
          "status": 405,
          "detail": "This route only answers POST.",
          "code": "method_not_allowed",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000008"
        }
      }
    },
    "413": {
      "application/problem+json": {
        "payload_too_large": {
          "type": "urn:veza:problem:payload_too_large",
          "title": "Payload Too Large",
          "status": 413,
          "detail": "The request body exceeds 65536 bytes.",
          "code": "payload_too_large",
          "category": "validation",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000010"
        }
      }
    },
    "429": {
      "application/json": {
        "apiGateway": {
          "message": "Too Many Requests"
        }
      }
    },
    "500": {
      "application/problem+json": {
        "internal_error": {
          "type": "urn:veza:problem:internal_error",
          "title": "Internal Server Error",
          "status": 500,
          "detail": "An internal error occurred. Quote the request_id when reporting it.",
          "code": "internal_error",
          "category": "internal",
          "retryable": false,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000013"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Internal Server Error"
        }
      }
    },
    "503": {
      "application/problem+json": {
        "upstream_unavailable": {
          "type": "urn:veza:problem:upstream_unavailable",
          "title": "Service Unavailable",
          "status": 503,
          "detail": "A payment or storage service is temporarily unavailable; retry later.",
          "code": "upstream_unavailable",
          "category": "upstream",
          "retryable": true,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000017"
        },
        "ledger_contention": {
          "type": "urn:veza:problem:ledger_contention",
          "title": "Service Unavailable",
          "status": 503,
          "detail": "Concurrent deliveries are settling this event; retry later.",
          "code": "ledger_contention",
          "category": "upstream",
          "retryable": true,
          "request_id": "8f1c2d3e-0000-4000-8000-000000000044"
        }
      },
      "application/json": {
        "apiGateway": {
          "message": "Service Unavailable"
        }
      }
    }
  }
} as const;
