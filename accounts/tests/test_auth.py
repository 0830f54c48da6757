import pytest
from django.urls import reverse

from accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_page_is_chinese(client):
    response = client.get(reverse("accounts:login"))
    assert "登录同心平台" in response.content.decode()


def test_wrong_password_gives_chinese_message(client, users):
    response = _login(client, "staff", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_correct_password_logs_in_and_shows_home(client, users):
    response = _login(client, "staff", "Passw0rd!x")
    assert response.status_code == 302
    home = client.get("/")
    assert "您好" in home.content.decode()


def test_five_failures_lock_the_account_with_chinese_message(client, users):
    for _ in range(5):
        _login(client, "staff", "wrong")
    response = _login(client, "staff", "Passw0rd!x")
    assert response.status_code == 429
    assert "登录已暂停" in response.content.decode()


def test_password_hasher_in_production_settings_is_argon2():
    from tongxin.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_logout_needs_post(client, users):
    client.force_login(users["staff"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get("/").status_code == 302


def test_forged_csrf_gets_chinese_403(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["staff"])
    response = client.post(reverse("accounts:preferences"), {"script": "hant", "notification_mode": "digest"})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode() and "刷新页面" in response.content.decode()


def test_user_chooses_traditional_and_sees_converted_pages(client, users):
    client.force_login(users["member"])
    client.post(reverse("accounts:switch_script"), {"script": "hant", "next": "/"})
    users["member"].refresh_from_db()
    assert users["member"].script == "hant"
    html = client.get("/").content.decode()
    assert "委員" in html and "委员" not in html


def test_anonymous_script_choice_is_kept_in_a_cookie(client):
    client.post(reverse("accounts:switch_script"), {"script": "hant", "next": "/accounts/login/"})
    html = client.get(reverse("accounts:login")).content.decode()
    assert "登錄" in html or "登入" in html


def test_script_switch_refuses_offsite_next(client):
    response = client.post(
        reverse("accounts:switch_script"), {"script": "hant", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_staff_cannot_open_user_management(client, users):
    client.force_login(users["staff"])
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 403
    assert "系统管理员" in response.content.decode()


def test_admin_creates_user_and_bad_input_is_explained(client, users, orgs):
    client.force_login(users["admin"])
    bad = client.post(
        reverse("accounts:user_create"), {"username": "newstaff", "role": "staff", "password": "x"}
    )
    assert "必须指定所属机构" in bad.content.decode() or "密码" in bad.content.decode()
    assert not User.objects.filter(username="newstaff").exists()
    ok = client.post(
        reverse("accounts:user_create"),
        {
            "username": "newstaff",
            "role": "staff",
            "password": "Correct-Horse-42",
            "organisation": orgs.committee.pk,
            "full_name": "新同事",
            "is_active": "on",
        },
    )
    assert ok.status_code == 302
    assert User.objects.get(username="newstaff").organisation == orgs.committee


def test_create_api_token_command_prints_a_working_token(users):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_api_token", "staff", stdout=out)
    key = out.getvalue().strip()
    assert key.startswith("tx_")
    assert ApiToken.objects.get(key_hash=ApiToken.hash(key)).user == users["staff"]


def test_the_signed_in_user_is_loaded_without_decrypting_their_address(users, monkeypatch):
    """Every page loads the signed-in user with their person; the encrypted address is not decrypted for it,
    and is still there, decrypted, when a page reads it."""
    from core import crypto
    from members.models import Person

    from ..backends import UserBackend

    Person.objects.filter(pk=users["member"].person.pk).update(address="香港中环皇后大道中1号")
    decrypted = []
    real = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda token: decrypted.append(token) or real(token))
    user = UserBackend().get_user(users["member"].pk)
    assert user.person.name and decrypted == []
    assert user.person.address == "香港中环皇后大道中1号" and len(decrypted) == 1
