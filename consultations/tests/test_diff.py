from consultations.diff import DELETE, EQUAL, INSERT, side_by_side, word_diff
from core.text import tokens


def test_tokens_keep_every_character_and_cut_traditional_text_at_words():
    text = "建議在南沙設立港澳青年創新創業基地，提供「一站式」服務。\n第二段 ABC"
    assert "".join(tokens(text)) == text
    assert "創新" in tokens(text) and "創業" in tokens(text)


def test_a_changed_word_is_marked_as_a_word_not_as_characters():
    pieces = word_diff("建议在南沙设立创业基地", "建议在前海设立创业基地")
    assert (DELETE, "南沙") in pieces and (INSERT, "前海") in pieces
    assert "".join(t for op, t in pieces if op != INSERT) == "建议在南沙设立创业基地"
    assert "".join(t for op, t in pieces if op != DELETE) == "建议在前海设立创业基地"


def test_paragraphs_stay_level_side_by_side():
    old = "第一段不变。\n第二段要改：提供一站式服务。\n第三段将删除。"
    new = "第一段不变。\n第二段要改：提供住房、资金一站式服务。\n新增的第四段。\n再新增一段。"
    result = side_by_side(old, new)
    kinds = [r.kind for r in result.rows]
    assert kinds[0] == "equal" and kinds[1] == "changed"
    changed = result.rows[1]
    assert any(op == INSERT and "住房" in t for op, t in changed.right)
    assert all(op != INSERT for op, _ in changed.left)
    assert result.inserted > 0 and result.deleted > 0 and result.changed
    # Every paragraph of both texts appears exactly once, in order.
    left = ["".join(t for _, t in r.left) for r in result.rows if r.left]
    right = ["".join(t for _, t in r.right) for r in result.rows if r.right]
    assert left == old.split("\n") and right == new.split("\n")


def test_identical_texts_have_no_changes():
    result = side_by_side("一样。\n一样。", "一样。\n一样。")
    assert not result.changed and result.inserted == result.deleted == 0
    assert all(op == EQUAL for r in result.rows for op, _ in r.left)
