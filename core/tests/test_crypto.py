import pytest
from django.db import connection

from core.crypto import blind_index, decrypt, encrypt, mask


def test_encrypt_round_trip_and_cipher_text_differs():
    token = encrypt("H1234567801")
    assert token != "H1234567801"
    assert decrypt(token) == "H1234567801"


def test_blind_index_ignores_case_and_spaces():
    assert blind_index("h1234567801") == blind_index(" H12345 67801")
    assert blind_index("H1234567801") != blind_index("H1234567802")


def test_mask_hides_middle():
    assert mask("13812345678") == "138****5678"
    assert mask("H1234567801", keep_start=5, keep_end=2) == "H1234****01"


def test_wrong_key_fails_loudly(settings):
    token = encrypt("secret")
    settings.TONGXIN_FIELD_KEY = "G0Wj3q3m0Hc8n1r7i9pT2b4cV6x8z0A2s4D6f8H0j2k="
    with pytest.raises(ValueError, match="密钥"):
        decrypt(token)


@pytest.mark.django_db
def test_sensitive_access_log_is_written_by_the_reveal_helper(users):
    from core.models import SensitiveAccessLog
    from core.sensitive import log_reveal

    person = users["member"].person
    log_reveal(user=users["staff"], obj=person, field="document_number", ip="127.0.0.1")
    row = SensitiveAccessLog.objects.get()
    assert row.user == users["staff"] and row.object_id == person.pk and row.field == "document_number"
    assert connection.vendor in ("sqlite", "postgresql")
