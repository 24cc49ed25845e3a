"""perimeter.answers.resolve: questions in words to one id, or an error naming the candidates.

`resolve` is called directly on compiled pathways (the paper's, and small ones
from tests/builders.py); what the engine and the command make of a resolved id
is tested in test_explain.py and tests/cli/.
"""

from __future__ import annotations

import pytest

from perimeter import AmbiguousTargetError, UnknownIdError
from perimeter.answers.resolve import match, resolve, resolve_relationship, several, words

from builders import compile_rules, rule_set, step


@pytest.fixture(scope="module")
def wildfire():
    """A small pathway of its own words: no id, title or actor shared with the paper."""
    return compile_rules(rule_set(
        step("survey", title="Survey the fire line", actors=["Forest Service"]),
        step("depot", "survey", "radio", title="Build a supply depot", sequence=2),
        conditions=["radio"], pathway="wildfire"))


# -- the words of a question ----------------------------------------------------

def test_question_words_negations_and_filler_are_dropped_and_united_states_is_us():
    assert words("Why can't the United States join yet?") == ("us", "join")
    assert words("when can Mexico become part of NORAD") == ("mexico", "join", "norad")
    assert words("why isn't the U.S. blocked") == ("us",)
    assert words("please explain what is the status of it") == ()


def test_endings_users_vary_are_folded_but_double_s_is_kept():
    assert words("joins joined joining") == ("join", "join", "join")
    assert words("Cross border") == ("cross", "border")


# -- one answer ------------------------------------------------------------------

@pytest.mark.parametrize(("question", "target"), [
    ("A7", "A7"), ("a7", "A7"), (" b3? ", "B3"), ("GOAL", "goal"), ("NORAD", "norad"), ("vetting", "vetting"),
])
def test_an_id_in_any_case_wins_outright(paper, question, target):
    assert resolve(paper, question) == target


@pytest.mark.parametrize(("question", "target"), [
    ("why can't Mexico join NORAD yet", "A7"),                       # the title, with question words around it
    ("SEMAR disaster relief command", "A2"),                           # an alias
    ("the United States and Mexico create a bi-national command", "A4"),  # "United States" read as "US"
    ("personnel vetting", "vetting"),                                  # a condition's alias
    ("North American Security Perimeter", "goal"),
    ("Mexcio joins NORAD", "A7"),                                      # a typo in a long word
])
def test_words_name_one_target_of_the_paper(paper, question, target):
    assert resolve(paper, question) == target


@pytest.mark.parametrize(("question", "target"), [
    ("SURVEY", "survey"), ("forest service", "survey"), ("fire line survey", "survey"), ("built a depot", "depot"),
    ("supply depot", "depot"), ("build", "depot"), ("radio", "radio"),
])
def test_titles_actors_and_ids_of_any_rule_set_are_words_to_ask_with(wildfire, question, target):
    assert resolve(wildfire, question) == target


# -- no one answer -----------------------------------------------------------------

@pytest.mark.parametrize(("question", "candidates"), [
    ("training center", ["B3", "B5"]),
    ("HA/DR command", ["A6", "A4", "A1", "A2", "A3"]),       # best first, at most five
])
def test_an_ambiguous_question_lists_the_close_candidates_best_first(paper, question, candidates):
    with pytest.raises(AmbiguousTargetError) as ambiguous:
        resolve(paper, question)
    assert ambiguous.value.candidates == candidates
    for candidate in candidates:
        assert f"{candidate} ({paper.title_of(candidate)})" in ambiguous.value.message
    assert "give the id" in ambiguous.value.hint


@pytest.mark.parametrize(("question", "target"), [
    ("law enforcement training center", "B3"), ("IBET", "ibet_canada_us"), ("perimeter", "goal"),
    ("the perimeter", "goal"), ("CJOC", "canada_command"), ("Canada Command", "canada_command"),
])
def test_regression_an_exact_alias_wins_outright(paper, question, target):
    # Each came back ambiguous when every target covering the words was a candidate (issue 18).
    assert resolve(paper, question) == target


def test_an_alias_that_is_a_filler_word_can_be_asked_about_whole():
    pathway = compile_rules(rule_set({**step("s1", title="Phase 2 trial"), "aliases": ["step", "phase 2"]},
                                     step("s2", title="End of phase 2 meeting", sequence=2)))
    assert resolve(pathway, "step") == "s1"
    assert resolve(pathway, "phase 2") == "s1"


def test_a_word_within_a_synonym_phrase_still_names_its_target(paper):
    # "training center" is one word to the paper's vocabulary (with "academy"); "center" alone is B5's too
    ranking = match(paper, "when do mexican police officers start training at the canada-us center")
    assert "center" not in ranking.unknown
    assert any(c.id == "B5" and "center" in c.matched.values() for c in ranking.candidates)
    assert resolve(paper, "when do mexican police officers start training at the canada-us center") == "B5"


def test_the_ranking_is_data_with_scores_and_matched_words(paper):
    ranking = match(paper, "army HA/DR command in Mexico")
    best, second = ranking.candidates[:2]
    assert best.id == "A1" and best.score > second.score
    assert best.matched["sedena"] == "sedena"            # "army", read as SEDENA by the paper's vocabulary
    assert ranking.unknown == ()


def test_a_rule_sets_vocabulary_is_its_own(wildfire):
    assert resolve(wildfire, "supply depot") == "depot"
    with pytest.raises(UnknownIdError):
        resolve(wildfire, "army")  # the paper's vocabulary is not the example's


def test_an_ambiguous_question_is_also_an_unknown_id_to_callers_that_catch_that():
    assert issubclass(AmbiguousTargetError, UnknownIdError)


def test_a_question_matching_nothing_names_the_closest_targets_best_first(paper):
    with pytest.raises(UnknownIdError) as unknown:
        resolve(paper, "Mexico buys fighter jets from Brazil")
    assert not isinstance(unknown.value, AmbiguousTargetError)
    assert "matches no step or condition" in unknown.value.message
    assert unknown.value.hint.startswith("closest: ")
    assert len(unknown.value.candidates) == 3


def test_words_of_two_targets_are_not_one_target(wildfire):
    with pytest.raises(AmbiguousTargetError) as ambiguous:
        resolve(wildfire, "depot survey")
    assert sorted(ambiguous.value.candidates) == ["depot", "survey"]


@pytest.mark.parametrize("question", ["zzz qqq", "completely unrelated words"])
def test_a_question_sharing_no_word_with_the_rules_points_at_the_list(paper, question):
    with pytest.raises(UnknownIdError) as unknown:
        resolve(paper, question)
    assert unknown.value.candidates == [] and unknown.value.hint == ""  # the command line adds its own


@pytest.mark.parametrize("question", ["", "why can't it yet?", "   ", "почему Мексика не в НОРАД"])
def test_a_question_of_filler_only_or_another_script_names_nothing(paper, question):
    with pytest.raises(UnknownIdError, match="names no step or condition"):
        resolve(paper, question)


@pytest.mark.parametrize(("question", "says"), [
    ("Mexico " * 200, "too long"), ("why A7\x1b[2J", "control characters"), ("A7\u202e", "control characters"),
])
def test_a_paste_or_control_characters_are_refused_before_scoring(paper, question, says):
    with pytest.raises(UnknownIdError, match=says):
        resolve(paper, question)


def test_several_arguments_are_several_targets_only_when_each_names_one(paper):
    assert several(paper, ["A1", "a7"]) == ("A1", "A7")
    assert several(paper, ["IBET", "Mexico joins NORAD"]) == ("ibet_canada_us", "A7")
    assert several(paper, ["Mexico", "join", "NORAD"]) is None   # the words of one question
    assert several(paper, ["A7"]) is None


# -- relationships on the spectrum (Chart 1) -----------------------------------------

@pytest.mark.parametrize(("question", "about"), [
    ("why isn't US/Mexico at combined exercises", ("us_mexico", "combined_exercises")),
    ("why is the United States and Mexico not at bilateral agreements", ("us_mexico", "bilateral_agreements")),
    ("Canada/US at formal treaties", ("canada_us", "formal_treaties")),
    ("Canada and Mexico at liaison officers", ("canada_mexico", "liaison_officers")),
    ("where does US/Mexico stand", ("us_mexico", None)),
    ("why isn't Canada/Mexico higher", ("canada_mexico", None)),
    ("where does Canada/US/Mexico stand", ("trilateral", None)),   # the longest name wins over Canada/US
    ("where does North America stand on the chart", ("trilateral", None)),
])
def test_a_relationship_question_names_the_relationship_and_the_level_asked(paper, question, about):
    assert resolve_relationship(paper, question) == about


@pytest.mark.parametrize("question", [
    "US/Mexico IBET",          # names a relationship, but is about a step (B1)
    "Mexico join NORAD",       # a step, no relationship
    "A7",
])
def test_a_question_about_a_step_is_not_a_relationship_question(paper, question):
    assert resolve_relationship(paper, question) is None


def test_a_rule_set_without_a_spectrum_has_no_relationship_questions(wildfire):
    assert wildfire.spectrum is None
    assert resolve_relationship(wildfire, "where does US/Mexico stand") is None


@pytest.mark.parametrize(("question", "about"), [
    ("why isn't the trilateral relationship higher", ("trilateral", None)),  # not the level 'No relationship'
    ("us_mexico_working_group_1996", None),           # an exact condition id is the condition
    ("US/Mexico bilateral working group", None),      # a condition said whole, not the level 'Working group'
])
def test_regression_chart_words_do_not_name_a_level_and_ids_are_not_chart_questions(paper, question, about):
    assert resolve_relationship(paper, question) == about


def test_regression_the_word_relationship_does_not_ask_for_the_level_no_relationship(paper):
    # 'relationship' alone once read as the level 'No relationship' ('no' is a filler word).
    assert resolve_relationship(paper, "where does the trilateral relationship stand") == ("trilateral", None)


# -- who acts -------------------------------------------------------------------

@pytest.fixture(scope="module")
def councils():
    """Two councils of the same words: one the river towns set up, one the hill town joins afterwards."""
    return compile_rules(rule_set(
        step("set-up", title="Riverton and Lakeside create a flood council", actors=["Riverton", "Lakeside"]),
        step("hill-joins", "set-up", title="Hillcrest joins the Riverton/Lakeside flood council",
             actors=["Hillcrest"], sequence=2),
        *(step(f"other-{n}", title=f"{work} the {place}", actors=["Riverton"], sequence=3)
          for n, (work, place) in enumerate([("Survey", "river banks"), ("Dredge", "harbour"),
                                              ("Plant", "willows"), ("Mend", "levee"), ("Map", "wetlands"),
                                              ("Fence", "pastures"), ("Drain", "marsh"), ("Pave", "towpath"),
                                              ("Light", "quays"), ("Stock", "sandbags")])),
        pathway="councils"))


@pytest.mark.parametrize(("question", "target"), [
    ("why can't Riverton and Lakeside set up a flood council", "set-up"),   # Hillcrest acts in the other
    ("what does the Riverton/Lakeside flood council need", "set-up"),
    ("when can Hillcrest join the flood council", "hill-joins"),            # Hillcrest is who acts
    ("can Hillcrest enter the Riverton/Lakeside flood council", "hill-joins"),
])
def test_the_party_a_question_names_as_acting_tells_targets_of_the_same_words_apart(councils, question, target):
    assert resolve(councils, question) == target


def test_a_misspelt_word_is_read_as_the_rule_sets_word_before_folding(councils):
    ranking = match(councils, "why can't Riverton and Lakeside create a flod councel")
    assert ranking.spelled == {"flod": "flood", "councel": "council"} or ranking.spelled.get("councel") == "council"
    assert resolve(councils, "why can't Riverton and Lakeside create a flod councel") == "set-up"


@pytest.mark.parametrize("question", ["formal treaties", "why is Canada/US not at formal treaties"])
def test_regression_a_real_word_is_not_respelt_as_a_near_word_of_the_rules(paper, question):
    ranking = match(paper, question)
    assert "formal" not in ranking.spelled and "treaties" not in ranking.spelled


# -- words that name nothing: how much they weigh against a match ---------------

def test_everyday_words_naming_nothing_do_not_outweigh_the_one_word_that_names(paper):
    ranking = match(paper, "is NORAD itself up and running")
    assert set(ranking.everyday) == {"itself", "up", "runn"} and ranking.foreign == ()
    assert resolve(paper, "is NORAD itself up and running") == "norad"


def test_words_in_no_text_of_the_rule_set_count_whole_and_stop_a_weak_match(paper):
    ranking = match(paper, "tell me about the moon rocket and NORAD")
    assert ranking.foreign == ("moon", "rocket")
    with pytest.raises(UnknownIdError) as unknown:
        resolve(paper, "tell me about the moon rocket and NORAD")
    assert not isinstance(unknown.value, AmbiguousTargetError) and unknown.value.candidates[0] == "norad"


def test_a_word_the_rule_sets_texts_use_counts_half(paper):
    # "hemisphere" is in the paper's quotes and descriptions, in no title, alias or term: half a word.
    ranking = match(paper, "NORAD and the hemisphere")
    assert ranking.unknown == ("hemispher",) and ranking.foreign == ()
    assert resolve(paper, "NORAD and the hemisphere") == "norad"
    with pytest.raises(UnknownIdError):
        resolve(paper, "NORAD hemisphere speech")  # a word in no text (speech) and half of one: 1.5 against 1


def test_looking_back_is_a_review_and_the_end_state_is_the_goal():
    assert words("when do they look back over the compact") == ("review", "compact")
    assert words("the end state of the pathway") == ("goal", "pathway")


# -- terms: the source's own words about a target -----------------------------

@pytest.fixture(scope="module")
def termed():
    """Three steps of like titles; the middle one has the source's words about it."""
    return compile_rules(rule_set(
        step("chart", title="Draw the harbour chart"),
        {**step("boats", "chart", title="Buy the harbour boats", sequence=2),
         "terms": ["two lifeboats", "moored at the breakwater", "the harbour chart"]},
        step("crew", "boats", title="Train the harbour crew", sequence=3),
        pathway="harbour"))


def test_a_term_names_its_target_and_a_phrase_of_it_said_whole_fits(termed):
    assert resolve(termed, "when will the lifeboats be moored at the breakwater") == "boats"
    candidate = match(termed, "lifeboats at the breakwater").candidates[0]
    assert candidate.id == "boats" and candidate.matched == {"lifeboat": "lifeboat", "breakwater": "breakwater"}


def test_a_term_is_weaker_than_a_title_and_never_a_name_said_exactly(termed):
    # "harbour chart" is the chart's title words and a term of the boats: the title wins.
    assert resolve(termed, "the harbour chart") == "chart"
    ranking = match(termed, "two lifeboats")
    assert not ranking.exact, "a term said whole is evidence, not the target's name"


def test_terms_do_not_make_a_title_word_common(termed):
    """How rare a word is counts the titles it is in: the boats' term leaves 'chart' the chart's own."""
    from perimeter.answers.index import index_of

    index = index_of(termed)
    assert index.inverted["chart"] == {"chart", "boats"} and index.idf["chart"] > index.idf["harbour"]


def test_a_target_leaving_out_a_party_the_question_names_scores_less(paper):
    # "security perimeter" is the goal's and the US/Canada Beyond the Border arrangement's; naming Mexico
    # too leaves the bilateral arrangement out.
    def share(question: str) -> float:
        scores = {c.id: c.score for c in match(paper, question).candidates}
        return scores["beyond_the_border"] / scores["goal"]

    alone = share("is a shared security perimeter achievable")
    assert share("is a shared security perimeter around Canada, the US and Mexico achievable") < 0.8 * alone
    assert resolve(paper, "is a shared security perimeter around Canada, the US and Mexico achievable") == "goal"
    assert resolve(paper, "why isn't canada part of the us/mexico counterdrug coordination organization yet") == "B7"


def test_a_question_putting_a_relationship_at_a_level_is_about_the_chart(paper):
    assert resolve_relationship(paper, "why isn't Canada/Mexico at liaison officers") == ("canada_mexico",
                                                                                          "liaison_officers")


# -- counting the steps of a lane ------------------------------------------------

def test_the_first_or_last_step_of_a_lane_named_is_counted_by_sequence(paper):
    assert resolve(paper, "last step on the security sector track, what does it depend on") == "B8"
    assert match(paper, "the first thing on the defense side").counted == "A1"
    assert match(paper, "the final cross-sector step").counted == "C3"


def test_counting_needs_one_lane_and_never_overrules_a_clear_answer(paper):
    with pytest.raises(UnknownIdError):
        resolve(paper, "what is the first step")  # no lane named: nothing to count in
    assert match(paper, "the first step of the security and defense sectors").counted is None  # two lanes
    assert resolve(paper, "the last security step, Mexico joining NORAD") == "A7"  # the words tell: A7


def test_counting_reads_any_rule_sets_lanes():
    from perimeter.files.sources import shipped_dir
    from perimeter.pathway.compile import load_pathway

    wildfire = load_pathway(shipped_dir("rules") / "examples" / "wildfire" / "rules.yaml")
    assert resolve(wildfire, "the last logistics step") == "supply-ledger"
    assert resolve(wildfire, "what is the first governance step") == "liaison-desk"


def test_a_step_question_saying_a_levels_words_is_not_a_chart_question(paper):
    # Two words of a step beside the level's ("police academy"), or "which step": about a step.
    assert resolve_relationship(paper, "why would a shared police academy between Canada and the US help future "
                                       "combined operations?") is None
    assert resolve_relationship(paper, "which step gets Canada/US liaison officers training together") is None
    # One word beside the level's is not enough: still the chart.
    assert resolve_relationship(paper, "why haven't the US and Mexico held combined military exercises") == (
        "us_mexico", "combined_exercises")


def test_a_clear_lead_is_answered_on_less_of_a_long_question(paper):
    from perimeter.answers.resolve import CLEAR, ENOUGH, LEAST

    question = ("How would the US and Mexico combine American satellite intel with Mexican human intelligence "
                "against transnational criminal organizations?")
    first, second = match(paper, question).candidates[:2]
    assert first.id == "C1" and LEAST <= first.coverage < ENOUGH and second.score <= CLEAR * first.score
    assert resolve(paper, question) == "C1"
    # Without a clear lead, a match of so little of the question is no answer.
    question = ("which step creates a trilateral agency to coordinate and monitor the international counterdrug "
                "operations of all three countries")
    first, second = match(paper, question).candidates[:2]
    assert first.coverage < ENOUGH and second.score > CLEAR * first.score
    with pytest.raises(UnknownIdError):
        resolve(paper, question)


def test_letters_with_digits_are_a_mistyped_id_only_when_they_look_like_the_rule_sets_ids(paper):
    with pytest.raises(UnknownIdError, match="unknown step or condition 'A9'"):
        resolve(paper, "why A9")  # the paper's ids are A1 ... C3
    assert resolve(paper, "joint mexico us defense commission since ww2") == "jmusdc"  # WW2 is a word


def test_a_question_asking_what_a_named_target_is_means_it(paper):
    # SEMAR's own name first; the rest of the question ("forces", "command") is A2's words.
    ranking = match(paper, "what is SEMAR and which forces does it command")
    assert ranking.defined == "semar" and ranking.candidates[0].id != "semar"
    assert resolve(paper, "what is SEMAR and which forces does it command") == "semar"
    assert match(paper, "what is blocking SEMAR's command").defined is None  # not a name: the ranking decides


# -- a step by its place after or before another -----------------------------------

def test_the_step_after_one_named_is_the_one_needing_it(paper, wildfire):
    assert resolve(paper, "what comes after B2") == "B4"  # as stated: B4 needs B2
    assert match(paper, "what comes after B2").placed == ("B4",)
    assert resolve(paper, "after the joint counter-trafficking teams, what permanent body comes next?") == "B4"
    assert resolve(wildfire, "what comes after survey") == "depot"
    with pytest.raises(AmbiguousTargetError) as ambiguous:
        resolve(paper, "what comes after A3")  # A4 and A5 both need it, and nothing else tells them apart
    assert sorted(ambiguous.value.candidates) == ["A4", "A5"]


def test_the_step_just_before_one_named_is_one_it_needs_and_what_comes_before_is_the_step_itself(paper):
    assert resolve(paper, "what's the step right before the perimeter") == "C3"
    assert resolve(paper, "what comes before B4") == "B4"  # asks what B4 needs: B4's own answer
    assert match(paper, "what comes before B4").placed == ()


def test_counting_from_an_earlier_step_named_by_its_words_not_its_successors(paper):
    # "each have their own" names A1 and A2, whose words A3 shares: what comes after them is A3
    assert resolve(paper, "what comes after the army and the navy each have their own relief commands?") == "A3"


def test_no_step_after_the_last_is_an_error_saying_so(paper):
    with pytest.raises(UnknownIdError) as unknown:
        resolve(paper, "what's next after goal?")
    assert "no step needs goal" in unknown.value.message
    assert resolve(paper, "what's next after A7?") == "C3"  # C3 needs A7
    with pytest.raises(UnknownIdError) as unknown:
        resolve(paper, "the step just before A1")
    assert "A1 needs no step" in unknown.value.message


# -- a step named by id as what another needs --------------------------------------

def test_a_step_named_by_id_as_what_another_needs_is_the_context_not_the_subject(paper, wildfire):
    assert resolve(paper, "when can Canada join the US-Mexico counter-organized-crime agency created in B4") == "B7"
    assert resolve(paper, "what does B4 need before the US and Mexico can set it up") == "B4"
    with pytest.raises(AmbiguousTargetError):  # "survey" is a word too: an id only as ids are written
        resolve(wildfire, "depot survey")


def test_a_word_with_letters_put_before_it_is_another_word_not_a_misspelling(paper):
    from perimeter.answers.ranking import rank

    assert "mission" not in rank(paper, "when was NORTHCOM set up and what is its mission").spelled
    assert rank(paper, "jointly run").candidates[0].matched["jointly"] == "joint"  # letters after it: an ending


def test_sitting_on_a_body_is_joining_it():
    assert words("would the RCMP sit on the agency") == ("rcmp", "join", "agency")


# -- what the thing asked about is like; the units of an actor -----------------------

def test_what_a_question_says_its_subject_is_like_names_the_model_not_the_subject(paper):
    from perimeter.answers.index import index_of
    from perimeter.answers.shapes import besides

    index = index_of(paper)
    assert besides(index, "a Mexican joint command like CJOC").like == {"cjoc"}
    assert besides(index, "a JIATF-South style setup for the US and Mexico").like == {"jiatf", "south", "styl"}
    assert besides(index, "a JIATF-South style setup").by_name == {"jiatf", "south"}
    assert besides(index, "would Mexico like to join NORAD").like == frozenset()  # wanting, not likeness
    assert resolve(paper, "could we set up integrated border teams on the southern border like the ones we run "
                          "with canada") == "B1"
    assert resolve(paper, "southern border version of the RCMP/CBP border teams, what's needed") == "B1"
    assert resolve(paper, "would Mexico like to join NORAD") == "A7"


def test_an_actor_of_two_units_is_two_actors_to_a_question_naming_one(paper):
    from perimeter.answers.index import index_of

    units = index_of(paper).units
    assert units["A3"] == (frozenset({"sedena"}), frozenset({"semar"}))  # "Mexico (SEDENA and SEMAR)"
    assert len(units["A1"]) == 1 and "mexico" in units["A1"][0]  # "Mexico (SEDENA)": one unit, the actor
    assert resolve(paper, "Has SEMAR created a command to coordinate Navy and Marine Corps disaster "
                          "operations?") == "A2"
    assert resolve(paper, "what must Mexico do before SEDENA and SEMAR share one joint HA/DR command") == "A3"


def test_what_a_subject_is_made_from_or_is_not_is_another_thing_than_the_subject(paper):
    from perimeter.answers.index import index_of
    from perimeter.answers.shapes import besides

    index = index_of(paper)
    made_from = besides(index, "turning the routine US-Mexico joint operations into a permanent body").made_from
    assert {"routin", "joint", "operation"} <= made_from
    assert resolve(paper, "turning the routine US-Mexico joint operations against traffickers into a permanent "
                          "institution") == "B4"  # not B2, the operations it is made from
    assert besides(index, "one joint command, not just for disasters").not_ == {"ha_dr"}
    assert resolve(paper, "what would it take for mexico to have one joint command over its land sea and air forces, "
                          "not just for disasters") == "A5"  # not A3, an HA/DR command
    assert resolve(paper, "besides NATO, what bilateral committee did the US and Canada set up after WWII?") == \
        "military_cooperation_committee"
    assert resolve(paper, "can Mexico be folded into NORAD") == "A7"  # "folded into": nothing said between


def test_a_model_named_by_name_is_not_the_subject(paper):
    assert resolve(paper, "what's blocking a NATO-like alliance organization for Canada, the US and Mexico") == "C3"


def test_who_asks_is_not_what_is_asked(paper):
    from perimeter.answers.shapes import who_asks

    assert who_asks("Retired USAF officer here, served at Peterson. Is Mexico close to joining NORAD?") == (
        "Retired USAF officer here, served at Peterson.", "Is Mexico close to joining NORAD?")
    assert who_asks("As a CBP agent on the Arizona line, what does B1 need?")[0] == (
        "As a CBP agent on the Arizona line,")
    assert who_asks("From the Pentagon Mexico desk: what does C1 need?")[1] == "what does C1 need?"
    assert who_asks("I wonder why Mexico can't join NORAD.") == ("", "I wonder why Mexico can't join NORAD.")
    assert resolve(paper, "Retired USAF officer here, served at Peterson. Is Mexico anywhere close to being "
                          "brought into NORAD?") == "A7"
    assert match(paper, "As a congressional staffer on the armed services committee: could the US and Mexico "
                        "stand up a shared humanitarian assistance command right now?").asker.startswith("As a")


def test_a_body_is_an_organization_and_what_becomes_possible_after_a_step_is_its_successor(paper, wildfire):
    assert words("a coordination body") == ("coordination", "organization")
    assert resolve(paper, "three-country police coordination body - where does it stand") == "B8"
    assert resolve(wildfire, "what becomes possible after survey") == "depot"


def test_what_a_name_says_its_target_is_like_names_it_half(paper):
    from perimeter.answers.index import index_of

    own = index_of(paper).words["A5"]  # "Mexico creates a Joint Force Command (like CJOC and USNORTHCOM)"
    assert own["cjoc"] == own["usnorthcom"] == 0.5 and own["joint_forc"] == 1.0
    assert "like" not in own  # a word of likeness, named by nothing
    assert resolve(paper, "when was US Northern Command established and what is its mission") == "usnorthcom"
    assert resolve(paper, "could the US and Mexico build a fusion mechanism for cartel intelligence modeled on the "
                          "Key West task force?") == "C1"


def test_a_question_whether_something_exists_leans_to_what_exists_not_what_is_done(paper):
    from perimeter.answers.shapes import asks_if_it_exists

    assert asks_if_it_exists("Is there already a US/Mexico customs organization?")
    assert asks_if_it_exists("which step creates it? Does it exist?")
    assert not asks_if_it_exists("why a disaster command when Plan DN-III already exists?")  # not what is asked
    first = match(paper, "Is there already a US/Mexico organization for customs, border and immigration that "
                         "Canada could join?").candidates[0]
    assert first.id == "us_mexico_border_organization"  # the condition ahead of B6, Canada's joining it


def test_who_asks_may_end_in_a_colon(wildfire):
    from perimeter.answers.shapes import who_asks

    assert who_asks("radio room here: once our crews are certified, what else?")[0] == "radio room here:"


def test_bringing_or_letting_someone_into_something_is_their_joining_it(paper):
    assert words("what step brings Canada into border enforcement") == ("canada", "join", "border", "enforcement")
    assert resolve(paper, "why not just let Mexico into the aerospace defense command right now instead of "
                          "waiting") == "A7"  # "why not just": a suggestion, not a contrast


def test_a_level_of_something_else_is_no_chart_question(paper):
    assert resolve_relationship(paper, "three-nation law enforcement coordinating body - what level of trust does "
                                       "the author expect by then?") is None
    assert resolve_relationship(paper, "what level of cooperation have Canada and Mexico reached") == (
        "canada_mexico", None)


def test_what_a_subject_comes_after_with_a_verb_of_its_own_is_the_context():
    from perimeter.files.sources import shipped_dir
    from perimeter.pathway.compile import load_pathway

    wildfire = load_pathway(shipped_dir("rules") / "examples" / "wildfire" / "rules.yaml")
    assert resolve(wildfire, "can we run the annual three-province exercise before the common radio system is "
                             "working?") == "joint-drill"
    assert resolve(wildfire, "can the three provinces build their joint equipment store before the fund is "
                             "approved") == "shared-depot"
    assert resolve(wildfire, "what has to happen before the liaison desk is open") == "liaison-desk"  # the subject


def test_an_everyday_word_is_never_read_as_a_misspelling(paper):
    from perimeter.answers.ranking import rank

    assert "taking" not in rank(paper, "is Mexico taking part in NORAD").spelled


def test_what_a_question_takes_as_given_is_the_context(paper):
    from perimeter.answers.index import index_of
    from perimeter.answers.shapes import besides

    given = besides(index_of(paper), "now that the money is approved, can the depot go up").made_from
    assert {"money", "approv"} <= given
    assert resolve(paper, "Why would SEDENA need a dedicated humanitarian/disaster command when the army and air force "
                          "already do disaster relief under Plan DN-III?") == "A1"
    assert resolve(paper, "is A3 achievable before the navy has its own HA/DR command?") == "A3"  # not A2, needed
    assert resolve(paper, "What comes right after the US and Mexico create their information-sharing coordination "
                          "mechanism?") == "C2"


def test_counting_the_first_step_of_a_lane_is_never_answered_by_a_condition(paper):
    assert resolve(paper, "what's the very first move on the defense side of downie's pathway, the army/air force "
                          "one?") == "A1"  # not SEDENA, whose words "army/air force" are


def test_who_asks_in_the_first_person_may_end_in_a_colon():
    from perimeter.answers.shapes import who_asks

    assert who_asks("I'm drafting a fact sheet for our office: when was NORTHCOM set up?") == (
        "I'm drafting a fact sheet for our office:", "when was NORTHCOM set up?")
