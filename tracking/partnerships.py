"""Which articles concern which partnership.

Rule: an article concerns a partnership when its title or text names every party, each by
its name or one of its aliases, matched as a whole word (not inside another word: "aws" in
"laws" or "Outlaws" never counts). Case:
- an all-caps name or alias ("AWS", "MSFT") matches exactly, so "aws" or "Aws" do not count;
- a name that starts with a capital ("Frontier", "OpenAI") keeps that capital and ignores
  the case of the rest ("FRONTIER", "Openai" count; "frontier" the common noun does not);
- any other alias matches in any case.
Why: names are proper nouns, and lower-case spellings of them are mostly other words.
Known false positives: a capitalised common noun at the start of a sentence ("Frontier
markets ..."); known misses: names written in lower case ("openai.com" links are skipped
on purpose). A story concerns a partnership when any of its articles does.

Speed: one compiled regex per partnership, with one named group per party; a scan stops as
soon as every party has been seen. Articles that name no party at all are rejected by the
first scan, which is the common case over a large store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tracking.model import Partnership


def alias_pattern(alias: str) -> str:
    """The regex source for one name or alias, following the case rule of the module."""
    words = alias.split()
    if not words:
        return ""
    joined = r"\s+".join(re.escape(word) for word in words)
    letters = [ch for ch in alias if ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return joined
    first, rest = words[0][0], r"\s+".join(re.escape(word) for word in [words[0][1:], *words[1:]])
    if first.isupper():
        return re.escape(first) + "(?i:" + rest + ")" if rest else re.escape(first)
    return "(?i:" + joined + ")"


def party_names(partnership: Partnership) -> list[tuple[str, ...]]:
    """Each party's name followed by its aliases, longest first."""
    result = []
    for party, aliases in partnership.parties.items():
        names = {party, *aliases}
        result.append(tuple(sorted((n for n in names if n.strip()), key=len, reverse=True)))
    return result


@dataclass(frozen=True)
class CompiledPartnership:
    partnership: Partnership
    pattern: re.Pattern[str]
    needles: tuple[tuple[str, ...], ...]     # per party: its names in lower case

    @property
    def id(self) -> str:
        return self.partnership.id

    def may_concern(self, lowered: str) -> bool:
        """A cheap exact pre-check on the lower-cased text: every party has a name in it as a
        substring. Only articles that pass go through the regex."""
        return all(any(needle in lowered for needle in party) for party in self.needles)

    def concerns(self, *texts: str) -> bool:
        seen: set[str] = set()
        for text in texts:
            for match in self.pattern.finditer(text):
                seen.add(match.lastgroup or "")
                if len(seen) == len(self.needles):
                    return True
        return False

    def names_a_party(self, text: str) -> bool:
        return self.pattern.search(text) is not None


def compile_partnership(partnership: Partnership) -> CompiledPartnership:
    groups = []
    first_chars: set[str] = set()
    names_per_party = party_names(partnership)
    for index, names in enumerate(names_per_party):
        alternatives = "|".join(alias_pattern(name) for name in names)
        groups.append(f"(?P<p{index}>{alternatives})")
        for name in names:
            first = name.strip()[0]
            first_chars.add(first)
            if not first.isupper():
                first_chars.update({first.lower(), first.upper()})
    # The look-ahead on the possible first characters lets the regex engine skip ahead
    # with a character-set scan instead of trying every position (about twice as fast).
    head = "(?=[" + "".join(re.escape(ch) for ch in sorted(first_chars)) + "])"
    source = head + r"(?<!\w)(?:" + "|".join(groups) + r")(?!\w)"
    # The first word of each name: a superset check that stays exact under any whitespace.
    needles = tuple(tuple({name.split()[0].lower() for name in names}) for names in names_per_party)
    return CompiledPartnership(partnership, re.compile(source), needles)


class Tagger:
    """Tags articles with the partnerships they concern (compiled once, reused per poll)."""

    def __init__(self, partnerships: Iterable[Partnership]) -> None:
        self.compiled = [compile_partnership(p) for p in partnerships if p.parties]

    def tag(self, title: str, text: str) -> list[str]:
        """The ids of the partnerships the article concerns, in configuration order."""
        lowered = f"{title}\n{text}".lower()
        return [c.id for c in self.compiled if c.may_concern(lowered) and c.concerns(title, text)]
