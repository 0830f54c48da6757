"""Guard 7: optional two-factor sign-in (TOTP authenticator + one-time recovery codes) for staff and admins,
enrolment with a QR code, the code asked after the password, and an admin setting that makes it compulsory."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import SecurityPolicy

pytestmark = pytest.mark.django_db

PASSWORD = "Strong-Pass-2026"


def _code(user, drift: int = 0) -> str:
    """The authenticator's code; `drift=1` is the next 30-second step's (a code is accepted only once)."""
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def _login(client, user):
    user.set_password(PASSWORD)
    user.save()
    return client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})


def _enrol(client, user) -> list[str]:
    client.post(reverse("accounts:two_factor"), {"action": "begin"})
    response = client.post(reverse("accounts:two_factor"), {"action": "confirm", "token": _code(user)})
    return response.context["recovery_codes"]


def test_staff_enrol_by_scanning_a_qr_code_and_get_ten_recovery_codes(client, users):
    staff = users["staff"]
    client.force_login(staff)
    client.post(reverse("accounts:two_factor"), {"action": "begin"})
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "<svg" in page and "扫描二维码" in page  # inline SVG: no script, fits the CSP
    response = client.post(reverse("accounts:two_factor"), {"action": "confirm", "token": _code(staff)})
    codes = response.context["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "只显示这一次" in response.content.decode()
    assert services.two_factor_enabled(staff)


def test_a_wrong_first_code_does_not_enable_it(client, users):
    client.force_login(users["staff"])
    client.post(reverse("accounts:two_factor"), {"action": "begin"})
    response = client.post(reverse("accounts:two_factor"), {"action": "confirm", "token": "000000x"})
    assert "验证码不正确" in response.content.decode()
    assert not services.two_factor_enabled(users["staff"])


def test_after_the_password_every_page_waits_for_the_code(client, users, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the brute-force pause is tested below
    staff = users["staff"]
    client.force_login(staff)
    _enrol(client, staff)
    client.post(reverse("accounts:logout"))

    response = _login(client, staff)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home.url.startswith(reverse("accounts:two_factor_verify"))
    assert client.get("/members/").url.startswith(reverse("accounts:two_factor_verify"))
    api = client.get("/api/v1/members")
    assert api.status_code == 403 and "两步验证" in api.json()["detail"]

    wrong = client.post(reverse("accounts:two_factor_verify"), {"token": "123456"})
    assert "验证码不正确" in wrong.content.decode()
    assert client.get("/").status_code == 302

    ok = client.post(
        reverse("accounts:two_factor_verify"), {"token": _code(staff, drift=1), "next": "/members/"}
    )
    assert ok.status_code == 302 and ok.url == "/members/"
    assert client.get("/").status_code == 200


def test_a_recovery_code_signs_in_once_only(client, users):
    staff = users["staff"]
    client.force_login(staff)
    codes = _enrol(client, staff)
    client.post(reverse("accounts:logout"))
    _login(client, staff)
    response = client.post(reverse("accounts:two_factor_verify"), {"token": codes[0]}, follow=True)
    assert "还剩 9 个" in response.content.decode()
    client.post(reverse("accounts:logout"))
    _login(client, staff)
    again = client.post(reverse("accounts:two_factor_verify"), {"token": codes[0]})
    assert "验证码不正确" in again.content.decode()


def test_users_without_an_authenticator_sign_in_as_before(client, users):
    _login(client, users["member"])
    assert client.get("/").status_code == 200


def test_when_the_admin_requires_it_staff_must_enrol_but_members_need_not(client, users):
    admin = users["admin"]
    client.force_login(admin)
    client.post(reverse("accounts:security"), {"two_factor_required": "on"})
    assert SecurityPolicy.objects.get().two_factor_required
    client.post(reverse("accounts:logout"))

    _login(client, users["staff"])
    assert client.get("/").url.startswith(reverse("accounts:two_factor"))
    _enrol(client, users["staff"])
    assert client.get("/").status_code == 200
    disable = client.post(
        reverse("accounts:two_factor"), {"action": "disable", "token": _code(users["staff"])}
    )
    assert "不能停用" in disable.content.decode()
    client.post(reverse("accounts:logout"))

    _login(client, users["member"])
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("role", ["staff", "leader", "member", "unit"])
def test_only_admins_change_the_security_setting_or_reset_someone_elses_authenticator(client, users, role):
    client.force_login(users[role])
    assert client.post(reverse("accounts:security"), {"two_factor_required": "on"}).status_code == 403
    assert not SecurityPolicy.objects.filter(two_factor_required=True).exists()
    other = users["admin"]
    assert client.post(reverse("accounts:two_factor_reset", args=[other.pk])).status_code in (403, 404)


def test_an_admin_resets_a_lost_authenticator(client, users):
    staff = users["staff"]
    client.force_login(staff)
    _enrol(client, staff)
    client.force_login(users["admin"])
    client.post(reverse("accounts:two_factor_reset", args=[staff.pk]))
    assert not services.two_factor_enabled(staff)


def test_guessing_is_slowed_down_a_right_code_right_after_a_wrong_one_is_refused(client, users):
    staff = users["staff"]
    client.force_login(staff)
    _enrol(client, staff)
    client.post(reverse("accounts:logout"))
    _login(client, staff)
    client.post(reverse("accounts:two_factor_verify"), {"token": "000000"})
    refused = client.post(reverse("accounts:two_factor_verify"), {"token": _code(staff, drift=1)})
    assert refused.status_code == 200 and "多次输错" in refused.content.decode()
    assert client.get("/").status_code == 302
