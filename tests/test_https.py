"""`accessible serve --https`: a tablet that trusts the home's own certificate reaches the server securely."""

import http.client
import socket
import ssl
import subprocess
import sys
import time

import pytest
from cryptography import x509

from accessible import tls


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def https_server(data, db):
    port = free_port()
    command = [sys.executable, "-c", "from accessible.cli import main; main()",
               "serve", "--https", "--port", str(port), "--threads", "2", "--data", str(data)]
    server = subprocess.Popen(command,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if server.poll() is not None:
                pytest.fail(server.stdout.read())
            time.sleep(0.2)
    yield port
    server.terminate()
    output = server.communicate(timeout=30)[0]
    assert "Traceback" not in output, output


def get(port, path, context):
    connection = http.client.HTTPSConnection("localhost", port, context=context, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def test_a_tablet_trusting_the_home_certificate_signs_in_over_https_with_a_secure_cookie(https_server, data):
    authority = data / "tls" / "home-authority.crt"
    context = ssl.create_default_context(cafile=str(authority))  # trusts the home's authority and nothing else
    response, body = get(https_server, "/login", context)
    assert response.status == 200 and b"Sign in" in body
    cookie = response.getheader("Set-Cookie")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # The certificate to install is offered by the server itself, and it is the one the server's chain ends in.
    response, pem = get(https_server, "/certificate", context)
    assert response.status == 200 and pem == authority.read_bytes()
    assert "home-certificate.crt" in response.getheader("Content-Disposition")


def test_a_device_that_has_not_trusted_the_home_is_warned_not_served(https_server):
    with pytest.raises(ssl.SSLCertVerificationError):
        get(https_server, "/login", ssl.create_default_context())


def test_the_certificate_names_this_machine_and_is_kept_until_the_machine_changes(tmp_path):
    cert_path, key_path, authority = tls.ensure_certificate(tmp_path, hosts=["192.168.1.50", "carehome.lan"])
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {"localhost", "carehome.lan", socket.gethostname()} <= set(san.get_values_for_type(x509.DNSName))
    assert {"127.0.0.1", "192.168.1.50"} <= {str(a) for a in san.get_values_for_type(x509.IPAddress)}
    assert cert.issuer == x509.load_pem_x509_certificate(authority.read_bytes()).subject
    assert key_path.stat().st_mode & 0o077 == 0  # the private key is the server's alone
    again = tls.ensure_certificate(tmp_path, hosts=["192.168.1.50", "carehome.lan"])
    assert again[0].read_bytes() == cert_path.read_bytes()
    # A new address gets a new server certificate from the same authority: tablets need do nothing.
    before = authority.read_bytes()
    moved = tls.ensure_certificate(tmp_path, hosts=["192.168.1.77"])
    new = x509.load_pem_x509_certificate(moved[0].read_bytes())
    assert "192.168.1.77" in {str(a) for a in new.extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value.get_values_for_type(x509.IPAddress)}
    assert authority.read_bytes() == before


def test_no_certificate_is_offered_before_https_is_set_up(client):
    assert client.get("/certificate").status_code == 404
