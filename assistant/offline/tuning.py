"""The offline model's decision knobs, in one place, with the measurement that chose each."""

from __future__ import annotations

# Routing (router.py). Chosen on the routing suite's dev split (evals/routing.yaml), confirmed on test:
# a second tool is called when it also scores at least SECOND_TOOL_AT (0.5: dev exact 0.948 against
# 0.943 at 0.7 and 0.935 at 1.1 = never); a question is declined when "decline" scores highest and at
# least DECLINE_AT, else its best tool answers.
SECOND_TOOL_AT = 0.5
DECLINE_AT = 0.5
# A question that asks two things in two sentences or clauses gets the tool each one is confidently
# about (dev exact 0.939 -> 0.957 at 0.9; 0.952 at 0.7; 0.957 at 0.5).
CLAUSE_TOOL_AT = 0.9

# The skill gap is computed from the skills a question states once it names this many; a role named
# beside them only picks the learning path ("Python and Postgres" is not the whole backend preset).
STATED_SKILLS = 2
