"""`why --explain-match` (issue 18): how a question in words was read, what matched which target, the runners-up."""

from __future__ import annotations

import json

from clitools import invoke, perimeter


def test_the_reading_of_a_question_follows_its_answer():
    result = invoke("why", "can the Mexican army set up an HA/DR command", "--explain-match")
    assert result.exit_code == 0, result.output
    answer, reading = result.stdout.split('How "can the Mexican army set up an HA/DR command" was read', 1)
    assert answer.startswith("A1: SEDENA creates an HA/DR command")
    first = reading.splitlines()[1]
    assert first.lstrip().startswith("A1 ") and "sedena" in first, "the army is SEDENA, by the rule set's vocabulary"


def test_json_gains_the_reading_with_every_candidate_and_score():
    document = json.loads(invoke("why", "what does Mexico need before it can join NORAD", "--explain-match",
                                 "--json").stdout)
    assert document["target"] == "A7"
    candidates = document["match"]["candidates"]
    assert candidates[0]["id"] == "A7" and candidates[0]["score"] >= max(c["score"] for c in candidates)
    assert document["match"]["question"] == "what does Mexico need before it can join NORAD"


def test_an_ambiguous_question_still_shows_how_it_was_read_before_the_error_line():
    result = perimeter("why", "when will the training center open", "--explain-match")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == 'How "when will the training center open" was read:'
    assert [line.split()[0] for line in lines[1:3]] == ["B3", "B5"], "the runners-up, best first"
    assert "words that name nothing: open" in result.stdout
    assert "could mean B3" in result.stderr


def test_several_targets_each_show_their_reading():
    document = json.loads(invoke("why", "A1", "A7", "--explain-match", "--json").stdout)
    assert [(d["target"], d["match"]["exact"]) for d in document["answers"]] == [("A1", True), ("A7", True)]


def test_a_misspelt_word_is_shown_as_the_word_it_was_read_as():
    result = perimeter("why", "why can't the Mexican navy make a disater relief command", "--explain-match")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("A2:"), "the navy is SEMAR, and 'disater relief' is disaster relief"
    assert "read as: disater -> disaster" in result.stdout


def test_words_naming_nothing_say_how_much_they_weigh_against_the_match():
    reading = perimeter("why", "is NORAD itself up and running", "--explain-match").stdout
    assert "everyday English, not counted: itself, up, runn" in reading
    refused = perimeter("why", "tell me about the moon rocket and NORAD", "--explain-match")
    assert refused.returncode == 2 and "in no text of the rule set, counted whole: moon, rocket" in refused.stdout
