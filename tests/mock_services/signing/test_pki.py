"""The mock CA: what its certificates say (constraints, usages, holder kinds, mock names), its
serial numbers as viewers show them, its CRL, and certificates with keys loaded back."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from mock_services.signing import pki
from mock_services.signing.pki import Holder, Issued, Subject
from tests.mock_services.signing import corpus
from tests.mock_services.signing.corpus import Pki


@pytest.fixture(scope="module")
def world() -> Pki:
    return corpus.world()


def constraints(cert: x509.Certificate) -> x509.Extension[x509.BasicConstraints]:
    return cert.extensions.get_extension_for_class(x509.BasicConstraints)


def usage(cert: x509.Certificate) -> x509.Extension[x509.KeyUsage]:
    return cert.extensions.get_extension_for_class(x509.KeyUsage)


def names(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(attribute.value) for attribute in cert.subject.get_attributes_for_oid(oid)]


# --- the CAs --------------------------------------------------------------------------------------


def test_root_is_a_self_signed_ca_for_one_level_below(world: Pki) -> None:
    root = world.root.cert
    basic = constraints(root)
    assert basic.critical
    assert basic.value.ca is True
    assert basic.value.path_length == 1
    assert root.issuer == root.subject
    root.verify_directly_issued_by(root)


def test_issuing_ca_is_under_the_root_and_issues_end_entities_only(world: Pki) -> None:
    ca = world.ca.cert
    basic = constraints(ca)
    assert basic.critical
    assert basic.value.ca is True
    assert basic.value.path_length == 0
    assert ca.issuer == world.root.cert.subject
    ca.verify_directly_issued_by(world.root.cert)
    authority = ca.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    subject = world.root.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert authority.key_identifier == subject.digest


@pytest.mark.parametrize("which", ["root", "ca"])
def test_ca_key_usage_signs_certificates_and_crls(world: Pki, which: str) -> None:
    extension = usage(world.root.cert if which == "root" else world.ca.cert)
    assert extension.critical
    assert extension.value.key_cert_sign
    assert extension.value.crl_sign
    assert extension.value.digital_signature
    assert not extension.value.content_commitment


def test_ca_keys_are_p256(world: Pki) -> None:
    for issued in (world.root, world.ca, world.leader, world.agency):
        key = issued.cert.public_key()
        assert isinstance(key, ec.EllipticCurvePublicKey)
        assert isinstance(key.curve, ec.SECP256R1)


# --- end entities ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "agency"])
def test_signer_key_usage_is_digital_signature_and_non_repudiation_critical(world: Pki, who: str) -> None:
    cert = (world.leader if who == "leader" else world.agency).cert
    extension = usage(cert)
    assert extension.critical
    assert extension.value.digital_signature
    assert extension.value.content_commitment  # non-repudiation
    assert not extension.value.key_cert_sign
    assert not extension.value.crl_sign
    assert constraints(cert).value.ca is False
    assert constraints(cert).critical
    cert.verify_directly_issued_by(world.ca.cert)
    with pytest.raises(x509.ExtensionNotFound):
        cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)


def test_signer_without_non_repudiation_when_asked(world: Pki) -> None:
    issued = world.person("Đinh Văn Sai Mục Đích", non_repudiation=False)
    extension = usage(issued.cert)
    assert extension.critical
    assert extension.value.digital_signature
    assert not extension.value.content_commitment


def test_tsa_has_time_stamping_extended_key_usage_critical(world: Pki) -> None:
    cert = world.tsa.cert
    extended = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert extended.critical
    assert list(extended.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert usage(cert).value.digital_signature
    assert not usage(cert).value.content_commitment
    assert isinstance(cert.public_key(), rsa.RSAPublicKey)
    assert pki.holder_of(cert) is Holder.tsa


def test_validity_is_what_was_asked(world: Pki) -> None:
    start = dt.datetime(2026, 1, 1, 8, 30, tzinfo=dt.UTC)
    end = dt.datetime(2027, 1, 1, 8, 30, tzinfo=dt.UTC)
    cert = pki.issue(world.ca, Subject(Holder.ca_nhan, "Hồ Thị Thời Hạn"), not_before=start, not_after=end).cert
    assert cert.not_valid_before_utc == start
    assert cert.not_valid_after_utc == end


def test_person_subject_carries_unit_agency_and_uid(world: Pki) -> None:
    cert = world.leader.cert
    assert names(cert, NameOID.COMMON_NAME) == [corpus.LEADER]
    assert names(cert, NameOID.ORGANIZATION_NAME) == [corpus.AGENCY]
    assert names(cert, NameOID.ORGANIZATIONAL_UNIT_NAME) == [corpus.UNIT]
    assert names(cert, NameOID.USER_ID) == [corpus.LEADER_UID]
    assert names(cert, NameOID.COUNTRY_NAME) == ["VN"]
    assert pki.common_name(cert.subject) == corpus.LEADER


def test_agency_subject_is_its_name_only(world: Pki) -> None:
    cert = world.agency.cert
    assert names(cert, NameOID.COMMON_NAME) == [corpus.AGENCY]
    assert names(cert, NameOID.ORGANIZATION_NAME) == []
    assert names(cert, NameOID.USER_ID) == []


# A common name holds 64 bytes of UTF-8, not 64 letters: a Vietnamese name is cut to fit.
@pytest.mark.parametrize(
    "name",
    [
        "ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU, THÀNH PHỐ CẦN THƠ",  # 51 characters, 66 bytes
        "Ủy ban nhân dân " * 8,  # 128 characters
    ],
    ids=["agency-51-chars", "128-chars"],
)
def test_long_vietnamese_common_name_is_cut_to_fit(world: Pki, name: str) -> None:
    issued = pki.issue(
        world.ca, Subject(Holder.to_chuc, name), not_before=world.now, not_after=world.now + dt.timedelta(days=1)
    )
    (common,) = names(issued.cert, NameOID.COMMON_NAME)
    assert common
    assert name.startswith(common)
    assert len(common) <= 64


def test_common_name_of_64_ascii_characters_is_kept(world: Pki) -> None:
    name = "Uy ban nhan dan phuong Ninh Kieu " * 3
    issued = pki.issue(
        world.ca, Subject(Holder.to_chuc, name), not_before=world.now, not_after=world.now + dt.timedelta(days=1)
    )
    assert names(issued.cert, NameOID.COMMON_NAME) == [name[:64]]


@pytest.mark.parametrize("holder", list(Holder))
def test_holder_round_trips_through_the_certificate(world: Pki, holder: Holder) -> None:
    key = pki.new_rsa_key() if holder is Holder.tsa else None
    issued = pki.issue(
        world.ca,
        Subject(holder, f"Người giữ {holder.value}"),
        not_before=world.now,
        not_after=world.now + dt.timedelta(days=1),
        key=key,
    )
    assert pki.holder_of(issued.cert) is holder
    assert pki.HOLDER_NAMES[holder]


def test_holder_policies_are_distinct_under_the_private_arc() -> None:
    dotted = [oid.dotted_string for oid in pki.HOLDER_POLICIES.values()]
    assert len(set(dotted)) == len(Holder)
    assert all(text.startswith(pki.POLICY_ARC + ".") for text in dotted)


def test_holder_of_a_certificate_not_of_this_ca_is_none(world: Pki) -> None:
    assert pki.holder_of(world.root.cert) is None  # no certificate policies at all
    other = x509.PolicyInformation(x509.ObjectIdentifier("2.25.1.2.3"), None)
    key = pki.new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Người lạ")])
    foreign = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(world.now)
        .not_valid_after(world.now + dt.timedelta(days=1))
        .add_extension(x509.CertificatePolicies([other]), critical=False)
        .sign(key, hashes.SHA256())
    )
    assert pki.holder_of(foreign) is None


# --- names ----------------------------------------------------------------------------------------


def test_every_name_says_it_is_a_mock(world: Pki) -> None:
    for name in (pki.ROOT_NAME, pki.ISSUING_NAME, pki.TSA_NAME):
        assert "MÔ PHỎNG" in name
        assert len(name) <= 64
    for issued in (world.root, world.ca):
        assert names(issued.cert, NameOID.COMMON_NAME)[0] in (pki.ROOT_NAME, pki.ISSUING_NAME)
        assert names(issued.cert, NameOID.ORGANIZATIONAL_UNIT_NAME) == [pki.MOCK_NOTICE]
        assert "mô phỏng" in names(issued.cert, NameOID.ORGANIZATION_NAME)[0]
    assert names(world.tsa.cert, NameOID.COMMON_NAME) == [pki.TSA_NAME]
    assert "MÔ PHỎNG" in pki.common_name(world.leader.cert.issuer)
    assert "KHÔNG CÓ GIÁ TRỊ PHÁP LÝ" in pki.MOCK_NOTICE


# --- serials --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "00"),
        (1, "01"),
        (0xF, "0F"),
        (0xFF, "FF"),
        (0xABC, "0ABC"),
        (0x1234ABCD, "1234ABCD"),
        (2**159, "8" + "0" * 39),
    ],
)
def test_serial_text(number: int, text: str) -> None:
    assert pki.serial_text(number) == text


def test_issued_serial_is_the_certificates(world: Pki) -> None:
    serial = world.leader.serial
    assert serial == pki.serial_text(world.leader.cert.serial_number)
    assert serial == serial.upper()
    assert len(serial) % 2 == 0
    assert int(serial, 16) == world.leader.cert.serial_number


def test_serials_are_unique(world: Pki) -> None:
    serials = [issued.serial for issued in (world.root, world.ca, world.tsa, world.leader, world.agency)]
    assert len(set(serials)) == len(serials)


# --- the CRL --------------------------------------------------------------------------------------


def test_crl_lists_the_revoked_and_is_signed_by_the_issuing_ca(world: Pki) -> None:
    crl = x509.load_der_x509_crl(world.crl)
    assert crl.issuer == world.ca.cert.subject
    public = world.ca.cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    assert crl.is_signature_valid(public)
    root_public = world.root.cert.public_key()
    assert isinstance(root_public, ec.EllipticCurvePublicKey)
    assert not crl.is_signature_valid(root_public)
    for issued in (world.revoked_before, world.revoked_after):
        entry = crl.get_revoked_certificate_by_serial_number(issued.cert.serial_number)
        assert entry is not None
        assert entry.revocation_date_utc == world.revoked_at.replace(microsecond=0)
    for issued in (world.leader, world.agency, world.tsa):
        assert crl.get_revoked_certificate_by_serial_number(issued.cert.serial_number) is None
    assert len(list(crl)) == 2


def test_crl_update_window(world: Pki) -> None:
    now = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)
    crl = x509.load_der_x509_crl(pki.make_crl(world.ca, [], now=now, next_update=dt.timedelta(days=7)))
    assert crl.last_update_utc == now
    assert crl.next_update_utc == now + dt.timedelta(days=7)
    assert len(list(crl)) == 0
    authority = crl.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ca_key_id = world.ca.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert authority.key_identifier == ca_key_id.digest


# --- keys and loading -----------------------------------------------------------------------------


def test_new_keys() -> None:
    assert isinstance(pki.new_key().curve, ec.SECP256R1)
    assert pki.new_rsa_key(1024).key_size == 1024


@pytest.mark.parametrize("who", ["leader", "tsa"])
def test_issued_load_round_trips(world: Pki, who: str) -> None:
    issued: Issued = world.leader if who == "leader" else world.tsa
    loaded = Issued.load(issued.cert_der(), issued.key_pem())
    assert loaded.cert == issued.cert
    assert loaded.cert_der() == issued.cert_der()
    assert loaded.key_pem() == issued.key_pem()
    assert type(loaded.key) is type(issued.key)
    assert loaded.serial == issued.serial


def test_issued_load_refuses_other_key_types(world: Pki) -> None:
    other = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(TypeError):
        Issued.load(world.leader.cert_der(), other)


def test_pem_bundle_loads_back(world: Pki) -> None:
    bundle = pki.pem([world.ca.cert, world.root.cert])
    assert x509.load_pem_x509_certificates(bundle) == [world.ca.cert, world.root.cert]
