"""The digital signatures in a candidate's file, as ``file: {verdict: …, signatures: …}`` sees them.

The check is cryptographic (mock_services.signing.verify, a pure function), judged with the trust
the candidate's own log names, never with the room's database: the issuing CA and root that every
certificate event carries in ``chain``, and the CRL the latest certificate event published. A
regrade from the log and the blob store alone gives the answer the room gave.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from graderd.trace import Event
from mock_services.signing.verify import Trust

CERTIFICATE_STATES = "signing.certificate"  # the state key of certificate events
CRL_VERBS = ("signing.certificate_issued", "signing.certificate_revoked")

Fetch = Callable[[str], bytes]


def log_trust(
    certificates: Iterable[Mapping[str, Any]], events_by_verb: Mapping[str, list[Event]], fetch: Fetch
) -> Trust:
    """Roots and intermediates from the certificates' ``chain`` (issuing CA first, root last), and
    the newest CRL; no certificate in the log means nothing is trusted."""
    roots: set[str] = set()
    intermediates: set[str] = set()
    for certificate in certificates:
        chain = certificate.get("chain") or []
        if chain:
            *cas, root = chain
            roots.add(root)
            intermediates.update(cas)
    published = [event for verb in CRL_VERBS for event in events_by_verb.get(verb, []) if event.data.get("crl_sha256")]
    newest = max(published, key=lambda event: event.seq, default=None)
    crls = (fetch(newest.data["crl_sha256"]),) if newest is not None else ()
    return Trust(
        roots=tuple(fetch(sha) for sha in sorted(roots)),
        intermediates=tuple(fetch(sha) for sha in sorted(intermediates)),
        crls=crls,
    )
