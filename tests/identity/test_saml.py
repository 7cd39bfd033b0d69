"""SAML 2.0 single sign-on through allauth's SAML provider (python3-saml, xmlsec), with real
signed assertions: a key and certificate are made for the test's identity provider, its
responses are built and signed with xmlsec as an IdP signs them, and posted to the assertion
consumer. Accepted when all is right; refused when the signature is wrong, the assertion has
expired, the audience or the recipient differ, or the same response comes twice."""

from __future__ import annotations

import base64
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user
from django.urls import reverse
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from accounts.models import User
from identity.models import GroupMapping, SsoProvider
from programs.models import Participant, Role
from tests.identity.saml_idp import key_and_certificate

pytestmark = pytest.mark.django_db

IDP = "https://idp.acme.test/saml"
SSO_URL = "https://idp.acme.test/sso"
ACS = "http://testserver/accounts/saml/acme/acs/"
SP = "http://testserver/accounts/saml/acme/metadata/"


IDP_KEY, IDP_CERT = key_and_certificate()
OTHER_KEY, OTHER_CERT = key_and_certificate()


def _when(delta: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def _response(
    request_id: str,
    *,
    email: str = "sam.saml@acme.test",
    key: str = IDP_KEY,
    cert: str = IDP_CERT,
    audience: str = SP,
    recipient: str = ACS,
    lifetime: timedelta = timedelta(minutes=5),
) -> str:
    """A SAML Response as an identity provider sends it, its assertion signed (base64)."""
    later, before = _when(lifetime), _when(-timedelta(minutes=10))
    assertion = f"""<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"
 ID="_a{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_when()}">
<saml:Issuer>{IDP}</saml:Issuer>
<saml:Subject>
<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{email}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData NotOnOrAfter="{later}" Recipient="{recipient}"
 InResponseTo="{request_id}"/>
</saml:SubjectConfirmation>
</saml:Subject>
<saml:Conditions NotBefore="{before}" NotOnOrAfter="{later}">
<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
</saml:Conditions>
<saml:AuthnStatement AuthnInstant="{_when()}" SessionIndex="_s{uuid.uuid4().hex}">
<saml:AuthnContext><saml:AuthnContextClassRef
>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>
</saml:AuthnContext></saml:AuthnStatement>
<saml:AttributeStatement>
<saml:Attribute Name="email"><saml:AttributeValue>{email}</saml:AttributeValue></saml:Attribute>
<saml:Attribute Name="givenName"><saml:AttributeValue>Sam</saml:AttributeValue></saml:Attribute>
<saml:Attribute Name="sn"><saml:AttributeValue>Saml</saml:AttributeValue></saml:Attribute>
<saml:Attribute Name="groups"><saml:AttributeValue>Graduates</saml:AttributeValue></saml:Attribute>
<saml:Attribute Name="department"><saml:AttributeValue>Finance</saml:AttributeValue
></saml:Attribute>
</saml:AttributeStatement>
</saml:Assertion>"""
    signed = OneLogin_Saml2_Utils.add_sign(assertion, key, cert)
    signed = signed.decode() if isinstance(signed, bytes) else signed
    signed = signed.replace('<?xml version="1.0"?>', "").strip()
    response = f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r{uuid.uuid4().hex}" Version="2.0"
 IssueInstant="{_when()}" Destination="{recipient}" InResponseTo="{request_id}">
<saml:Issuer>{IDP}</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
{signed}
</samlp:Response>"""
    return base64.b64encode(response.encode()).decode()


@pytest.fixture
def saml(program, client):
    client.defaults["HTTP_HOST"] = "testserver"  # as every browser sends it
    program.organization.slug = "acme"
    program.organization.save()
    GroupMapping.objects.create(
        organization=program.organization, group_name="Graduates", program=program, role=Role.MENTEE
    )
    body = "".join(line for line in IDP_CERT.splitlines() if "-----" not in line)
    return SsoProvider.objects.create(
        organization=program.organization,
        kind=SsoProvider.Kind.SAML,
        name="Acme SAML",
        saml_entity_id=IDP,
        saml_sso_url=SSO_URL,
        saml_certificate=body,
        domains="acme.test",
    )


def _start(client) -> tuple[str, str]:
    """The service provider's sign-in: the AuthnRequest's ID and the RelayState."""
    answer = client.post("/accounts/saml/acme/login/", {"process": "login"})
    assert answer.status_code == 302 and answer["Location"].startswith(SSO_URL)
    query = parse_qs(urlsplit(answer["Location"]).query)
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
    request = etree.fromstring(xml)  # noqa: S320 (our own AuthnRequest)
    assert request.get("AssertionConsumerServiceURL") == ACS
    return request.get("ID"), query.get("RelayState", [""])[0]


def _post(client, response: str, relay: str):
    """What the browser does with the IdP's page: POST to the ACS, then follow to the end."""
    answer = client.post(ACS, {"SAMLResponse": response, "RelayState": relay})
    if answer.status_code == 302:
        answer = client.get(answer["Location"])
    return answer


def test_a_signed_assertion_signs_a_new_person_in_and_puts_them_in_their_program(
    client, saml, program
):
    request_id, relay = _start(client)
    answer = _post(client, _response(request_id), relay)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    sam = User.objects.get(email="sam.saml@acme.test")
    assert get_user(client).pk == sam.pk
    assert sam.full_name == "Sam Saml" and sam.department == "Finance"
    joined = Participant.objects.get(user=sam, program=program)
    assert joined.role == Role.MENTEE and joined.status == Participant.Status.ACTIVE


@pytest.mark.parametrize(
    ("wrong", "because"),
    [
        ({"key": OTHER_KEY, "cert": OTHER_CERT}, "Signature validation failed"),
        # Past its NotOnOrAfter: python3-saml finds no subject confirmation still valid.
        ({"lifetime": timedelta(minutes=-1)}, "A valid SubjectConfirmation was not found"),
        ({"audience": "https://someone-else.test/metadata/"}, "is not a valid audience"),
        ({"recipient": "http://testserver/accounts/saml/other/acs/"}, "instead of"),
    ],
    ids=["signature", "expired", "audience", "recipient"],
)
def test_a_wrong_assertion_signs_nobody_in(client, saml, wrong, because, caplog):
    request_id, relay = _start(client)
    answer = _post(client, _response(request_id, **wrong), relay)
    assert answer.status_code == 401
    assert not get_user(client).is_authenticated
    assert not User.objects.filter(email="sam.saml@acme.test").exists()
    assert because in caplog.text, caplog.text


def test_the_same_response_twice_is_refused(client, saml):
    request_id, relay = _start(client)
    response = _response(request_id)
    _post(client, response, relay)
    assert get_user(client).is_authenticated
    client.logout()
    _post(client, response, relay)
    assert not get_user(client).is_authenticated


def test_an_address_outside_the_domains_is_refused(client, saml):
    request_id, relay = _start(client)
    _post(client, _response(request_id, email="mallory@elsewhere.test"), relay)
    assert not get_user(client).is_authenticated
    assert not User.objects.filter(email="mallory@elsewhere.test").exists()


@pytest.mark.parametrize(
    "xml",
    [
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><l>&b;</l>',
        "<not xml",
    ],
    ids=["external entity", "entity expansion", "not xml"],
)
def test_a_response_that_is_an_xml_attack_or_no_xml_is_a_failed_sign_in(client, saml, xml):
    """python3-saml refuses a DTD and entities before it reads anything; that (and a response
    that is no XML) is allauth's failed sign-in page, not a server error."""
    _, relay = _start(client)
    answer = _post(client, base64.b64encode(xml.encode()).decode(), relay)
    assert answer.status_code == 401
    assert b"root:" not in answer.content
    assert not get_user(client).is_authenticated


def _metadata(cert_body: str) -> str:
    """An identity provider's metadata document, as Entra ID, Okta and Keycloak serve it."""
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{IDP}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
      <ds:X509Certificate>{cert_body}</ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="{SSO_URL}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


def test_pasted_metadata_fills_in_the_provider(client, program, org_admin):
    url = reverse("identity:page", args=[program.organization.slug])
    client.force_login(org_admin)
    body = "".join(line for line in IDP_CERT.splitlines() if "-----" not in line)
    form = {"action": "sso", "sso-kind": "saml", "sso-name": "Acme", "sso-domains": "acme.test"}
    answer = client.post(url, {**form, "sso-saml_metadata": _metadata(body)}, follow=True)
    assert "Single sign-on is saved." in answer.content.decode()
    provider = SsoProvider.objects.get(organization=program.organization)
    assert (provider.saml_entity_id, provider.saml_sso_url) == (IDP, SSO_URL)
    assert provider.saml_certificate.replace("\n", "") == body


@pytest.mark.parametrize(
    "metadata",
    ["<html>not metadata</html>", "<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>", "{}"],
    ids=["other xml", "dtd", "not xml"],
)
def test_metadata_that_is_not_metadata_is_refused_next_to_it(client, program, org_admin, metadata):
    url = reverse("identity:page", args=[program.organization.slug])
    client.force_login(org_admin)
    form = {"action": "sso", "sso-kind": "saml", "sso-name": "Acme", "sso-domains": "acme.test"}
    answer = client.post(url, {**form, "sso-saml_metadata": metadata})
    assert answer.status_code == 200
    assert "is not an identity provider&#x27;s SAML metadata" in answer.content.decode()
    assert not SsoProvider.objects.exists()
