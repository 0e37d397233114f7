"""Redaction belongs to each app: no secret set or log filter is process-wide any more."""

from __future__ import annotations

import logging
import urllib.request

from pos_app.serving import LoopbackServer

from tests.integration.web.web_helpers import ENDPOINT, build_services, endpoint_app


def test_two_apps_keep_their_own_secrets_and_install_no_global_filter(settings, sandbox, tmp_path):
    werkzeug_filters = list(logging.getLogger("werkzeug").filters)
    first_services = build_services(settings, sandbox.url, sandbox.url)
    second_services = build_services(settings.with_(data_dir=tmp_path / "second"), sandbox.url, sandbox.url)
    try:
        first = endpoint_app(first_services, {"TOKEN": "first-token-0123456789", "ENDPOINT_URL": ENDPOINT})
        second = endpoint_app(second_services, {"TOKEN": "second-token-0123456789", "ENDPOINT_URL": ENDPOINT})
        line = "token first-token-0123456789 and second-token-0123456789"
        assert first.extensions["pos_redactor"].redact(line) == "token [redacted] and second-token-0123456789"
        assert second.extensions["pos_redactor"].redact(line) == "token first-token-0123456789 and [redacted]"
        assert logging.getLogger("werkzeug").filters == werkzeug_filters
    finally:
        first_services.store.close()
        second_services.store.close()


def test_the_servers_access_log_is_redacted_by_its_own_redactor(caplog):
    def hello(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    with LoopbackServer(hello, name="redacted", log_redact=lambda text: text.replace("s3cret", "[x]")) as server, \
            caplog.at_level(logging.INFO, logger="werkzeug"):
        urllib.request.urlopen(f"{server.url}/page?token=s3cret", timeout=10).read()
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "werkzeug")
    assert "/page?token=[x]" in logged and "s3cret" not in logged
