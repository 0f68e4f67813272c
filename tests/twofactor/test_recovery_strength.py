"""Recovery codes are strong enough for the fast hash they are stored with: at least 112 random bits
each (ASVS 5.0, 6.5.2); they work once; codes made before (16 symbols) still work until used."""

from __future__ import annotations

import math
import re

from sqlalchemy import select

from server.auth.models import RecoveryCode, User
from server.auth.services import hash_secret
from server.extensions import db
from server.twofactor import services
from server.twofactor.services import RECOVERY


def test_new_codes_carry_at_least_112_random_bits(app, world):
    with app.app_context():
        user = db.session.get(User, world.admin)
        codes = services.regenerate_recovery_codes(user)
        assert len(codes) == services.RECOVERY_CODE_COUNT == len(set(codes))
        alphabet = services._ALPHABET
        for code in codes:
            assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4})+", code), code  # readable groups of four
            symbols = code.replace("-", "")
            assert set(symbols) <= set(alphabet)
            assert len(symbols) * math.log2(len(alphabet)) >= 112, code
        # kept as hashes, never as the codes
        stored = set(db.session.scalars(
            select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
        assert stored == {hash_secret(code.replace("-", "")) for code in codes}


def test_a_code_works_once_however_it_is_typed(app, world):
    with app.app_context():
        user = db.session.get(User, world.admin)
        code = services.regenerate_recovery_codes(user)[3]
        typed = code.upper().replace("-", " ")
        assert services.verify(user, typed) == RECOVERY
        assert services.verify(user, code) is None  # used up
        assert services.verify(user, code[:-1]) is None


def test_a_code_made_before_the_longer_codes_still_works_once(app, world):
    with app.app_context():
        user = db.session.get(User, world.admin)
        old = "abcdefghjkmnpqrs"  # 16 symbols, as the first codes were
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_secret(old), created_at=user.created_at))
        db.session.flush()
        assert services.verify(user, "abcd-efgh-jkmn-pqrs") == RECOVERY
        assert services.verify(user, old) is None
