"""One HTTP call to a started pos_app's endpoint with its token (urllib: no client library needed)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def call(core, method: str, path: str, body: object = None) -> tuple[int, dict]:
    """(status, JSON answer) of `method path` with `body` as JSON (None: no body)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{core.url}{path}", data=data, method=method,
                                     headers={"Authorization": f"Bearer {core.token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)
