"""Every HTML form, posted with hostile values, answers with a page or a message, never a 500.

Generated from Flask's URL map like the access matrix: for each POST route outside /api, the
fields are those of the forms that post there on every page the actor can open, with the values the
page fills in (or a generic set of names when no form posts there). Every field gets each hostile
value at once, then each field alone among the page's own values (empty, huge, control characters,
impossible dates and numbers, markup), as the admin, a supervisor and a cadre, with a valid CSRF
token.
"""

from __future__ import annotations

from html.parser import HTMLParser

from tests.conftest import AuthActions
from tests.helpers import csrf_token
from tests.security.test_access_matrix import _route_args, _rules, matrix_world  # noqa: F401

HOSTILE = ["", " ", "x" * 5000, "\x00\x01\x1f", "-99999999999999999999", "99999999999999999999",
           "1e309", "NaN", "2024-02-30", "99/99/9999", "0000-00-00", "<script>alert(1)</script>",
           "' OR 1=1 --", "%00", "../../etc/passwd", "ǅ𝕏\u202e"]
PER_FIELD = ["x" * 5000, "\x00", "-99999999999999999999", "2024-02-30"]
GENERIC_FIELDS = ["comment", "version", "ids", "text", "note", "name", "date", "unit_id", "state", "lang",
                  "next", "code", "password"]
# Signing out or changing one's own second factor ends the run's session: those go last.
LAST = ("auth.", "twofactor.")


class _Forms(HTMLParser):
    """The forms of a page: where each posts, and the values a person would send unchanged (inputs'
    values, checked boxes, the selected or first option, text areas' text)."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url, self.forms, self._form, self._select, self._textarea = page_url, [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = (a.get("action") or self.page_url).split("?")[0]
            self._form = (action, {})
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self._form[1].setdefault(a["name"], "")
            else:
                self._form[1][a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a["name"]
            self._form[1].setdefault(self._select, "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form[1][self._textarea] = ""
        if (tag == "option" and self._form is not None and self._select
                and ("selected" in a or not self._form[1][self._select])):
            self._form[1][self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form[1][self._textarea] += data


def _forms_by_action(client, page_urls: list[str]) -> dict[str, dict[str, str]]:
    """Every form on the pages the actor can open: where it posts -> its fields' usual values."""
    found: dict[str, dict[str, str]] = {}
    for page_url in page_urls:
        page = client.get(page_url)
        if page.status_code != 200 or page.mimetype != "text/html":
            continue
        parser = _Forms(page_url)
        parser.feed(page.get_data(as_text=True))
        for action, values in parser.forms:
            found.setdefault(action, {}).update({k: v for k, v in values.items() if k != "csrf_token"})
    return found


def _routes(app, ids, wanted: str):
    """(endpoint, url) of every route outside /api answering ``wanted``, sign-out and friends last."""
    from flask import url_for

    routes = []
    for rule, method in _rules(app):
        if method != wanted or rule.rule.startswith(("/api/", "/static/")):
            continue
        with app.test_request_context():
            args = {k: v for k, v in _route_args(rule.endpoint, ids).items() if k in rule.arguments}
            routes.append((rule.endpoint, url_for(rule.endpoint, **args)))
    return sorted(routes, key=lambda r: r[0].startswith(LAST))


def test_no_form_answers_500_to_hostile_values(app, matrix_world):  # noqa: F811
    failures = []
    for actor in ("admin", "sup", "cadre"):
        client = app.test_client()
        AuthActions(client).sign_in(actor)
        forms = _forms_by_action(client, [url for _, url in _routes(app, matrix_world, "GET")
                                          if not url.startswith("/auth/two-factor")])
        for endpoint, url in _routes(app, matrix_world, "POST"):
            # (signed out by an earlier post: the sign-in page's token)
            signed_in = client.get("/auth/password").status_code == 200
            token = csrf_token(client, "/auth/password" if signed_in else "/auth/sign-in")
            usual = forms.get(url) or dict.fromkeys(GENERIC_FIELDS, "")
            # every field at once, then one field at a time among otherwise sensible values (so
            # that the hostile one is not hidden behind another field's refusal)
            attempts = [dict.fromkeys(usual, value) for value in HOSTILE]
            attempts += [{**usual, name: value} for name in usual for value in PER_FIELD]
            for data in attempts:
                status = client.post(url, data={**data, "csrf_token": token}).status_code
                if status >= 500:
                    changed = {k: v[:20] for k, v in data.items() if usual.get(k) != v}
                    failures.append((actor, endpoint, changed, status))
    assert not failures, failures
