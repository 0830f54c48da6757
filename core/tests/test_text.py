from hypothesis import given
from hypothesis import strategies as st

from core.text import normalise, to_simplified, to_traditional, words


def test_traditional_hk_variant_of_committee_words():
    assert to_traditional("委员 港澳台侨外事委员会") == "委員 港澳台僑外事委員會"


def test_search_form_is_the_same_for_either_script_full_width_and_spaces():
    assert normalise("陳 大文") == normalise("陈大文")
    assert normalise("ＡＢＣ１２３") == "abc123"
    assert normalise("  委員會 ") == "委员会"


@given(st.text(alphabet="委员会港澳侨发言提案陳東體育局 ", max_size=30))
def test_normalising_twice_changes_nothing(text):
    assert normalise(normalise(text)) == normalise(text)


def test_round_trip_keeps_simplified_text():
    text = "增加广州滑板场建设"
    assert to_simplified(to_traditional(text)) == text


def test_words_segment_chinese_and_drop_punctuation():
    result = words("增加广州滑板场建设！")
    assert "广州" in result and "滑板" in result
    assert "！" not in result
