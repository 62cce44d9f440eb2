"""Mail over a real local SMTP server (aiosmtpd) in each ``SAFETY_SMTP_SECURITY`` mode:
implicit TLS (``smtplib.SMTP_SSL``), STARTTLS and plain. The server's certificate is made
here by a CA of the test's own; trusting that CA (``SAFETY_SMTP_CA_FILE``) delivers, while
another CA or the system's CAs refuse: the certificate is verified, not merely encrypted.
The settings: the older ``SAFETY_SMTP_STARTTLS`` maps onto the mode, the port follows it."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import ValidationError

from safety.notifications.service import _send_mail_sync
from safety.settings import Settings, get_settings


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope.content)
        return "250 OK"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _ca(folder: Path, label: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(label))
        .issuer_name(_name(label))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    path = folder / f"{label}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert, path


def _server_context(folder: Path, ca_key, ca_cert: x509.Certificate) -> ssl.SSLContext:
    """A certificate for 127.0.0.1 signed by the CA, as the mail server's TLS context."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("mail.test"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki")
    ca_key, ca_cert, ca_file = _ca(folder, "trusted-ca")
    _, _, other_ca_file = _ca(folder, "other-ca")
    return {
        "context": _server_context(folder, ca_key, ca_cert),
        "ca_file": str(ca_file),
        "other_ca_file": str(other_ca_file),
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server(pki, monkeypatch):
    """``start(mode)``: a server speaking ``mode``, the settings pointed at it."""
    started: list[Controller] = []
    s = get_settings()

    def start(mode: str) -> Inbox:
        inbox, port = Inbox(), _free_port()
        extra: dict = {}
        if mode == "tls":
            extra = {"ssl_context": pki["context"]}
        elif mode == "starttls":
            extra = {"tls_context": pki["context"], "require_starttls": True}
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **extra)
        controller.start()
        started.append(controller)
        monkeypatch.setattr(s, "smtp_host", "127.0.0.1")
        monkeypatch.setattr(s, "smtp_port", port)
        monkeypatch.setattr(s, "smtp_security", mode)
        monkeypatch.setattr(s, "smtp_ca_file", pki["ca_file"])
        monkeypatch.setattr(s, "smtp_timeout_seconds", 5)
        return inbox

    yield start
    for controller in started:
        controller.stop()


@pytest.mark.parametrize("mode", ["tls", "starttls"])
def test_mail_goes_over_tls_to_a_server_whose_ca_is_trusted(mail_server, mode):
    inbox = mail_server(mode)
    _send_mail_sync("officer@example.test", "整改提醒", "隐患即将到期")
    assert len(inbox.messages) == 1 and b"officer@example.test" in inbox.messages[0]


@pytest.mark.parametrize("mode", ["tls", "starttls"])
@pytest.mark.parametrize("ca", ["other_ca_file", "system"])
def test_a_certificate_from_an_untrusted_ca_is_refused(mail_server, pki, monkeypatch, mode, ca):
    inbox = mail_server(mode)
    monkeypatch.setattr(get_settings(), "smtp_ca_file", pki[ca] if ca != "system" else "")
    with pytest.raises(ssl.SSLCertVerificationError):
        _send_mail_sync("officer@example.test", "整改提醒", "隐患即将到期")
    assert inbox.messages == []


def test_plain_mail_when_the_mode_is_none(mail_server):
    inbox = mail_server("none")
    _send_mail_sync("officer@example.test", "整改提醒", "隐患即将到期")
    assert len(inbox.messages) == 1


def test_a_plain_client_does_not_get_through_an_implicit_tls_server(mail_server, monkeypatch):
    mail_server("tls")
    monkeypatch.setattr(get_settings(), "smtp_security", "none")
    monkeypatch.setattr(get_settings(), "smtp_timeout_seconds", 0.5)  # no greeting comes
    with pytest.raises((OSError, EOFError)):  # smtplib's errors are OSErrors
        _send_mail_sync("officer@example.test", "整改提醒", "隐患即将到期")


def test_the_mode_follows_the_older_starttls_setting_and_the_port_follows_the_mode(tmp_path):
    assert Settings().smtp_mode == "none" and Settings().smtp_resolved_port == 25
    legacy = Settings(smtp_starttls=True)
    assert legacy.smtp_mode == "starttls" and legacy.smtp_resolved_port == 25  # as before
    assert Settings(smtp_security="TLS").smtp_resolved_port == 465
    assert Settings(smtp_security="tls", smtp_port=2465).smtp_resolved_port == 2465
    assert Settings(smtp_security="starttls", smtp_starttls=True).smtp_mode == "starttls"
    for wrong in (
        {"smtp_security": "tls", "smtp_starttls": True},  # contradicts the older setting
        {"smtp_security": "ssl"},
        {"smtp_port": 0},
        {"smtp_ca_file": str(tmp_path / "missing.pem")},
        {"smtp_ca_file": str(tmp_path)},  # a folder, not a file
    ):
        with pytest.raises(ValidationError):
            Settings(**wrong)
