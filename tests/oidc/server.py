"""Starts and stops the real OpenID Connect provider of tests/oidc/provider.mjs (node-oidc-provider) on loopback.

`make setup` installs it with the other npm packages (`npm ci`, pinned in package-lock.json).
"""

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
CLIENT_ID = "action-tracker"
CLIENT_SECRET = "test-only-client-secret-0123456789abcdef"
DIRECTORY_PASSWORD = "directory-password"
# The organisation's directory, as the provider knows it (fictional people).
ACCOUNTS = {
    "sam.lead@council.example": {"email_verified": True},
    "new.starter@council.example": {"email_verified": True},
    "unconfirmed@council.example": {"email_verified": False},
}


@dataclass
class RunningProvider:
    issuer: str
    process: subprocess.Popen

    def set_token_clock(self, shift_seconds: int) -> None:
        """Make the provider's token endpoint issue ID tokens as if it were `shift_seconds` from now."""
        request = urllib.request.Request(f"{self.issuer}/__test__/token-clock?shift={shift_seconds}", method="POST")
        urllib.request.urlopen(request, timeout=5).close()

    def settings(self, **overrides) -> dict:
        """The tracker's LSCB_SSO_PROVIDERS entry for this provider (as lscb.env.sso_providers makes it)."""
        return {
            "id": "council",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "name": "Northbridge Council",
            "domains": ["council.example"],
            "mfa_enforced": False,
            "required": False,
            "trust_email": False,
            "sign_algo": "RS256",
            "scopes": "openid email",
            **overrides,
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(config_dir: Path, tracker_url: str) -> RunningProvider:
    """Start the provider for a tracker served at `tracker_url`; raises if it does not answer within 20 s."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("Node.js is needed for the single sign-on tests (it runs tests/oidc/provider.mjs)")
    port = free_port()
    urls = [tracker_url, tracker_url.replace("localhost", "127.0.0.1")]
    config = {
        "port": port,
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "client_name": "Action tracker",
                "redirect_uris": [f"{url}/accounts/sso/callback/" for url in urls],
                "post_logout_redirect_uris": [f"{url}/accounts/login/" for url in urls],
            }
        ],
        "accounts": {email: {**account, "password": DIRECTORY_PASSWORD} for email, account in ACCOUNTS.items()},
    }
    config_path = config_dir / "oidc-provider.json"
    config_path.write_text(json.dumps(config))
    log_path = config_dir / "oidc-provider.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([node, str(SCRIPT), str(config_path)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and process.poll() is None:
        for line in log_path.read_text().splitlines():
            if line.startswith("listening "):
                return RunningProvider(issuer=line.split()[1], process=process)
        time.sleep(0.05)
    process.kill()
    process.wait()
    raise RuntimeError(f"the OpenID Connect provider did not start: {log_path.read_text()[-2000:]}")


def stop(provider: RunningProvider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.process.kill()
        provider.process.wait()
