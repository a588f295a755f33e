"""Staff passwords: argon2id hashes, and which new passwords are acceptable (NIST SP 800-63B).

Length, not composition: at least 12 characters, any characters, no rules about digits or
signs. What counts is how many guesses an attacker needs, estimated by zxcvbn with the words
an attacker here tries first (the person's e-mail, the service's and the region's names,
Swedish seasons, months and places) added to its lists of common passwords.
"""

from __future__ import annotations

import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_babel import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 256
#: zxcvbn's score 4: at least 10^10 guesses, out of reach offline against argon2id.
MIN_GUESSES_LOG10 = 10.0
#: zxcvbn refuses longer input; a password that long is judged by its first 72 characters.
ESTIMATED_LENGTH = 72
#: Words that make a password guessable here, whatever zxcvbn's English lists say.
CONTEXT_WORDS = (
    "sip", "sip-uppföljning", "uppföljning", "uppfoljning", "enkät", "enkat", "samordnad",
    "region", "regionen", "västerbotten", "vasterbotten", "regionvasterbotten", "landstinget",
    "hlt", "samordnare", "analytiker", "administratör", "admin", "personal", "barn",
    "föräldrar", "kommunen", "socialtjänsten", "skolan", "elevhälsan", "vården",
    "umeå", "umea", "skellefteå", "skelleftea", "lycksele", "vilhelmina", "storuman",
    "sorsele", "dorotea", "malå", "åsele", "vindeln", "vännäs", "bjurholm", "nordmaling",
    "robertsfors", "norsjö", "norrland", "sverige", "stockholm", "björklöven",
    "sommar", "sommaren", "vinter", "vintern", "höst", "hösten", "vår", "våren",
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
    "oktober", "november", "december", "måndag", "fredag", "midsommar", "jul", "julafton",
    "lösenord", "losenord", "hemlig", "hemligt", "välkommen", "valkommen", "kärlek",
    "älskar", "hej", "hejsan", "fotboll", "hockey",
)  # fmt: skip

#: argon2-cffi's defaults follow RFC 9106's second recommendation; one hasher for the process.
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches; False for a mismatch or an unreadable hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """The hash was made with other parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("not-a-real-password-only-here-to-spend-the-same-time")


def spend_verification_time(password: str) -> None:
    """Do the work of a real check, so an unknown e-mail answers as slowly as a wrong password."""
    verify_password(_dummy_hash(), password)


def _personal_words(email: str) -> list[str]:
    """The address, its name part and that part's pieces ("anna.andersson": anna, andersson)."""
    email = email.strip().lower()
    local = email.partition("@")[0]
    return [email, local, *(part for part in re.split(r"[._+\-]", local) if len(part) >= 3)]


def _domain_words(email: str) -> list[str]:
    """The employer's domain ("regionvasterbotten.se"): guessable, but not personal."""
    domain = email.strip().lower().partition("@")[2]
    return [part for part in re.split(r"[._\-]", domain) if len(part) >= 3]


def password_problem(password: str, email: str) -> str | None:
    """Why a new password is not acceptable (a message for the person), or None."""
    if len(password) < MIN_LENGTH:
        return _("Lösenordet måste ha minst %(count)s tecken.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Lösenordet får ha högst %(count)s tecken.", count=MAX_LENGTH)
    if password.strip().lower() == email.strip().lower():
        return _("Lösenordet får inte vara din e-postadress.")
    personal = _personal_words(email)
    context = [*personal, *_domain_words(email), *CONTEXT_WORDS]
    # Imported here: its word lists are megabytes that every web worker would otherwise hold,
    # for the few requests that set a password.
    from zxcvbn import zxcvbn

    estimate = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=context)
    if float(estimate["guesses_log10"]) >= MIN_GUESSES_LOG10:
        return None
    found = {
        str(match.get("matched_word", "")).lower()
        for match in estimate["sequence"]
        if match.get("dictionary_name") == "user_inputs"
    }
    if found & set(personal):
        return _(
            "Lösenordet bygger på din e-postadress eller ditt namn och är lätt att gissa. "
            "Välj något annat."
        )
    if found:
        return _(
            "Lösenordet bygger på ord som är lätta att gissa här, som SIP, region, "
            "Västerbotten, orter eller årstider. Välj något annat."
        )
    return _(
        "Lösenordet är för lätt att gissa. Välj till exempel fyra vanliga ord som inte hör "
        "ihop, med mellanslag emellan; du behöver inga siffror eller specialtecken."
    )
