"""Guard 6: a first install without demo data — `manage.py init_site` puts the committee's own body in the tree,
its current term and the first administrator, so that the roster can be imported on an empty installation."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from core.roles import Role
from members.models import Person, Term, TermRole
from members.tests.rosters import messy_roster
from organisations.models import Organisation, OrgKind

pytestmark = pytest.mark.django_db

PASSWORD = "Fresh-Install-2026"

ARGS = [
    "--cppcc",
    "深圳市政协",
    "--committee",
    "深圳市政协港澳台侨和外事委员会",
    "--committee-short",
    "港澳委",
    "--admin",
    "it",
    "--admin-name",
    "信息科",
    "--term",
    "7",
    "--term-start",
    "2021-05-01",
]


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("TONGXIN_ADMIN_PASSWORD", PASSWORD)


def test_an_empty_installation_gets_its_body_term_and_administrator(password, client, capsys):
    assert not Organisation.objects.exists() and not User.objects.exists()
    call_command("init_site", *ARGS)
    committee = Organisation.objects.get(name="深圳市政协港澳台侨和外事委员会")
    assert committee.kind == OrgKind.COMMITTEE and committee.parent.name == "深圳市政协"
    assert committee.path.startswith(committee.parent.path)
    term = Term.objects.get()
    assert (term.number, term.is_current, str(term.end_date)) == (7, True, "2026-04-30")
    admin = User.objects.get(username="it")
    assert admin.role == Role.ADMIN and admin.organisation == committee
    response = client.post(reverse("accounts:login"), {"username": "it", "password": PASSWORD})
    assert response.status_code == 302 and client.get("/").status_code == 200
    out = capsys.readouterr().out
    assert "import_members" in out and "--org 港澳委" in out


def test_the_roster_can_then_be_imported_into_the_new_body(password, tmp_path, capsys):
    call_command("init_site", *ARGS)
    roster = tmp_path / "名单.xlsx"
    roster.write_bytes(messy_roster())
    call_command(
        "import_members", str(roster), "--org", "港澳委", "--term", "7", "--skip-errors", "--map", "10="
    )
    committee = Organisation.objects.get(short_name="港澳委")
    assert Person.objects.filter(owner_org=committee).count() == 5  # no one yet, so no ambiguous rows
    assert TermRole.objects.filter(term__number=7).count() == 5


def test_a_second_run_is_refused_once_an_administrator_exists(password):
    call_command("init_site", *ARGS)
    with pytest.raises(CommandError, match="已初始化"):
        call_command("init_site", *ARGS[:-4], "--admin", "another")
    assert User.objects.count() == 1


def test_a_weak_password_is_refused_and_nothing_is_written(monkeypatch):
    monkeypatch.setenv("TONGXIN_ADMIN_PASSWORD", "123")
    with pytest.raises(CommandError, match="密码"):
        call_command("init_site", *ARGS)
    assert not Organisation.objects.exists() and not Term.objects.exists() and not User.objects.exists()


def test_without_a_password_and_without_a_terminal_it_asks_for_the_environment_variable(monkeypatch):
    monkeypatch.delenv("TONGXIN_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="TONGXIN_ADMIN_PASSWORD"):
        call_command("init_site", *ARGS)
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "bad, message",
    [(["--term", "7"], "一起给出"), (["--term", "7", "--term-start", "2021/05/01"], "YYYY-MM-DD")],
)
def test_bad_term_options_are_refused_in_chinese(password, bad, message):
    args = [a for a in ARGS[:-4]] + bad
    with pytest.raises(CommandError, match=message):
        call_command("init_site", *args)
    assert not Organisation.objects.exists()
