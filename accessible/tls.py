"""The home's own HTTPS certificate, so tablets on the home's network may use the microphone.

Browsers only give the microphone to secure pages. A care home has no domain name and no internet, so
`accessible serve --https` makes a small certificate authority of the home's own (kept in the data folder)
and a server certificate signed by it for this machine's names and addresses. A tablet trusts the home's
authority once (its certificate is at ``/certificate``); a new server certificate, when the machine's
address changes or the old one nears its end, needs nothing more on the tablets.
"""

import datetime
import ipaddress
import os
import socket
from pathlib import Path

#: Apple devices refuse server certificates valid for longer than this from an authority a user added.
SERVER_DAYS = 825
AUTHORITY_DAYS = 3650
RENEW_BEFORE = datetime.timedelta(days=30)


def machine_names(extra=()):
    """Return the names and addresses tablets may use to reach this machine: DNS names and IP addresses."""
    names = {"localhost", socket.gethostname(), f"{socket.gethostname()}.local"}
    addresses = {"127.0.0.1", "::1"}
    for host in extra:
        if host and host not in ("0.0.0.0", "::"):
            try:
                addresses.add(str(ipaddress.ip_address(host)))
            except ValueError:
                names.add(host)
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            addresses.add(info[4][0].split("%")[0])
    except OSError:
        pass
    # The address this machine uses on the home's network: a UDP "connect" chooses a route and sends nothing.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))
            addresses.add(probe.getsockname()[0])
        except OSError:
            pass
    return sorted(n for n in names if n), sorted(addresses)


def _write_private(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _load(path):
    from cryptography import x509

    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError):
        return None


def _covers(cert, names, addresses):
    from cryptography import x509

    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    have_names = set(san.get_values_for_type(x509.DNSName))
    have_addresses = {str(a) for a in san.get_values_for_type(x509.IPAddress)}
    return set(names) <= have_names and set(addresses) <= have_addresses


def _fresh(cert, now):
    return cert is not None and cert.not_valid_after_utc - RENEW_BEFORE > now


def ensure_certificate(folder, hosts=(), home_name="Care home"):
    """Return (server certificate, server key, authority certificate) paths in *folder*/tls, making them if needed."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    tls = Path(folder) / "tls"
    ca_cert_path, ca_key_path = tls / "home-authority.crt", tls / "home-authority.key"
    cert_path, key_path = tls / "server.crt", tls / "server.key"
    now = datetime.datetime.now(datetime.UTC)
    pem = serialization.Encoding.PEM
    private = dict(encoding=pem, format=serialization.PrivateFormat.PKCS8,
                   encryption_algorithm=serialization.NoEncryption())

    ca_cert = _load(ca_cert_path)
    if not _fresh(ca_cert, now) or not ca_key_path.exists():
        ca_key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{home_name[:40]} (accessible, this home only)")])
        ca_cert = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=AUTHORITY_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        _write_private(ca_key_path, ca_key.private_bytes(**private))
        ca_cert_path.write_bytes(ca_cert.public_bytes(pem))
        cert_path.unlink(missing_ok=True)  # signed by the old authority: make a new one below
    names, addresses = machine_names(hosts)
    cert = _load(cert_path)
    if _fresh(cert, now) and key_path.exists() and _covers(cert, names, addresses):
        return cert_path, key_path, ca_cert_path

    ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    alt = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0] if names else "localhost")]))
        .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(min(now + datetime.timedelta(days=SERVER_DAYS), ca_cert.not_valid_after_utc))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_private(key_path, key.private_bytes(**private))
    cert_path.write_bytes(cert.public_bytes(pem) + ca_cert.public_bytes(pem))  # the chain, leaf first
    return cert_path, key_path, ca_cert_path


def authority_certificate(folder):
    """Return the home authority's certificate (PEM bytes) for tablets to trust, or None if HTTPS was never set up."""
    path = Path(folder) / "tls" / "home-authority.crt"
    return path.read_bytes() if path.exists() else None
