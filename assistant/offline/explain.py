"""How the offline model read a question: the tools it chose with every score, and each slot with where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.offline.gazetteer import gazetteer_for
from assistant.offline.intent import Intent, detect
from assistant.offline.router import Router, clauses, router_for
from assistant.offline.tuning import LEANS_OFF_TOPIC_BELOW
from assistant.retrieval.spelling import speller_for
from assistant.services import Services


@dataclass(frozen=True)
class Explanation:
    """The decision and its evidence, as lines a person can read."""

    intent: Intent
    asks: list[tuple[str, str]]  # (part of the question, how that part alone routes) when it asks several things
    slots: list[tuple[str, str, str]]  # (slot, value, where it came from)
    mended: list[tuple[str, str]] = field(default_factory=list)  # typos the search mends, and into what

    def lines(self) -> list[str]:
        """The explanation as plain lines."""
        out = [f"tools: {self.intent.route.describe()}"]
        if self.intent.route.leans_off_topic:
            out.append(f"leans off-topic: the guides answer alone only if a sentence reaches cosine {LEANS_OFF_TOPIC_BELOW}")
        if self.intent.text != "":
            out.append(f"searched with: {self.intent.text}")
        if self.mended:
            out.append("typos mended for the search: " + ", ".join(f"{a} → {b}" for a, b in self.mended))
        out += [f"  ask '{part}': {how}" for part, how in self.asks]
        out += [f"{slot}: {value} ({where})" for slot, value, where in self.slots] or ["slots: none found"]
        return out

    def to_json(self) -> dict[str, object]:
        """The explanation as JSON-ready data."""
        route = self.intent.route
        return {
            "tools": list(route.tools),
            "declined": route.decline,
            "leans_off_topic": route.leans_off_topic,
            "scores": {k: round(v, 3) for k, v in route.scores.items()},
            "measures": {k: round(v, 3) for k, v in route.measures.items()},
            "text": self.intent.text,
            "mended": [{"typed": a, "searched": b} for a, b in self.mended],
            "asks": [{"text": t, "route": r} for t, r in self.asks],
            "slots": [{"slot": s, "value": v, "from": w} for s, v, w in self.slots],
        }


def explain(services: Services, question: str, earlier: list[str] | None = None, router: Router | None = None) -> Explanation:
    """Read the question as the offline model does (same router, same names from the index)."""
    router = router or router_for(services.answer_embedder, services.settings.models_dir)
    places = gazetteer_for(services.store)
    intent = detect(question, earlier or [], services.taxonomy, router, places)
    asks = clauses(intent.text)
    parts = [(a, router.route(a).describe()) for a in asks] if len(asks) > 1 else []
    s = intent.slots
    written = dict(s.spans)
    slots: list[tuple[str, str, str]] = []
    if s.background:
        slots.append(("background", s.background, f"role named as '{written.get('background', '')}'"))
    by_name = {x.skills[0] for x in s.sets if len(x.skills) == 1}
    slots += [("skill", skill, "skill taxonomy") for skill in s.skills if skill not in by_name]
    # Skills named by their kind or maker: "vector db → kind: vector database → Pinecone, …", "Meta's models → Llama (maker)".
    slots += [("skill" if len(x.skills) == 1 else "skills", x.describe(), f"skill taxonomy, {x.by} {x.name}") for x in s.sets]
    slots += [
        (f.slot, f.value, f"postings index, {f.how}" + ("" if f.written == f.value else f" of '{f.written}'")) for f in s.readings
    ]
    if not s.readings:
        slots += [(k, v, "capitalised name") for k, v in (("city", s.city), ("company", s.company)) if v]
    slots += [(k, v, "named in the question") for k, v in (("ai_type", s.ai_type), ("level", s.level)) if v]
    if s.remote:
        slots.append(("work_type", "Remote", "named in the question"))
    if intent.measure:
        meant = sorted(intent.route.measures.items(), key=lambda kv: -kv[1])[:3]
        how = "meaning: " + ", ".join(f"{k} {v:.2f}" for k, v in meant) if meant else "default"
        slots.append(("measure", intent.measure + (f" ({intent.category})" if intent.category else ""), how))
    return Explanation(intent, parts, slots, speller_for(services.store).mends(intent.text))
