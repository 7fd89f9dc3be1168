#!/usr/bin/python3
"""A minimal agency adapter for the samtjänst hub, in Python with pika.

Written from the published contract (contracts/generated/asyncapi.json and the JSON Schemas beside it) and
docs/agency-adapter-guide.md, not from the hub's TypeScript. It announces a small catalogue, answers queries after
its own re-check of the agreement and the consent, takes referrals once each and reports their status (a simulated
caseworker moves them on), honours withdrawals and revocations, parks what it cannot take with the reason, verifies
the hub's signatures and signs its own.

Debian packages: python3-pika, python3-cryptography, python3-jsonschema (scripts/test-tools.sh installs them).
Configuration: see README.md beside this file.
"""

import base64
import hashlib
import json
import logging
import os
import signal
import sqlite3
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pika
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

log = logging.getLogger("adapter")

# ---------------------------------------------------------------------------------------------------- configuration

AGENCY = os.environ.get("AGENCY", "skv")
SERVICE = os.environ.get("AMQP_USER", f"adapter-{AGENCY}")  # broker user = sender.service
ORGANISATION = os.environ["ORGANISATION"]
HUB_ORGANISATIONS = set(os.environ.get("HUB_ORGANISATIONS", "2120001967").split(","))
AMQP_URL = os.environ.get("AMQP_URL", "amqp://127.0.0.1:5672/%2F")
AMQP_PASSWORD = os.environ["AMQP_PASSWORD"]
SIGNING_KEY = os.environ["SIGNING_KEY"]  # our private key as a JWK (OKP, Ed25519)
# the hub's public keys: its JWKS URL (<hub>/.well-known/jwks.json) or a JWKS file; HUB_PUBLIC_KEY, one JWK, still works
HUB_JWKS = os.environ.get("HUB_JWKS") or os.environ["HUB_PUBLIC_KEY"]
CONTRACT_DIR = Path(os.environ.get("CONTRACT_DIR", Path(__file__).resolve().parents[2] / "contracts" / "generated"))
STATE_DB = os.environ.get("STATE_DB", os.path.join(tempfile.gettempdir(), f"python-adapter-{AGENCY}.sqlite3"))
JWKS_OUT = os.environ.get("JWKS_OUT")  # where to write our public JWKS, for the hub's operator
CASEWORKER_STEP_SECONDS = float(os.environ.get("CASEWORKER_STEP_SECONDS", "2"))
MAX_BODY_BYTES = 256 * 1024
DELIVERY_LIMIT = 5
STOCKHOLM = ZoneInfo("Europe/Stockholm")

# the topology of the contract: exchanges, and our queues named q.<service>.<name>
QUERY_EXCHANGE, REFERRAL_EXCHANGE, EVENT_EXCHANGE, REPLY_EXCHANGE, DLX = (
    "hub.query",
    "hub.referral",
    "hub.event",
    "hub.reply",
    "hub.dlx",
)
QUERIES = f"q.{SERVICE}.queries"
REFERRALS = f"q.{SERVICE}.referrals"
EVENTS = f"q.{SERVICE}.events"

# ---------------------------------------------------------------------------------------------- catalogue, register

CATALOGUE = {
    "agency": AGENCY,
    "organisation": ORGANISATION,
    "name": os.environ.get("AGENCY_NAME", "Exempelmyndigheten (Python)"),
    "categories": [
        {
            "code": f"{AGENCY}.folkbokforing",
            "secrecyClass": "consent",
            "description": "Folkbokföringsadress, kommun och civilstånd",
            "fields": [
                {"name": "address", "kind": "address"},
                {"name": "municipality", "kind": "location"},
                {"name": "civilStatus", "kind": "other"},
            ],
        },
        {
            "code": f"{AGENCY}.f-skatt",
            "secrecyClass": "public",
            "description": "Registrering för F-skatt",
            "fields": [{"name": "registered", "kind": "other"}, {"name": "since", "kind": "other"}],
        },
    ],
    "referralTypes": [
        {"code": f"{AGENCY}.adressandring", "description": "Hjälp med adressändring", "responseTimeHours": 120}
    ],
}
CATEGORIES = {c["code"]: c for c in CATALOGUE["categories"]}
REFERRAL_TYPES = {r["code"] for r in CATALOGUE["referralTypes"]}

# the test register: Skatteverket's well-known test personnummer, and one person with protected identity
REGISTER = {
    "191212121212": {
        "protectedIdentity": None,
        f"{AGENCY}.folkbokforing": [{"address": "Storgatan 1, 702 10 Örebro", "municipality": "Örebro", "civilStatus": "ogift"}],
        f"{AGENCY}.f-skatt": [{"registered": True, "since": "2019-04-01"}],
    },
    "194010149823": {
        "protectedIdentity": "skyddad-folkbokforing",
        f"{AGENCY}.folkbokforing": [{"address": "Hemlig", "municipality": "Hemlig", "civilStatus": "gift"}],
        f"{AGENCY}.f-skatt": [],
    },
}

HANDLING_INSTRUCTION = (
    "Personen har skyddade personuppgifter. Adress- och platsuppgifter har hållits inne och får inte efterfrågas, "
    "antecknas eller lämnas vidare."
)

# --------------------------------------------------------------------------------------------------------- signing


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwk_thumbprint(jwk: dict) -> str:
    """RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace. Our key id."""
    canonical = json.dumps({"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}, separators=(",", ":"))
    return b64url(hashlib.sha256(canonical.encode()).digest())


class Signer:
    """Detached JWS (RFC 7515 appendix F), EdDSA over Ed25519, over the exact body bytes: `<header>..<signature>`.
    The key id is the key's thumbprint, as published in our JWKS (see JWKS_OUT)."""

    def __init__(self, jwk_path: str):
        jwk = json.loads(Path(jwk_path).read_text())
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise ValueError(f"{jwk_path} is not an Ed25519 key")
        self.key = Ed25519PrivateKey.from_private_bytes(unb64url(jwk["d"]))
        self.key_id = jwk_thumbprint(jwk)
        self.public_jwk = {"kty": "OKP", "crv": "Ed25519", "x": jwk["x"], "kid": self.key_id, "alg": "EdDSA", "use": "sig"}
        self.header = b64url(json.dumps({"alg": "EdDSA", "kid": self.key_id}, separators=(",", ":")).encode())

    def sign(self, body: bytes) -> str:
        signature = self.key.sign(f"{self.header}.{b64url(body)}".encode("ascii"))
        return f"{self.header}..{b64url(signature)}"


class Verifier:
    """Checks the hub's detached JWS: algorithm EdDSA, sent by the hub (user_id), signed by a key in the hub's JWKS.

    The JWKS comes from a URL or a file and is read again, at most every 5 s, when a message names a key id not in it
    (the hub added a key for a rotation). `kid` = "hub" is the hub's older form: tried against all its keys."""

    def __init__(self, source: str):
        self.source = source
        self.keys: dict = {}
        self.loaded_at = 0.0
        self.load()

    def load(self):
        self.loaded_at = time.monotonic()
        if self.source.startswith(("http://", "https://")):
            with urllib.request.urlopen(self.source, timeout=5) as response:
                document = json.load(response)
        else:
            document = json.loads(Path(self.source).read_text())
        jwks = document["keys"] if "keys" in document else [{**document, "kid": jwk_thumbprint(document)}]
        self.keys = {
            jwk["kid"]: Ed25519PublicKey.from_public_bytes(unb64url(jwk["x"]))
            for jwk in jwks
            if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and "d" not in jwk
        }

    def problem(self, body: bytes, jws, sender: str):
        if not isinstance(jws, str):
            return "signature missing"
        parts = jws.split(".")
        if len(parts) != 3 or parts[1] != "":
            return "signature is not a detached JWS"
        try:
            header = json.loads(unb64url(parts[0]))
        except ValueError:
            return "signature header is not JSON"
        if header.get("alg") != "EdDSA":
            return f"signature algorithm {header.get('alg')} not accepted"
        if sender != "hub":
            return f"sent by {sender}, not by the hub"
        kid = header.get("kid")
        if kid not in self.keys and kid != "hub" and time.monotonic() - self.loaded_at > 5:
            try:
                self.load()
            except (OSError, ValueError, KeyError) as err:
                log.warning("the hub's JWKS not read again: %s", err)
        candidates = [self.keys[kid]] if kid in self.keys else list(self.keys.values()) if kid == "hub" else []
        if not candidates:
            return f"key {kid} is not a published key of hub (unknown or retired)"
        signing_input = f"{parts[0]}.{b64url(body)}".encode("ascii")
        for key in candidates:
            try:
                key.verify(unb64url(parts[2]), signing_input)
                return None
            except (InvalidSignature, ValueError):
                pass
        return "signature does not match the body"


# ------------------------------------------------------------------------------------------------------- contract


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def swedish_today() -> str:
    """Agreement and consent dates are calendar days, inclusive, in Swedish time."""
    return datetime.now(STOCKHOLM).date().isoformat()


def load_schemas() -> dict:
    validators = {}
    for path in (CONTRACT_DIR / "schemas").glob("*.schema.json"):
        schema = json.loads(path.read_text())
        validators[schema["title"]] = jsonschema.Draft202012Validator(schema)
    return validators


SCHEMAS = load_schemas()

# message type -> the exchange the hub sends it through (the contract's sender rules, hub side)
FROM_HUB = {
    "query.request.v1": QUERY_EXCHANGE,
    "referral.created.v1": REFERRAL_EXCHANGE,
    "referral.status.v1": REFERRAL_EXCHANGE,
    "agreement.changed.v1": EVENT_EXCHANGE,
    "consent.revoked.v1": EVENT_EXCHANGE,
}
PERSISTENT = {"referral.created.v1", "referral.status.v1", "agreement.changed.v1", "consent.revoked.v1"}


class Invalid(Exception):
    """A message to park: the reason says why."""


def decode(body: bytes, props, exchange: str, verifier: Verifier) -> dict:
    """Checks an incoming message in the hub's order: size, broker user, signature, JSON, schema, sender, route."""
    if len(body) > MAX_BODY_BYTES:
        raise Invalid(f"oversized: {len(body)} bytes")
    user = props.user_id
    if user != "hub":
        raise Invalid(f"sender {user} is not a trusted service")
    signature = (props.headers or {}).get("x-signature")
    if signature is not None or props.type in PERSISTENT:
        problem = verifier.problem(body, signature, user)
        if problem:
            raise Invalid(f"bad signature: {problem}")
    try:
        envelope = json.loads(body.decode("utf-8"))
    except ValueError:
        raise Invalid("malformed JSON")
    validator = SCHEMAS.get(envelope.get("type")) if isinstance(envelope, dict) else None
    if validator is None:
        raise Invalid("invalid message: unknown type")
    error = jsonschema.exceptions.best_match(validator.iter_errors(envelope))
    if error is not None:
        raise Invalid(f"invalid message: {'/'.join(map(str, error.absolute_path))} {error.message}"[:500])
    sender = envelope["sender"]
    if sender["service"] != user or sender["organisation"] not in HUB_ORGANISATIONS:
        raise Invalid(f"envelope claims {sender['service']}/{sender['organisation']}, broker says {user}")
    if props.message_id is not None and props.message_id != envelope["id"]:
        raise Invalid("message id property and envelope id differ")
    if FROM_HUB.get(envelope["type"]) != exchange:
        raise Invalid(f"sender rule: {envelope['type']} from the hub may not come through '{exchange}'")
    return envelope


# --------------------------------------------------------------------------------------------------------- policy


def one_year_after(day: str) -> str:
    d = date.fromisoformat(day)
    try:
        return d.replace(year=d.year + 1).isoformat()
    except ValueError:  # 29 February
        return d.replace(year=d.year + 1, day=28).isoformat()


class Policy:
    """The re-check of contracts/generated/decision-tables, for one agency: agreement, purpose, role, consent."""

    def __init__(self, store: "Store"):
        self.store = store

    def agreement_problem(self, ref, requester, purpose):
        """The agency rules: the named version, in force and approved by both, covering the purpose and the role."""
        versions = self.store.versions(ref["id"]) if ref else {}
        named = versions.get(ref["version"]) if ref else None
        if named is None:
            return "no-agreement", None
        municipality = next((p for p in named["parties"] if "unit" in p), None)
        if (
            named["agency"] != AGENCY
            or municipality is None
            or (municipality["organisation"], municipality["unit"]) != (requester["organisation"], requester["unit"])
        ):
            return "no-agreement", None
        today = swedish_today()

        def in_force(v):
            approved = {a["organisation"] for a in v["approvals"]}
            parties = {p["organisation"] for p in v["parties"]}
            return v["status"] == "active" and parties <= approved and v["validFrom"] <= today <= v["validTo"]

        # a newer version in force supersedes the named one
        if not in_force(named) or any(n > ref["version"] and in_force(v) for n, v in versions.items()):
            return "agreement-inactive", None
        terms = next((t for t in named["purposes"] if t["purpose"] == purpose), None)
        if terms is None:
            return "purpose-not-covered", None
        if not set(requester["roles"]) & set(terms["roles"]):
            return "role-not-allowed", None
        return None, terms

    def consent_usable(self, snapshot, consent_id, requester, purpose):
        today = swedish_today()
        return (
            snapshot is not None
            and snapshot["id"] == consent_id
            and not self.store.revoked(snapshot["id"])
            and (snapshot["organisation"], snapshot["unit"]) == (requester["organisation"], requester["unit"])
            and snapshot["validFrom"] <= today <= snapshot["validUntil"]
            and snapshot["validUntil"] <= one_year_after(snapshot["validFrom"])
            and purpose in snapshot["purposes"]
            and AGENCY in snapshot["agencies"]
        )

    def category_reason(self, code, terms, consent, usable, protected):
        category = CATEGORIES.get(code)
        if category is None:
            return "category-unknown"
        if category["secrecyClass"] == "never":
            return "category-never"
        if code not in terms["categories"]:
            return "category-not-covered"
        legal_basis = bool((terms.get("legalBasis") or {}).get("reference", "").strip())
        covers = usable and code in consent["categories"]
        if category["secrecyClass"] == "legal-basis" and not legal_basis:
            return "legal-basis-missing"
        if category["secrecyClass"] == "consent" and not (covers or legal_basis):
            return "consent-missing"
        if terms["consentRequired"] and not covers:
            return "consent-missing"
        if protected and not any(f["kind"] == "other" for f in category["fields"]):
            return "protected-identity"
        return None


# ---------------------------------------------------------------------------------------------------------- state


class Store:
    """Agreements, revocations, referrals, processed message ids and the outbox, in one SQLite file."""

    def __init__(self, path: str):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS agreement_version (id TEXT, version INTEGER, body TEXT, progress TEXT,
              PRIMARY KEY (id, version));
            CREATE TABLE IF NOT EXISTS revoked_consent (id TEXT PRIMARY KEY, at TEXT);
            CREATE TABLE IF NOT EXISTS referral (id TEXT PRIMARY KEY, body TEXT, purpose TEXT, agreement TEXT,
              status TEXT, status_at REAL);
            CREATE TABLE IF NOT EXISTS processed (message_id TEXT PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, routing_key TEXT, body TEXT);
            """
        )

    def transaction(self):
        store = self

        class Tx:
            def __enter__(self):
                store.db.execute("BEGIN IMMEDIATE")

            def __exit__(self, kind, *_):
                store.db.execute("ROLLBACK" if kind else "COMMIT")

        return Tx()

    def first_time(self, message_id: str) -> bool:
        return self.db.execute("INSERT OR IGNORE INTO processed VALUES (?)", (message_id,)).rowcount == 1

    def keep_version(self, p: dict, issued_at: str):
        """Keeps the version unless the one held is further on (final status, more approvals) or announced later."""
        progress = f"{int(p['status'] in ('terminated', 'expired'))}:{len(p['approvals']):02d}:{issued_at}"
        self.db.execute(
            """INSERT INTO agreement_version VALUES (?, ?, ?, ?) ON CONFLICT (id, version) DO UPDATE
               SET body = excluded.body, progress = excluded.progress WHERE excluded.progress >= progress""",
            (p["agreementId"].lower(), p["version"], json.dumps(p), progress),
        )

    def versions(self, agreement_id: str) -> dict:
        rows = self.db.execute("SELECT version, body FROM agreement_version WHERE id = ?", (agreement_id.lower(),))
        return {version: json.loads(body) for version, body in rows}

    def revoke(self, consent_id: str, at: str):
        self.db.execute("INSERT OR IGNORE INTO revoked_consent VALUES (?, ?)", (consent_id.lower(), at))

    def revoked(self, consent_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM revoked_consent WHERE id = ?", (consent_id.lower(),)).fetchone() is not None


# -------------------------------------------------------------------------------------------------------- adapter


class Adapter:
    def __init__(self):
        self.signer = Signer(SIGNING_KEY)
        self.verifier = Verifier(HUB_JWKS)
        if JWKS_OUT:
            # what the hub's operator registers (KEYS_DIR/public/<service>.jwks.json) or the hub fetches (JWKS_URLS)
            Path(JWKS_OUT).write_text(json.dumps({"keys": [self.signer.public_jwk]}, indent=2))
        self.store = Store(STATE_DB)
        self.policy = Policy(self.store)
        params = pika.URLParameters(AMQP_URL)
        params.credentials = pika.PlainCredentials(SERVICE, AMQP_PASSWORD)
        params.heartbeat = 30
        self.connection = pika.BlockingConnection(params)
        self.channel = self.connection.channel()  # consumes; replies and parking go out on it too
        self.publisher = self.connection.channel()  # persistent messages, with publisher confirms
        self.publisher.confirm_delivery()

    # ------------------------------------------------------------------------------------------------ topology

    def declare(self):
        quorum = {
            "x-queue-type": "quorum",
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": DLX,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        }
        queues = [
            (QUERIES, {"x-queue-type": "classic"}, [(QUERY_EXCHANGE, f"query.{AGENCY}")]),
            (REFERRALS, {**quorum, "x-dead-letter-routing-key": REFERRALS}, [(REFERRAL_EXCHANGE, f"referral.{AGENCY}.#")]),
            (
                EVENTS,
                {**quorum, "x-dead-letter-routing-key": EVENTS},
                [(EVENT_EXCHANGE, "consent.revoked"), (EVENT_EXCHANGE, "agreement.changed")],
            ),
        ]
        for queue, arguments, bindings in queues:
            self.channel.queue_declare(f"{queue}.parked", durable=True, arguments={"x-queue-type": "quorum"})
            self.channel.queue_bind(f"{queue}.parked", DLX, routing_key=queue)
            self.channel.queue_declare(queue, durable=True, arguments=arguments)
            for exchange, key in bindings:
                self.channel.queue_bind(queue, exchange, routing_key=key)

    # ----------------------------------------------------------------------------------------------- outgoing

    def envelope(self, kind: str, payload: dict, correlation_id: str, agreement=None, purpose=None) -> dict:
        envelope = {
            "id": str(uuid.uuid4()),
            "correlationId": correlation_id,
            "type": kind,
            "sender": {"organisation": ORGANISATION, "service": SERVICE},
        }
        if agreement:
            envelope["agreement"] = agreement
        if purpose:
            envelope["purpose"] = purpose
        envelope.update({"issuedAt": now_iso(), "payload": payload})
        return envelope

    def properties(self, envelope: dict, body: bytes, **extra) -> pika.BasicProperties:
        return pika.BasicProperties(
            message_id=envelope["id"],
            correlation_id=extra.pop("correlation_id", envelope["correlationId"]),
            type=envelope["type"],
            user_id=SERVICE,
            content_type="application/json",
            headers={"x-signature": self.signer.sign(body)},
            **extra,
        )

    def publish_persistent(self, routing_key: str, envelope: dict):
        """Confirmed and mandatory: returns once the broker has the message in a queue."""
        body = json.dumps(envelope, ensure_ascii=False).encode("utf-8")
        props = self.properties(envelope, body, delivery_mode=2, timestamp=int(time.time()))
        self.publisher.basic_publish(EVENT_EXCHANGE, routing_key, body, props, mandatory=True)

    def flush_outbox(self):
        """Status events leave in the order they were recorded, each deleted once the broker confirmed it."""
        for seq, routing_key, body in self.store.db.execute("SELECT * FROM outbox ORDER BY seq").fetchall():
            self.publish_persistent(routing_key, json.loads(body))
            self.store.db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))

    def announce(self):
        """The hub answers the announcement with every agreement version we are party to."""
        for attempt in range(1, 1_000_000):
            try:
                self.publish_persistent(
                    f"catalogue.announced.{AGENCY}", self.envelope("catalogue.announced.v1", CATALOGUE, str(uuid.uuid4()))
                )
                log.info("catalogue announced")
                return
            except pika.exceptions.UnroutableError:
                if attempt == 1:
                    log.warning("nobody takes the catalogue yet (is the hub up?); retrying")
                self.connection.sleep(min(5.0, 0.25 * attempt))

    def park(self, method, props, body: bytes, queue: str, reason: str):
        log.warning("parked %s from %s: %s", props.message_id, queue, reason)
        headers = dict(props.headers or {})
        headers.update(
            {
                "x-parked-reason": reason[:1000],
                "x-parked-at": now_iso(),
                "x-parked-from": queue,
                "x-original-user-id": props.user_id,
            }
        )
        parked = pika.BasicProperties(
            message_id=props.message_id or f"unidentified-{method.delivery_tag}-{int(time.time() * 1000)}",
            correlation_id=props.correlation_id,
            type=props.type,
            content_type=props.content_type,
            user_id=SERVICE,
            delivery_mode=2,
            headers=headers,
        )
        self.publisher.basic_publish(DLX, queue, body, parked, mandatory=True)

    # ------------------------------------------------------------------------------------------------- queries

    def on_query(self, channel, method, props, body):
        if props.type == "bundle":
            items = unbundle(body, props.user_id)
            if items is None:
                self.park(method, props, body, QUERIES, "invalid bundle")
            else:
                for item_props, item_body in items:
                    self.answer(method, item_props, item_body, props.reply_to)
        else:
            self.answer(method, props, body, props.reply_to)
        channel.basic_ack(method.delivery_tag)

    def answer(self, method, props, body: bytes, reply_to):
        try:
            envelope = decode(body, props, method.exchange, self.verifier)
        except Invalid as invalid:
            self.park(method, props, body, QUERIES, str(invalid))
            return self.reply_error(props, reply_to, f"invalid-message: {invalid}")
        if envelope.get("expiresAt") and envelope["expiresAt"] < now_iso():
            return  # the hub has stopped waiting
        if envelope["type"] != "query.request.v1":
            self.park(method, props, body, QUERIES, f"no handler for {envelope['type']} on {QUERIES}")
            return self.reply_error(props, reply_to, f"no handler for {envelope['type']}")
        if not reply_to:
            return
        reply = self.query_reply(envelope)
        out = self.envelope(
            "query.reply.v1", reply, envelope["correlationId"], envelope.get("agreement"), envelope.get("purpose")
        )
        out_body = json.dumps(out, ensure_ascii=False).encode("utf-8")
        # the reply's correlation_id is the request's message_id: that is how the hub matches it
        self.channel.basic_publish(
            REPLY_EXCHANGE, reply_to, out_body, self.properties(out, out_body, correlation_id=props.message_id)
        )

    def reply_error(self, props, reply_to, reason: str):
        if reply_to:
            error = pika.BasicProperties(
                type="error", correlation_id=props.message_id, user_id=SERVICE, headers={"x-error": reason[:500]}
            )
            self.channel.basic_publish(REPLY_EXCHANGE, reply_to, b"{}", error)

    def query_reply(self, envelope: dict) -> dict:
        query = envelope["payload"]
        record = REGISTER.get(query["subject"])
        protected = query.get("protectedIdentityKnown") is True or bool(record and record["protectedIdentity"])

        def denied(reason, denied_list=None):
            reply = {
                "agency": AGENCY,
                "status": "denied",
                "reason": reason,
                "found": False,
                "protectedIdentity": False,
                "released": [],
                "denied": denied_list if denied_list is not None else [{"category": c, "reason": reason} for c in query["categories"]],
            }
            if reason == "justification-missing":
                reply.update(protectedIdentity=True, handlingInstruction=HANDLING_INSTRUCTION)
            return reply

        reason, terms = self.policy.agreement_problem(envelope.get("agreement"), query["requester"], envelope.get("purpose"))
        if reason:
            return denied(reason)
        if protected and len((query.get("justification") or "").strip()) < 10:
            return denied("justification-missing")
        consent = query.get("consent")
        usable = self.policy.consent_usable(consent, query.get("consentId"), query["requester"], envelope["purpose"])
        released, refused = [], []
        for code in query["categories"]:
            why = self.policy.category_reason(code, terms, consent, usable, protected)
            if why:
                refused.append({"category": code, "reason": why})
            elif record is not None:
                hidden = {f["name"] for f in CATEGORIES[code]["fields"] if f["kind"] != "other"} if protected else set()
                records = [{k: v for k, v in r.items() if k not in hidden} for r in record.get(code, [])]
                released.append({"category": code, "data": {"records": records}})
        if refused and len(refused) == len(query["categories"]):
            return denied(refused[0]["reason"], refused)  # every category denied: the answer is `denied`
        reply = {
            "agency": AGENCY,
            "status": "ok",
            "found": record is not None,
            "protectedIdentity": protected,
            "released": released,
            "denied": refused,
        }
        if protected:
            reply["handlingInstruction"] = HANDLING_INSTRUCTION
        return reply

    # -------------------------------------------------------------------------------------- persistent messages

    def on_persistent(self, queue: str, handle):
        def callback(channel, method, props, body):
            try:
                envelope = decode(body, props, method.exchange, self.verifier)
            except Invalid as invalid:
                self.park(method, props, body, queue, str(invalid))
                return channel.basic_ack(method.delivery_tag)
            if envelope.get("expiresAt") and envelope["expiresAt"] < now_iso():
                self.park(method, props, body, queue, f"expired at {envelope['expiresAt']}")
                return channel.basic_ack(method.delivery_tag)
            attempt = int((props.headers or {}).get("x-delivery-count", 0)) + 1
            try:
                # the message id is recorded in the same transaction as what the handler writes: processed once
                with self.store.transaction():
                    if self.store.first_time(envelope["id"]):
                        handle(envelope)
                self.flush_outbox()
                channel.basic_ack(method.delivery_tag)
            except Invalid as invalid:
                self.park(method, props, body, queue, str(invalid))
                channel.basic_ack(method.delivery_tag)
            except Exception as err:  # noqa: BLE001 - any failure is retried, then parked with its reason
                if attempt >= DELIVERY_LIMIT:
                    self.park(method, props, body, queue, f"handler failed {attempt} times: {err}")
                    return channel.basic_ack(method.delivery_tag)
                log.warning("retrying %s (attempt %d): %s", envelope["id"], attempt, err)
                self.connection.sleep(0.2 * 2 ** (attempt - 1))
                channel.basic_nack(method.delivery_tag, requeue=True)

        return callback

    def on_referral_message(self, envelope: dict):
        if envelope["type"] == "referral.created.v1":
            self.receive(envelope)
        elif envelope["type"] == "referral.status.v1":
            self.withdrawn(envelope)
        else:
            raise Invalid(f"no handler for {envelope['type']} on {REFERRALS}")

    def on_event(self, envelope: dict):
        p = envelope["payload"]
        if envelope["type"] == "agreement.changed.v1":
            if p["agency"] != AGENCY:
                return
            self.store.keep_version(p, envelope["issuedAt"])
            if p["status"] in ("terminated", "expired"):
                self.cancel_pending("agreement", p["agreementId"], "Makulerad: samtjänstavtalet har upphört")
        elif envelope["type"] == "consent.revoked.v1":
            self.store.revoke(p["consentId"], p["revokedAt"])
            self.cancel_pending("consent", p["consentId"], "Makulerad: samtycket har återkallats")
        else:
            raise Invalid(f"no handler for {envelope['type']} on {EVENTS}")

    # ----------------------------------------------------------------------------------------------- referrals

    def receive(self, envelope: dict):
        r = envelope["payload"]
        if r["agency"] != AGENCY:
            raise Invalid(f"referral {r['referralId']} is for {r['agency']}")
        referral_id = r["referralId"].lower()
        row = (referral_id, json.dumps(r), envelope["purpose"], json.dumps(envelope.get("agreement")), "received", time.time())
        if self.store.db.execute("INSERT OR IGNORE INTO referral VALUES (?, ?, ?, ?, ?, ?)", row).rowcount == 0:
            return  # the same referral under another message id: taken once
        self.record(referral_id, "received")
        refusal = self.referral_refusal(referral_id)
        if refusal == "consent-revoked":
            self.move(referral_id, "cancelled", "Makulerad: samtycket har återkallats")
        elif refusal:
            self.move(referral_id, "declined", f"Avvisad: {refusal}")

    def referral_refusal(self, referral_id: str):
        body, purpose, agreement = self.store.db.execute(
            "SELECT body, purpose, agreement FROM referral WHERE id = ?", (referral_id,)
        ).fetchone()
        r, agreement = json.loads(body), json.loads(agreement)
        reason, terms = self.policy.agreement_problem(agreement, r["requester"], purpose)
        if reason:
            return reason
        if r["referralType"] not in REFERRAL_TYPES:
            return "referral-type-unknown"
        if r["referralType"] not in terms["referralTypes"]:
            return "referral-type-not-covered"
        consent = r.get("consent")
        if self.policy.consent_usable(consent, r.get("consentId"), r["requester"], purpose):
            return None
        if terms.get("legalBasis") and not terms["consentRequired"]:
            return None
        return "consent-revoked" if consent and self.store.revoked(consent["id"]) else "consent-missing"

    def withdrawn(self, envelope: dict):
        p = envelope["payload"]
        if p["status"] != "cancelled" or p["agency"] != AGENCY:
            return
        row = self.store.db.execute("SELECT status FROM referral WHERE id = ?", (p["referralId"].lower(),)).fetchone()
        if row is None:
            raise RuntimeError(f"withdrawal of referral {p['referralId']} before the referral itself; retrying")
        if row[0] not in ("declined", "closed", "cancelled"):
            note = "Återkallad av kommunen" + (f": {p['note']}" if p.get("note") else "")
            self.move(p["referralId"].lower(), "cancelled", note)

    def cancel_pending(self, column: str, value: str, note: str):
        rows = self.store.db.execute("SELECT id, body, agreement FROM referral WHERE status = 'received'").fetchall()
        for referral_id, body, agreement in rows:
            key = json.loads(body).get("consentId") if column == "consent" else (json.loads(agreement) or {}).get("id")
            if key and key.lower() == value.lower():
                self.move(referral_id, "cancelled", note)

    def move(self, referral_id: str, status: str, note=None):
        self.store.db.execute(
            "UPDATE referral SET status = ?, status_at = ? WHERE id = ?", (status, time.time(), referral_id)
        )
        self.record(referral_id, status, note)

    def record(self, referral_id: str, status: str, note=None):
        """The status event goes into the outbox in the transaction of the change; flush_outbox publishes it."""
        purpose, agreement = self.store.db.execute(
            "SELECT purpose, agreement FROM referral WHERE id = ?", (referral_id,)
        ).fetchone()
        payload = {
            "referralId": referral_id,
            "agency": AGENCY,
            "status": status,
            "at": now_iso(),
            "actor": {"organisation": ORGANISATION, "service": SERVICE},
        }
        if note:
            payload["note"] = note
        envelope = self.envelope("referral.status.v1", payload, referral_id, json.loads(agreement), purpose)
        self.store.db.execute(
            "INSERT INTO outbox (routing_key, body) VALUES (?, ?)", (f"referral.status.{AGENCY}", json.dumps(envelope))
        )

    def caseworker(self):
        """A simulated caseworker: accepts (if the agreement and consent still hold), starts and closes."""
        try:
            self.caseworker_step()
        except Exception as err:  # noqa: BLE001 - the next round tries again
            log.warning("caseworker: %s", err)
        self.connection.call_later(min(1.0, CASEWORKER_STEP_SECONDS / 2), self.caseworker)

    def caseworker_step(self):
        due = time.time() - CASEWORKER_STEP_SECONDS
        steps = {"received": "accepted", "accepted": "in-progress", "in-progress": "closed"}
        rows = self.store.db.execute(
            "SELECT id, status FROM referral WHERE status IN ('received', 'accepted', 'in-progress') AND status_at <= ?",
            (due,),
        ).fetchall()
        for referral_id, status in rows:
            with self.store.transaction():
                refusal = self.referral_refusal(referral_id) if status == "received" else None
                if refusal:
                    why = "samtycket har återkallats" if refusal == "consent-revoked" else refusal
                    self.move(referral_id, "cancelled", f"Makulerad: {why}")
                else:
                    self.move(referral_id, steps[status])
        self.flush_outbox()

    # --------------------------------------------------------------------------------------------------- run

    def run(self):
        self.declare()
        self.flush_outbox()  # what a crash left unpublished
        self.channel.basic_qos(prefetch_count=32)
        self.channel.basic_consume(QUERIES, self.on_query)
        self.channel.basic_consume(REFERRALS, self.on_persistent(REFERRALS, self.on_referral_message))
        self.channel.basic_consume(EVENTS, self.on_persistent(EVENTS, self.on_event))
        self.announce()
        self.connection.call_later(CASEWORKER_STEP_SECONDS, self.caseworker)
        log.info("%s answers for %s on %s", SERVICE, AGENCY, QUERIES)
        self.channel.start_consuming()


def unbundle(body: bytes, user):
    """A bundle's items: per item a 4-byte big-endian length and its properties as JSON, then the same for its body."""
    items, at = [], 0

    def take():
        nonlocal at
        if at + 4 > len(body):
            return None
        length = int.from_bytes(body[at : at + 4], "big")
        at += 4
        if at + length > len(body):
            return None
        chunk = body[at : at + length]
        at += length
        return chunk

    while at < len(body):
        raw_props, item_body = take(), take()
        if raw_props is None or item_body is None:
            return None
        try:
            p = json.loads(raw_props)
        except ValueError:
            return None
        # the item's own properties are camelCase: messageId, correlationId, type, contentType, headers
        items.append(
            (
                pika.BasicProperties(
                    message_id=p.get("messageId"),
                    correlation_id=p.get("correlationId"),
                    type=p.get("type"),
                    content_type=p.get("contentType"),
                    headers=p.get("headers") or {},
                    user_id=user,  # an item is sent by the bundle's broker user
                ),
                item_body,
            )
        )
    return items or None


def main():
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {SERVICE} %(levelname)s %(message)s", stream=sys.stdout)
    logging.getLogger("pika").setLevel(logging.WARNING)
    adapter = Adapter()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        adapter.run()
    finally:
        adapter.connection.close()


if __name__ == "__main__":
    main()
