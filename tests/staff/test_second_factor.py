"""The second factor: who must have one, enrolling an app, codes at sign-in, recovery codes."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from survey_app.accounts import totp
from survey_app.accounts.sessions import PENDING_KEY
from survey_app.extensions import db
from survey_app.models import AuditEvent, RecoveryCode, SecondFactor, User

from .conftest import PASSWORD
from .signin import code_for

WRONG_CODE = "Koden stämmer inte"


def _password_step(client: FlaskClient, user: User) -> None:
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/staff/login/code")


def _actions(user: User) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.object_id == str(user.id))
            .order_by(AuditEvent.id)
        )
    )


# Who must have an authenticator app: the policy, as a literal table.
@pytest.mark.parametrize(
    ("role", "required"), [("admin", True), ("analyst", True), ("coordinator", False)]
)
def test_who_must_enrol_an_app_before_anything_else(
    app: Flask, make_user: Callable[..., User], role: str, required: bool
) -> None:
    user = make_user(
        role, teams=("HLT Åsele",) if role == "coordinator" else (), second_factor=False
    )
    client = app.test_client()
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    for page in ("/staff/", "/staff/password", "/staff/results"):
        answer = client.get(page)
        if required:
            assert answer.status_code == 302, page
            assert answer.headers["Location"].endswith("/staff/account/second-factor"), page
        else:
            assert answer.status_code in (200, 403), page
    assert client.get("/staff/account/second-factor").status_code == 200  # open to everyone


def test_enrolling_shows_an_inline_qr_code_and_ends_with_recovery_codes(
    app: Flask, make_user: Callable[..., User]
) -> None:
    user = make_user("analyst", second_factor=False)
    client = app.test_client()
    client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    page = client.get("/staff/account/second-factor").text
    assert "<svg" in page
    assert "<img" not in page
    assert not re.search(r'(src|href)="https?://', page)  # nothing from another site
    found = re.search(r"<code>([A-Z2-7 ]+)</code>", page)
    assert found is not None
    seed = found.group(1).replace(" ", "")
    assert client.get("/staff/account/second-factor").text.count(seed[:4]) >= 1  # same seed

    wrong = client.post("/staff/account/second-factor", data={"code": "000000"})
    assert "Kontrollera att appen visar SIP-uppföljning" in wrong.text
    done = client.post("/staff/account/second-factor", data={"code": pyotp.TOTP(seed).now()})
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>", done.text)
    assert len(codes) == 10
    db.session.expire_all()
    stored = db.session.get(SecondFactor, user.id)
    assert stored is not None
    assert seed not in stored.secret  # encrypted at rest
    hashes = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)
    assert client.get("/staff/").status_code == 200
    assert "second_factor_enrolled" in _actions(user)


def test_signing_in_takes_the_code_and_a_code_works_once(
    app: Flask, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    client = app.test_client()
    _password_step(client, admin)
    assert client.get("/staff/").status_code == 302  # the password alone opens nothing
    code = code_for(admin)
    assert client.post("/staff/login/code", data={"code": code}).status_code == 302
    assert client.get("/staff/").status_code == 200
    # Someone who saw the code, with the password too, cannot use it a second time.
    thief = app.test_client()
    _password_step(thief, admin)
    replay = thief.post("/staff/login/code", data={"code": code})
    assert WRONG_CODE in replay.text
    assert thief.get("/staff/").status_code == 302


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Skriv koden."),
        ("12345", WRONG_CODE),
        ("1234567", WRONG_CODE),
        ("abcdef", WRONG_CODE),
        ("abcd-efgh-jkmn-pqrs", WRONG_CODE),  # a recovery code that is not one of theirs
        ("1" * 41, "Koden är för lång."),
    ],
)
def test_bad_codes_are_explained(
    app: Flask, make_user: Callable[..., User], code: str, message: str
) -> None:
    admin = make_user("admin")
    client = app.test_client()
    _password_step(client, admin)
    response = client.post("/staff/login/code", data={"code": code})
    assert response.status_code == 200
    assert message in response.text
    assert client.get("/staff/").status_code == 302


def test_a_recovery_code_works_once(app: Flask, make_user: Callable[..., User]) -> None:
    admin = make_user("admin")
    codes = totp.new_recovery_codes(admin)
    db.session.commit()
    client = app.test_client()
    _password_step(client, admin)
    response = client.post("/staff/login/code", data={"code": codes[0].upper().replace("-", " ")})
    assert response.status_code == 302
    assert "Du har 9 reservkoder kvar" in client.get("/staff/").text
    again = app.test_client()
    _password_step(again, admin)
    assert WRONG_CODE in again.post("/staff/login/code", data={"code": codes[0]}).text
    assert "recovery_code_used" in _actions(admin)


def test_wrong_codes_are_throttled_per_account(
    app_factory: Callable[..., Flask], app: Flask, make_user: Callable[..., User]
) -> None:
    limited = app_factory(RATELIMIT_ENABLED=True)
    admin = make_user("admin")
    client = limited.test_client()
    for _ in range(4):
        _password_step(client, admin)
        assert WRONG_CODE in client.post("/staff/login/code", data={"code": "000000"}).text
        client = limited.test_client()
    _password_step(client, admin)
    fifth = client.post("/staff/login/code", data={"code": "000000"})
    assert fifth.status_code == 429
    assert "För många felaktiga koder" in fifth.text
    # The right code, from a new sign-in, is refused until the window has passed.
    fresh = limited.test_client()
    _password_step(fresh, admin)
    refused = fresh.post("/staff/login/code", data={"code": code_for(admin)})
    assert refused.status_code == 429
    assert fresh.get("/staff/").status_code == 302
    assert "second_factor_locked" in _actions(admin)


def test_a_waiting_code_step_expires(app: Flask, make_user: Callable[..., User]) -> None:
    admin = make_user("admin")
    client = app.test_client()
    _password_step(client, admin)
    with client.session_transaction() as session:
        session[PENDING_KEY] = {**session[PENDING_KEY], "since": time.time() - 6 * 60}
    response = client.post("/staff/login/code", data={"code": code_for(admin)})
    assert response.headers["Location"].endswith("/staff/login")
    assert "tog för lång tid" in client.get("/staff/login").text


def test_the_code_page_without_a_password_step_leads_to_the_login(client: FlaskClient) -> None:
    response = client.post("/staff/login/code", data={"code": "123456"})
    assert response.headers["Location"].endswith("/staff/login")


def test_seeds_are_bound_to_their_account_and_to_the_secret_key(
    app_factory: Callable[..., Flask], app: Flask
) -> None:
    sealed = totp.seal("JBSWY3DPEHPK3PXP", 7)
    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert totp.unseal(sealed, 7) == "JBSWY3DPEHPK3PXP"
    assert totp.unseal(sealed, 8) is None  # copied onto another account's row
    assert totp.unseal("v1.not-base64!", 7) is None
    rotated = app_factory(SECRET_KEY="a-new-key", SECRET_KEY_FALLBACKS=[app.config["SECRET_KEY"]])
    with rotated.app_context():
        assert totp.unseal(sealed, 7) == "JBSWY3DPEHPK3PXP"
    other = app_factory(SECRET_KEY="another-key-altogether")
    with other.app_context():
        assert totp.unseal(sealed, 7) is None


def test_codes_of_the_neighbouring_steps_are_accepted_and_no_further() -> None:
    seed = totp.new_seed()
    now = 1_800_000_000.0
    app_totp = pyotp.TOTP(seed)
    step = int(now // 30)
    for offset, accepted in ((-2, False), (-1, True), (0, True), (1, True), (2, False)):
        code = app_totp.at((step + offset) * 30)
        assert (totp.code_matches(seed, code, now) is not None) is accepted, offset


def test_coordinators_may_turn_it_off_admins_may_not(
    staff_client: Callable[..., FlaskClient],
) -> None:
    coordinator = staff_client("coordinator", teams=("HLT Åsele",), second_factor=True)
    wrong = coordinator.post("/staff/account/second-factor/remove", data={"password": "fel fel"})
    assert "Lösenordet stämmer inte." in wrong.text
    off = coordinator.post("/staff/account/second-factor/remove", data={"password": PASSWORD})
    assert off.status_code == 302
    db.session.expire_all()
    assert coordinator.user.second_factor is None  # type: ignore[attr-defined]
    admin = staff_client("admin")
    refused = admin.post("/staff/account/second-factor/remove", data={"password": PASSWORD})
    assert refused.status_code == 302
    db.session.expire_all()
    assert admin.user.second_factor is not None  # type: ignore[attr-defined]


def test_new_recovery_codes_replace_the_old_ones(
    staff_client: Callable[..., FlaskClient],
) -> None:
    admin = staff_client("admin")
    user = admin.user  # type: ignore[attr-defined]
    old = totp.new_recovery_codes(user)
    db.session.commit()
    page = admin.post("/staff/account/second-factor/recovery-codes", data={"password": PASSWORD})
    new = re.findall(r"<code>([a-z2-9-]{19})</code>", page.text)
    assert len(new) == 10
    assert not totp.use_recovery_code(user, old[0])
    assert totp.use_recovery_code(user, new[0])
    assert "recovery_codes_renewed" in _actions(user)


def test_an_admin_resets_a_lost_phone_and_the_person_enrols_again(
    app: Flask, staff_client: Callable[..., FlaskClient], make_user: Callable[..., User]
) -> None:
    analyst = make_user("analyst")
    own = app.test_client()
    from .signin import log_in

    log_in(own, analyst.email)
    assert own.get("/staff/").status_code == 200
    admin = staff_client("admin")
    assert "Nollställ tvåstegsverifiering" in admin.get(f"/staff/users/{analyst.id}").text
    response = admin.post(f"/staff/users/{analyst.id}/second-factor/reset")
    assert response.status_code == 302
    assert own.get("/staff/").status_code == 302  # signed out everywhere
    again = app.test_client()
    again.post("/staff/login", data={"email": analyst.email, "password": PASSWORD})
    assert again.get("/staff/").headers["Location"].endswith("/staff/account/second-factor")
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "second_factor_removed")
    )
    assert event is not None
    assert event.details == {"by": "admin"}
    assert event.actor_id == admin.user.id  # type: ignore[attr-defined]


def test_seeds_codes_and_passwords_never_reach_the_log(
    app: Flask, make_user: Callable[..., User], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    user = make_user("analyst", second_factor=False)
    client = app.test_client()
    client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    page = client.get("/staff/account/second-factor").text
    found = re.search(r"<code>([A-Z2-7 ]+)</code>", page)
    assert found is not None
    seed = found.group(1).replace(" ", "")
    client.post("/staff/account/second-factor", data={"code": "000000"})
    code = pyotp.TOTP(seed).now()
    done = client.post("/staff/account/second-factor", data={"code": code})
    recovery = re.findall(r"<code>([a-z2-9-]{19})</code>", done.text)
    client.post("/staff/logout")
    client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    client.post("/staff/login/code", data={"code": recovery[0]})
    logged = caplog.text + repr([r.args for r in caplog.records])
    for secret in (seed, code, PASSWORD, *recovery):
        assert secret not in logged
