"""Welsh kept as an equal where it slipped: a proposal's changed Welsh asks the co-owners again, Welsh written for
older English says so, words in the other language are marked with their own, and the password checker's reasons
come in Welsh."""

import ast
import html
from pathlib import Path

import pytest
import zxcvbn.feedback

from accessible.i18n import gettext
from tests.helpers import PASSWORD, post, text


def _in_welsh(client, back="/staff/"):
    assert post(client, "/language", {"lang": "cy", "back": back}, form_url=back).status_code == 303


# The password checker's reasons ----------------------------------------------------------------------------


def test_every_reason_and_advice_of_the_password_checker_has_its_welsh():
    said = [node.args[0].value for node in ast.walk(ast.parse(Path(zxcvbn.feedback.__file__).read_text()))
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_"]
    assert len(said) > 20
    untranslated = [s for s in said if gettext("cy", "web", s.rstrip(".")) == s.rstrip(".")]
    assert untranslated == []


@pytest.mark.parametrize(("weak", "welsh"), [
    ("drowssapdrowssap", "Mae ailadrodd fel \"abcabcabc\" ond ychydig yn anoddach i'w ddyfalu na \"abc\". "
                         "Osgowch ailadrodd geiriau a nodau. Mae tri neu bedwar gair"),
    ("Password12345", "Mae hwn yn debyg i gyfrinair sy'n cael ei ddefnyddio'n aml. Dydy priflythrennau ddim yn "
                      "helpu llawer."),
    ("p@ssw0rdp@ss", "Mae hwn yn debyg i gyfrinair sy'n cael ei ddefnyddio'n aml. Dydy newidiadau amlwg fel '@' yn lle 'a' ddim yn helpu llawer."),
])
def test_a_weak_passwords_reason_and_advice_are_given_in_welsh(staff_client, weak, welsh):
    _in_welsh(staff_client)
    page = post(staff_client, "/staff/password", {"password": PASSWORD, "new_password": weak, "repeat": weak})
    assert page.status_code == 400
    said = html.unescape(text(page))
    assert "Mae'r cyfrinair hwnnw'n rhy hawdd i'w ddyfalu. " + welsh in said
    assert "Avoid" not in said and "doesn't" not in said
