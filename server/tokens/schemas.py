"""Device tokens on the wire."""

from __future__ import annotations

from marshmallow import Schema, fields

from server.api.validation import Length, Text, Utf8String


class TokenRequest(Schema):
    """Sign a device in: username and password, or (without them) the current web session."""

    username = Text(validate=Length(1, 80))
    password = Utf8String(validate=Length(1, 200))
    otp = Text(validate=Length(1, 40), metadata={
        "description": "with the password, when the account has two-factor sign-in: the code from "
                       "the authenticator app, or one of the recovery codes"})
    device_name = Text(required=True, validate=Length(1, 100))


class TokenOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    last_used_at = fields.AwareDateTime(required=True, allow_none=True)
    expires_at = fields.AwareDateTime(required=True)
    current = fields.Boolean(required=True, metadata={"description": "the token of this request"})


class IssuedToken(TokenOut):
    token = fields.String(required=True, metadata={"description": "shown once; send as Bearer"})


class TokenList(Schema):
    tokens = fields.List(fields.Nested(TokenOut), required=True)
