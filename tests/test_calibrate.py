"""The abstention threshold is chosen from labelled evidence scores, within the false-abstention bound."""

from qa.answerers.calibrate import choose_threshold


def test_threshold_separates_scores_within_the_false_abstention_bound():
    rows = [(True, s, False) for s in (0.6, 0.7, 0.8, 0.9, 1.0) * 4] + [(False, s, False) for s in (0.1, 0.2, 0.65)]
    c = choose_threshold(rows, max_false=0.05)
    assert 0.2 < c.threshold <= 0.6  # abstains on 0.1 and 0.2, never on an answerable question
    assert c.false_abstention == 0.0 and round(c.abstain_recall, 2) == 0.67


def test_unknown_names_abstain_whatever_the_threshold():
    rows = [(True, 0.9, False)] * 20 + [(False, 0.95, True)]
    c = choose_threshold(rows)
    assert c.abstain_recall == 1.0 and c.false_abstention == 0.0


def test_no_threshold_meets_the_bound_means_no_score_abstention():
    rows = [(True, 0.1, True)] * 5 + [(False, 0.5, False)]
    assert choose_threshold(rows).threshold == float("-inf")


def test_a_name_is_unknown_unless_a_passage_says_it_or_spells_out_its_acronym():
    from qa.answerers.extractive import ExtractiveAnswerer
    from qa.passages import Passage
    from qa.vectors import HashEmbedder

    text = "The Police and Crime Commissioner met Independent Custody Visitors in Stevenage."
    passages = [Passage(chunk_id=1, release_id="r", title="Visit", source="r.md", text=text, start=0,
                        end=len(text), score=1.0)]
    unknown = ExtractiveAnswerer(HashEmbedder()).unknown_names
    assert unknown("Why did the PCC meet the ICVs in Stevenage?", passages) == []
    assert unknown("Why did the PCC meet the ICVs in Watford?", passages) == ["Watford"]
    assert unknown("Did the PCC meet the NCA?", passages) == ["NCA"]


def test_follow_ups_in_the_bound_hold_the_threshold_down():
    """The tune follow-ups count among the answerable questions the threshold may refuse at most 5% of: a
    threshold that refuses none of the whole questions but a quarter of the follow-ups is not taken."""
    from types import SimpleNamespace

    from qa.answerers.calibrate import ReaderRow, best_threshold, threshold_table

    model = SimpleNamespace(probability=lambda f: f["p"])

    def rows(source, answerable, probs):
        return [ReaderRow(source, answerable, None, {"p": p}, 1.0 if answerable else 0.0) for p in probs]

    squad = rows("squad2", True, [0.7] * 10) + rows("squad2", False, [0.5] * 10)
    sample = rows("sample", True, [0.7] * 20) + rows("sample", False, [0.5] * 10)
    followups = rows("followup", True, [0.45] * 5 + [0.7] * 15)
    tables = threshold_table(squad, model), threshold_table(sample, model)
    alone, _ = best_threshold(*tables, threshold_table(sample, model))
    with_followups, _ = best_threshold(*tables, threshold_table(sample + followups, model))
    assert 0.5 < alone["threshold"] <= 0.7
    assert with_followups["threshold"] <= 0.45
