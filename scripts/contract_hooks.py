"""schemathesis hooks of scripts/contract.sh.

A real client sends a fresh `Idempotency-Key` with every new request; schemathesis draws the
header from its schema and may draw the same key for different bodies, which the service
rightly answers with a 422 ("key reused"). So every *valid* drawn key is replaced by a fresh
one; invalid keys (the negative tests of the header itself) are left as drawn.
"""

import re
import uuid

import schemathesis

VALID_KEY = re.compile(r"^[!-~]{1,255}$")


def fresh(headers):
    """Replaces a valid Idempotency-Key in `headers` (a dict or None) by a fresh one."""
    if headers:
        key = headers.get("Idempotency-Key")
        if isinstance(key, str) and VALID_KEY.match(key):
            headers["Idempotency-Key"] = uuid.uuid4().hex


# Every phase (examples, coverage, fuzzing, stateful) goes through this before its request.
@schemathesis.hook
def before_call(ctx, case, kwargs):
    fresh(case.headers)
    fresh(kwargs.get("headers") if kwargs else None)
