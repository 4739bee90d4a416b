"""The room's certificate authority: made once, the first time anything is signed, and kept in the
database so every candidate's certificates chain to the same root a PDF reader can be told to trust.

Also what a verifier trusts (``trust``) and the CRL, rebuilt from the revoked certificates each
time it is asked for; the CRL is small and a room revokes a handful of certificates at most.
"""

from __future__ import annotations

import datetime as dt

from cryptography.hazmat.primitives import serialization
from sqlalchemy.engine import Connection

from mock_services.core.blobs import BlobStore
from mock_services.signing import pki, store
from mock_services.signing.store import Authority
from mock_services.signing.verify import Trust

CRL_VALIDITY = dt.timedelta(days=7)


def authority(conn: Connection, now: dt.datetime) -> Authority:
    """The room's CA, made on first use."""
    found = store.load_authority(conn)
    if found is not None:
        return found
    root = pki.make_root(now)
    ca = pki.make_issuing_ca(root, now)
    tsa = pki.issue(
        ca,
        pki.Subject(pki.Holder.tsa, pki.TSA_NAME, organization=pki.MOCK_ORGANISATION),
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=365 * 5),
        key=pki.new_rsa_key(),
    )
    made = Authority(root=root, ca=ca, tsa=tsa)
    store.save_authority(conn, made, now)
    return made


def crl(conn: Connection, ca: Authority, now: dt.datetime) -> bytes:
    revoked = [(int(serial, 16), when) for serial, when in store.revoked(conn)]
    return pki.make_crl(ca.ca, revoked, now=now, next_update=CRL_VALIDITY)


def trust(conn: Connection, now: dt.datetime) -> Trust:
    """The room's root, its issuing CA and the current CRL."""
    ca = authority(conn, now)
    return Trust(roots=(ca.root.cert_der(),), intermediates=(ca.ca.cert_der(),), crls=(crl(conn, ca, now),))


def chain_blobs(conn: Connection, blobs: BlobStore, ca: Authority, now: dt.datetime) -> list[str]:
    """The issuing CA's and the root's certificates in the blob store (DER), by sha256: what an
    event names so that graderd can trust the same root from the log alone."""
    return [blobs.put(conn, issued.cert_der(), now=now).sha256 for issued in (ca.ca, ca.root)]


def root_pem(conn: Connection, now: dt.datetime) -> bytes:
    return authority(conn, now).root.cert.public_bytes(serialization.Encoding.PEM)
