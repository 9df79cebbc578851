"""The container's HEALTHCHECK: exit 0 when /healthz answers 200, else 1.

It sends the first of ALLOWED_HOSTS as the Host header, since Django answers 400 to any other.
"""

import os
import sys
import urllib.request

host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip(".")
port = os.environ.get("PORT", "8000")
request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (fixed local URL)
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:
    print(f"healthz failed: {error}", file=sys.stderr)
    sys.exit(1)
