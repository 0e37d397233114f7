"""HTTPS for the endpoint with live keys: a self-signed certificate made at first run.

Nobody's CA signs it; the embedded page accepts it only because the window pins its SHA-256
fingerprint (QWebEnginePage's certificate-error hook compares it; everything else is refused).
The certificate names 127.0.0.1 and localhost; it is remade when it nears expiry or is unreadable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import ssl
from dataclasses import dataclass
from ipaddress import IPv4Address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

log = logging.getLogger(__name__)

CERT_FILE = "endpoint-cert.pem"
KEY_FILE = "endpoint-key.pem"
VALIDITY = dt.timedelta(days=825)
RENEW_BEFORE = dt.timedelta(days=30)


@dataclass(frozen=True)
class Certificate:
    cert_path: Path
    key_path: Path
    fingerprint_sha256: str  # lowercase hex of SHA-256(DER), as QSslCertificate.digest().toHex() gives it


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def ensure_certificate(data_dir: Path | str) -> Certificate:
    """The endpoint's certificate under data_dir/tls/, made on first use and reused afterwards."""
    folder = Path(data_dir) / "tls"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the key's folder: owner only
    cert_path, key_path = folder / CERT_FILE, folder / KEY_FILE
    existing = _load_usable(cert_path, key_path)
    if existing is None:
        existing = _create(cert_path, key_path)
    return Certificate(cert_path, key_path, fingerprint(existing))


def _load_usable(cert_path: Path, key_path: Path) -> x509.Certificate | None:
    if not (cert_path.is_file() and key_path.is_file()):
        return None
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        log.warning("the endpoint's TLS certificate is unreadable (%s); making a new one", exc)
        return None
    if cert.public_key().public_numbers() != key.public_key().public_numbers():
        log.warning("the endpoint's TLS certificate does not match its key; making a new one")
        return None
    if cert.not_valid_after_utc - dt.datetime.now(dt.UTC) < RENEW_BEFORE:
        log.info("the endpoint's TLS certificate expires soon; making a new one")
        return None
    return cert


def _create(cert_path: Path, key_path: Path) -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pos-app local endpoint")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1")),
                                                    x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    _write_atomic(key_path, key_pem, mode=0o600)
    _write_atomic(cert_path, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
    log.info("made the endpoint's TLS certificate (SHA-256 %s)", fingerprint(cert))
    return cert


def _write_atomic(path: Path, data: bytes, *, mode: int) -> None:
    """Write to a temporary file created with `mode` (the key is never readable by others, even
    briefly), then rename over the target."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # the umask may have narrowed it; never widened for the key
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def server_ssl_context(cert: Certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert.cert_path, cert.key_path)
    return context
