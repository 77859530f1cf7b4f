"""An officer's forms offer only their districts, and a refusal names districts, not codes."""

from __future__ import annotations

import re

from tests.conftest import building_data
from tests.web.conftest import text_of


def _district_options(response) -> list[str]:
    html = response.get_data(as_text=True)
    select = re.search(r'<select id="district_code".*?</select>', html, flags=re.S).group(0)
    return [v for v in re.findall(r'<option value="([^"]*)"', select) if v]


def test_an_officer_is_offered_only_their_district(client, app_session, make_user, login):
    officer = make_user(app_session, role="officer", districts=("370202",))
    login(client, officer)
    assert _district_options(client.get("/buildings/new")) == ["370202"]


def test_a_designer_is_offered_every_district(client, app_session, make_user, login):
    login(client, make_user(app_session, role="designer"))
    assert len(_district_options(client.get("/buildings/new"))) == 10


def test_an_officer_refused_outside_their_district_reads_its_name(
    client, app_session, make_user, login
):
    officer = make_user(app_session, role="officer", districts=("370202",))
    login(client, officer)
    response = client.post("/buildings/new", data=building_data(district_code="370203"))
    text = text_of(response)
    assert "市南区" in text and "370202" not in text
