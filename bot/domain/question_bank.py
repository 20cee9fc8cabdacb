"""Built-in next-stage questions, and the keywords that tie an interviewer's own question to a topic."""

from __future__ import annotations

import re

from bot.domain.models import Area, ExploreTopic

# Behavioural questions ask for a real example: answers about what the candidate *did* predict
# more than answers about what they *would* do.
TOPIC_QUESTIONS: dict[ExploreTopic, tuple[str, ...]] = {
    ExploreTopic.APPROACH: (
        "Walk me through the last ambiguous task you were handed: what did you do first, and why?",
        "Tell me about a time your first approach didn't work. How did you notice, and what did you change?",
        "When you have more work than time, how do you decide what to drop? Give a recent example.",
    ),
    ExploreTopic.RELATIONSHIPS: (
        "Tell me about a colleague you found hard to work with. What did you do to make it work?",
        "Describe a time you disagreed with a manager or stakeholder. What happened in the end?",
        "When you joined your last team, what did you do in the first weeks to earn people's trust?",
    ),
    ExploreTopic.SKILL_DEPTH: (
        "Pick the piece of work you know best and take us one level deeper: which trade-offs did you make?",
        "What is something in your field that most people get wrong, and how did you learn it?",
        "Tell me about the hardest problem you've solved with this skill. What made it hard?",
    ),
    ExploreTopic.MOTIVATION: (
        "What made you apply for this role rather than the others you're considering?",
        "Where do you want to be in two years, and how does this role get you there?",
        "What kind of work gives you energy, and what drains it?",
    ),
    ExploreTopic.WHO_TO_MEET: (),
}

# Questions that settle a disagreement in one area: they surface fresh evidence for both sides.
AREA_QUESTIONS: dict[Area, tuple[str, ...]] = {
    Area.EXCITEMENT: (
        "What do you already know about what we do, and which part of it interests you most?",
        "If you joined, what would you be most keen to work on in your first three months?",
    ),
    Area.FIT: (
        "Describe the team and way of working in which you did your best work.",
        "What is a way of working you've found frustrating, and how did you handle it?",
    ),
    Area.ABILITY: (
        "Talk us through a recent problem step by step, including where you got stuck.",
        "Looking back at something you built, what would you do differently now, and why?",
    ),
}

SKILLS_NOT_SPARK_QUESTIONS: tuple[str, ...] = (
    "What drew you to this role in particular, rather than a similar one elsewhere?",
    "What would you want to learn here that you couldn't learn where you are now?",
)
SPARK_NOT_SKILLS_QUESTIONS: tuple[str, ...] = (
    "Walk us through a piece of work you're proud of, in as much detail as you can.",
    "Which parts of this role would be new to you, and how would you get up to speed?",
)

# Word prefixes ("collaborat" matches "collaborate", "collaboration"); multi-word entries match
# as a phrase. Kept to words that rarely mean anything else in an interview question.
TOPIC_KEYWORDS: dict[ExploreTopic, tuple[str, ...]] = {
    ExploreTopic.APPROACH: (
        "approach",
        "process",
        "prioriti",
        "plan",
        "tackle",
        "debug",
        "ambigu",
        "trade-off",
        "tradeoff",
        "deadline",
        "estimat",
        "workflow",
        "organis",
        "organiz",
        "break down",
        "step by step",
    ),
    ExploreTopic.RELATIONSHIPS: (
        "team",
        "colleague",
        "stakeholder",
        "conflict",
        "relationship",
        "collaborat",
        "feedback",
        "mentor",
        "manager",
        "disagree",
        "trust",
        "communicat",
        "peer",
        "cross-functional",
        "partner",
    ),
    ExploreTopic.SKILL_DEPTH: (
        "experience with",
        "depth",
        "deep",
        "technical",
        "architecture",
        "scal",
        "skill",
        "expert",
        "implement",
        "system design",
        "algorithm",
        "performance",
        "framework",
        "internals",
    ),
    ExploreTopic.MOTIVATION: (
        "motivat",
        "why this",
        "why us",
        "why do you want",
        "why are you",
        "interest",
        "excit",
        "career",
        "goal",
        "leave",
        "leaving",
        "looking for",
        "passion",
        "ambition",
        "long-term",
        "long term",
    ),
    ExploreTopic.WHO_TO_MEET: (),
}

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def topic_for_question(question: str) -> ExploreTopic | None:
    """The one topic whose keywords a question matches most; None when none match or it's a tie."""
    words = _WORD.findall(question.casefold())
    phrase = " " + " ".join(words) + " "
    scores: dict[ExploreTopic, int] = {}
    for topic, keywords in TOPIC_KEYWORDS.items():
        score = 0
        for keyword in keywords:
            if " " in keyword:
                score += f" {keyword} " in phrase
            else:
                score += any(word.startswith(keyword) for word in words)
        if score:
            scores[topic] = score
    if not scores:
        return None
    best = max(scores.values())
    leaders = [topic for topic, score in scores.items() if score == best]
    # A tie means the question doesn't obviously belong to one topic.
    return leaders[0] if len(leaders) == 1 else None
