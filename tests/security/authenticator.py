"""A software WebAuthn authenticator for tests that talk to the key endpoints without a browser:
it makes a P-256 key pair per credential and answers registration and sign-in challenges as a
platform authenticator would (no attestation, user present and verified, or present only).

It is the client's side of the protocol (W3C WebAuthn level 2, sections 6.1 and 6.5); the
server's side under test is django-otp-webauthn with py_webauthn, unchanged."""

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

ORIGIN = "http://testserver"
_PRESENT, _VERIFIED, _ATTESTED = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    id: bytes
    key: ec.EllipticCurvePrivateKey
    user_handle: bytes
    rp_id: str
    count: int = 0


@dataclass
class Authenticator:
    credentials: list[Credential] = field(default_factory=list)
    verifies_user: bool = True  # a PIN or fingerprint asked (False: a key that only senses touch)

    def _flags(self) -> int:
        return _PRESENT | (_VERIFIED if self.verifies_user else 0)

    def register(self, options: dict) -> dict:
        """The answer to registration options (from /webauthn/registration/begin/)."""
        rp_id = options["rp"]["id"]
        credential = Credential(
            id=os.urandom(32),
            key=ec.generate_private_key(ec.SECP256R1()),
            user_handle=from_b64url(options["user"]["id"]),
            rp_id=rp_id,
        )
        self.credentials.append(credential)
        numbers = credential.key.public_key().public_numbers()
        cose_key = cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([self._flags() | _ATTESTED])
            + struct.pack(">I", 0)
            + bytes(16)  # AAGUID: none
            + struct.pack(">H", len(credential.id))
            + credential.id
            + cose_key
        )
        client_data = self._client_data("webauthn.create", options["challenge"])
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(credential.id),
            "rawId": b64url(credential.id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {"credProps": {"rk": True}},
            "authenticatorAttachment": "platform",
        }

    def sign_in(self, options: dict, credential: Credential | None = None) -> dict:
        """The answer to sign-in options (from /webauthn/authentication/begin/), with the given
        credential or the first one the options allow."""
        if credential is None:
            allowed = {from_b64url(item["id"]) for item in options.get("allowCredentials", [])}
            credential = next(c for c in self.credentials if not allowed or c.id in allowed)
        credential.count += 1
        auth_data = (
            hashlib.sha256(credential.rp_id.encode()).digest()
            + bytes([self._flags()])
            + struct.pack(">I", credential.count)
        )
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = credential.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(credential.id),
            "rawId": b64url(credential.id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(credential.user_handle),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    @staticmethod
    def _client_data(kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": ORIGIN, "crossOrigin": False}
        ).encode()
