"""Everyday English words: said in questions about any rule set, and no sign of asking about something else.

A question's word that no target has counts against a weak match ("tell me about
the moon landing" names nothing here, whatever one word of it matches).  These
words do not: "is NORAD itself up and running" asks about NORAD.  They still
match a target that has them, like any other word.
"""

EVERYDAY = """
    about above across act acting action actual actually add added after again against ago agree agreed
    agreement ahead aim all allow almost alone along already also although always among amount another
    answer anyone anything anyway apart appear approve approved around arrange ask asked asking
    available away back bad base based basic basically become before begin beginning behind believe
    below best better big bigger bit both bottom bring broad build built but call called came case
    cause certain chance change changed check clear clearly close closer closest come comes coming
    complete completed concern condition conditions consider considered count course cover covered
    current currently day days deal decide decided depend depends describe described detail develop
    did different directly does doing done down during each early easy effect effort efforts either
    else end enough entire even event eventually every everyone everything exact exactly example exist
    exists expect explain fact fall far fast few final finally find finish finished fine follow
    following forward free full fully further future gave general generally get give given gives going
    gone good great group had half hand happen happening hard having hear held help here high hold
    hope however idea if important include included including instead involve involved itself keep
    kind know known last late later lead least leave less let level like likely line little long look
    looking lot low made main mainly make makes making manage many matter may maybe mean means meant
    meet member might mind more move much must near nearly necessary need next nothing notice number
    obviously off often old once one ones only open order other others otherwise out over overall
    own part particular pass passed past people perhaps person picture piece place point possible
    possibly practice present pretty probably process progress proper properly push put question
    questions quick quickly quite rather read ready real really reason recent recently regard related
    remain remaining rest result right role room run running same saw say says see seem seems seen
    send sense serious set several shall short side similar simple simply since situation small so
    some someone something sometimes soon sort sound speak specific stage stand start started state
    stay still stuff such suggest suppose sure take taken takes taking talk talking term terms than
    that the their them then there therefore these they thing things think third those though through
    throughout thus time times together too took top toward true try trying turn type under
    understand unless until upon use used useful using usually various version very view wait
    waiting want wanted way ways well went were what whatever whether while whole whom wide will
    wish within without word words work working world worth would write year years yes yet
    three two four five first second
    single double up inside outside sit sits sitting system systems office offices happens today
    tomorrow week month rely relies relying relied record records store stored planned ideas stages
    phase parts somebody anybody everybody nobody whoever body bodies area areas region local national
    neither starts begins began finishes stops stopped continue continues continued grow grows grew changes
    improve improves improved runs ran operate operates operated works worked partly mostly completely
    became becomes becoming truly needed required status chances unlikely impossible prepared unable
    reachable achievable attainable feasible doable realistic viable workable far-fetched possibility odds
""".strip()
