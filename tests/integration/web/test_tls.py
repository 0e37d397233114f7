"""The live-mode certificate: made once, reused, pinned by its SHA-256 fingerprint."""

from __future__ import annotations

import hashlib
import http.client
import ssl
import stat

import pytest
from cryptography import x509

from pos_app.config import Settings
from pos_app.core import AppCore
from pos_app.serving import LoopbackServer
from pos_app.web.tls import ensure_certificate, server_ssl_context


def test_the_certificate_is_made_once_and_reused(tmp_path):
    first = ensure_certificate(tmp_path)
    assert first.cert_path.is_file() and first.key_path.is_file()
    assert stat.S_IMODE(first.key_path.stat().st_mode) == 0o600
    assert len(first.fingerprint_sha256) == 64
    mtime = first.cert_path.stat().st_mtime_ns
    again = ensure_certificate(tmp_path)
    assert again == first
    assert first.cert_path.stat().st_mtime_ns == mtime


def test_the_certificate_names_loopback_only(tmp_path):
    cert = x509.load_pem_x509_certificate(ensure_certificate(tmp_path).cert_path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False


def test_a_damaged_certificate_is_replaced(tmp_path):
    first = ensure_certificate(tmp_path)
    first.cert_path.write_text("not a certificate")
    second = ensure_certificate(tmp_path)
    assert second.fingerprint_sha256 != first.fingerprint_sha256
    assert ensure_certificate(tmp_path) == second


def test_a_certificate_that_does_not_match_its_key_is_replaced(tmp_path):
    first = ensure_certificate(tmp_path / "a")
    other = ensure_certificate(tmp_path / "b")
    first.cert_path.write_bytes(other.cert_path.read_bytes())
    assert ensure_certificate(tmp_path / "a").fingerprint_sha256 not in (first.fingerprint_sha256,
                                                                          other.fingerprint_sha256)


def _hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def _pinned_get(url_port: int, fingerprint: str, path: str = "/", headers=None) -> tuple[int, bytes]:
    """Accept the server's certificate only if its SHA-256 is the pinned one (as the window does)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # no CA vouches for it: the pin does, below
    connection = http.client.HTTPSConnection("127.0.0.1", url_port, context=context, timeout=10)
    try:
        connection.connect()
        presented = hashlib.sha256(connection.sock.getpeercert(binary_form=True)).hexdigest()
        if presented != fingerprint:
            raise ssl.SSLError(f"certificate {presented} is not the pinned {fingerprint}")
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_https_to_a_loopback_server_works_when_pinned(tmp_path):
    cert = ensure_certificate(tmp_path)
    with LoopbackServer(_hello, ssl_context=server_ssl_context(cert), name="tls-test") as server:
        assert server.url.startswith("https://127.0.0.1:")
        assert _pinned_get(server.port, cert.fingerprint_sha256) == (200, b"hello")
        with pytest.raises(ssl.SSLError, match="not the pinned"):
            _pinned_get(server.port, "0" * 64)
        # Anyone without the pin (ordinary verification) is refused.
        connection = http.client.HTTPSConnection("127.0.0.1", server.port, timeout=10,
                                                 context=ssl.create_default_context())
        with pytest.raises(ssl.SSLCertVerificationError):
            connection.request("GET", "/")
        connection.close()
        # Trusting exactly this certificate also verifies, hostname included.
        trusting = ssl.create_default_context(cafile=str(cert.cert_path))
        connection = http.client.HTTPSConnection("127.0.0.1", server.port, timeout=10, context=trusting)
        connection.request("GET", "/")
        assert connection.getresponse().read() == b"hello"
        connection.close()


def test_live_mode_serves_the_endpoint_over_pinned_https(tmp_path):
    settings = Settings(data_dir=tmp_path, stripe_secret_key="sk_live_abc123",
                        stripe_publishable_key="pk_live_abc123")
    with AppCore(settings) as core:
        assert core.mode == "live"
        assert core.url.startswith("https://127.0.0.1:")
        pinned = core.payments.endpoint.certificate_fingerprint
        assert pinned == ensure_certificate(tmp_path).fingerprint_sha256
        port = int(core.url.rsplit(":", 1)[1])
        status, body = _pinned_get(port, pinned, "/cart",
                                   {"Authorization": f"Bearer {core.token}", "Host": f"127.0.0.1:{port}"})
        assert status == 200 and b'"items":{}' in body
        status, _ = _pinned_get(port, pinned, "/cart", {"Host": f"127.0.0.1:{port}"})
        assert status == 401
