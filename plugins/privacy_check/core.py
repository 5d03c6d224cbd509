"""Find details that may identify a child or family in a text, and judge them together.

`find_clues(text)` lists the clues in one passage; `judge(blocks)` turns the clues of one post
(its title, summary, paragraphs, image alt text and comments, each a Block) into findings:
a direct identifier (postcode, phone number, e-mail address, NHS or National Insurance number,
case number, street address) is an error; an indirect clue (a name, an age, an exact date, a
small place, family make-up) alone is a note, and two or more kinds in one paragraph are a
warning ("jigsaw identification"). Ethnicity, religion, disability and health count only with
another clue. `across_posts` warns when the same clue recurs in several posts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plugins.author_errors import AuthorMessage

from . import names as lists

ERROR, WARNING, NOTE = "error", "warning", "note"
DIRECT = ("postcode", "phone", "email", "nhs_number", "ni_number", "case_number", "address")
INDIRECT = ("name", "age", "date", "place", "family", "sensitive")
KINDS = DIRECT + INDIRECT

# What each kind is, in the words of a message, and how to write around it.
DESCRIBE = {
    "postcode": "a postcode",
    "phone": "a phone number",
    "email": "an e-mail address",
    "nhs_number": "an NHS number",
    "ni_number": "a National Insurance number",
    "case_number": "a case or reference number",
    "address": "a street address",
    "name": "a person's name",
    "age": "an age or school year",
    "date": "an exact date",
    "place": "a place smaller than a local authority",
    "family": "the family's make-up",
    "sensitive": "ethnicity, religion, disability or health",
}
FIX = {
    "postcode": "Remove it; name the local authority or region at most",
    "phone": "Remove it; to point readers to a service, link to its public contact page",
    "email": "Remove it; to invite replies, point readers to the blog's contact page",
    "nhs_number": "Remove it: no post needs an NHS number",
    "ni_number": "Remove it: no post needs a National Insurance number",
    "case_number": "Remove it: no post needs a case, court or reference number",
    "address": "Remove it; write 'a flat on an estate' rather than the address",
    "name": (
        "Write 'the boy' or 'his mother' rather than the name; if the name is public record "
        "(e.g. a published serious case review), list it under 'public_record:' in the front "
        "matter with its source"
    ),
    "age": "Write 'a young child' or 'a teenager' rather than 'aged 4' or 'Year 6'",
    "date": "Write 'that spring' or 'in 2016' rather than the exact date",
    "place": "Name the local authority or region at most ('a London borough', 'a northern town')",
    "family": "Write 'her siblings' or 'the family' rather than the exact make-up",
    "sensitive": "Leave out ethnicity, religion, disability or health unless the point needs it",
}


@dataclass(frozen=True)
class Clue:
    """One detail in a text: its kind, the words, and where they are (offsets in the text)."""

    kind: str
    words: str
    start: int
    end: int


@dataclass
class Block:
    """One paragraph-sized piece of a post: its file, first line, what it is, and its text."""

    path: str
    line: int
    text: str
    part: str = "body"  # title, summary, body, comment
    clues: list = field(default_factory=list)


@dataclass(frozen=True)
class Finding(AuthorMessage):
    """What the check says about one place in one file."""

    path: str
    line: int
    severity: str
    kinds: tuple
    words: tuple
    problem: str
    fix: str


# ---------------------------------------------------------------- direct identifiers

_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")
_DIGIT = re.compile(r"\d")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_TEN_DIGITS = re.compile(r"(?<![\d/.-])[1-9]\d{2}[ -]?\d{3}[ -]?\d{4}(?![\d/-])")
# HMRC's rules: no D, F, I, Q, U or V first; no D, F, I, O, Q, U or V second; some pairs unused.
_NINO = re.compile(
    r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
)
_NINO_LOOSE = re.compile(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
_NINO_CONTEXT = re.compile(r"national insurance|\bNI\b|\bNINO\b", re.I)
_COURT_NUMBER = re.compile(r"\b[A-Z]{2}\d{2}[A-Z]\d{5}\b")
_SLASHED_REFERENCE = re.compile(r"\b(?=[\w/-]*\d{3})[A-Z0-9]{1,6}(?:[/-][A-Z0-9]{1,8}){2,4}\b")
_REFERENCE_CONTEXT = re.compile(
    r"\b(?:case|file|referral|reference|ref|court|claim|crime|incident|client|child)"
    r"(?:\s+(?:number|no\.?|ref(?:erence)?|id))?\s*(?:is\s+|was\s+|:\s*|#\s*)?"
    r"(?P<ref>(?=[\w/-]*\d)[A-Z0-9][\w/-]{3,})",
    re.I,
)
_STREET_WORDS = (
    "Road|Street|Lane|Avenue|Close|Drive|Grove|Crescent|Way|Gardens|Terrace|Place|Court|Row|"
    "Walk|Rise|Square|Mews|Parade|Hill|View"
)
# The house number first: an optional "Flat 3, " in front would be tried at every word.
_ADDRESS = re.compile(rf"\b\d{{1,4}}[A-Za-z]?,? (?:[A-Z][a-z'-]+ ){{1,3}}(?:{_STREET_WORDS})\b")
_FLAT = re.compile(r"\bFlat \d+[A-Z]?,? $")


def _nhs_valid(digits):
    """True when the ten DIGITS pass the NHS number's modulus 11 check."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _phones(text):
    import phonenumbers

    matcher = phonenumbers.PhoneNumberMatcher(
        text, "GB", leniency=phonenumbers.Leniency.POSSIBLE, max_tries=200
    )
    for match in matcher:
        raw = match.raw_string
        digits = re.sub(r"\D", "", raw)
        # A UK number has 10 or 11 digits and starts with 0 (or +44); years and counts do not.
        if len(digits) >= 10 and (raw.lstrip("(").startswith(("0", "+"))):
            yield match.start, match.end, raw


def _direct(text):
    found = []
    if "@" in text:
        for match in _EMAIL.finditer(text):
            found.append(Clue("email", match.group(), match.start(), match.end()))
    if not _DIGIT.search(text):
        return found  # every other direct identifier has a digit
    for match in _POSTCODE.finditer(text):
        found.append(Clue("postcode", match.group(), match.start(), match.end()))
    for match in _TEN_DIGITS.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if _nhs_valid(digits):
            found.append(Clue("nhs_number", match.group(), match.start(), match.end()))
    for match in _NINO_LOOSE.finditer(text):
        strict = _NINO.fullmatch(match.group())
        context = _NINO_CONTEXT.search(text[max(0, match.start() - 60) : match.start()])
        if strict or context:
            found.append(Clue("ni_number", match.group(), match.start(), match.end()))
    for match in _COURT_NUMBER.finditer(text):
        found.append(Clue("case_number", match.group(), match.start(), match.end()))
    for match in _SLASHED_REFERENCE.finditer(text):
        found.append(Clue("case_number", match.group(), match.start(), match.end()))
    for match in _REFERENCE_CONTEXT.finditer(text):
        ref = match.group("ref")
        if re.fullmatch(r"(?:19|20)\d\d|\d{1,3}|\d+(?:st|nd|rd|th|s)", ref):
            continue  # a year, a count or an ordinal, not a reference
        found.append(Clue("case_number", ref, match.start("ref"), match.end("ref")))
    for match in _ADDRESS.finditer(text):
        flat = _FLAT.search(text, max(0, match.start() - 12), match.start())
        start = flat.start() if flat else match.start()
        found.append(Clue("address", text[start : match.end()], start, match.end()))
    taken = [(c.start, c.end) for c in found]
    for start, end, raw in _phones(text) if re.search(r"\d{3}", text) else ():
        if not any(s < end and start < e for s, e in taken):
            found.append(Clue("phone", raw, start, end))
    return found


# ---------------------------------------------------------------- indirect clues

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen"
)
_CHILD_NUMBER = rf"(?:\d{{1,2}}|(?:twenty-)?(?:{_NUMBER_WORDS})|twenty)"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_AGE = re.compile(
    rf"\baged? (?:just |only |about )?{_CHILD_NUMBER}(?: (?:months|years|weeks))?\b"
    rf"|\b{_CHILD_NUMBER}[- ](?:year|month|week|day)s?[- ]olds?\b"
    rf"|\b{_CHILD_NUMBER} (?:years|months|weeks|days) old\b"
    r"|\byear (?:[1-9]|1[0-3])\b(?!\d)"
    rf"|\bat the age of {_CHILD_NUMBER}\b",
)
# "Tyler was four when...", "she was 15 and pregnant": a number after a verb of being.
_AGE_AFTER_VERB = re.compile(
    rf"\b(?:was|is|were|turned|turns) (?:only |just |nearly |almost )?(?P<n>{_CHILD_NUMBER})"
    r"(?= (?:when|and|at|years|months|but|by)\b|[,.;:])",
)
# "diagnosed with ADHD at eight": 'at' a number word, not a time ('at ten o'clock').
_AGE_AT = re.compile(
    rf"\bat (?P<n>{_NUMBER_WORDS})\b(?! ?(?:o'clock|am|pm|a\.m|p\.m|past|to|in the|%|per\b))"
    r"(?= (?:and|when|but)\b|[,.;:])",
)
# "the mother, 34, had...": a relative's age in commas.
_RELATIVE_AGE = re.compile(
    r"\b(?:mother|father|mum|dad|parent|stepfather|stepmother|grandmother|grandfather|partner|"
    r"boy|girl|baby|son|daughter|brother|sister|child|teenager),? (?P<n>\d{1,2}),",
)
_DATE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)? (?:of )?(?:{_MONTHS})(?:,? (?:19|20)\d\d)?\b"
    rf"|\b(?:{_MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?,? (?:19|20)\d\d\b"
    r"|\b\d{1,2}[/.]\d{1,2}[/.](?:19|20)?\d\d\b"
)
# An exact date in a sentence about publications, laws or politics is a public event.
_PUBLIC_EVENT = re.compile(
    r"\b(?:publish\w*|announc\w*|report\w*|review\w*|inspect\w*|Act|Parliament|parliament\w*|"
    r"government|minister\w*|Ofsted|election|consultation|launch\w*|conference|speech|"
    r"guidance|came into force|news|press|article|wrote|blog|post)\b"
)
_FAMILY = re.compile(
    r"\b(?:half|step)[- ]?(?:brothers?|sisters?|siblings?|fathers?|mothers?|dads?|mums?|"
    r"sons?|daughters?|parents?|family|families)\b"
    r"|\b(?:twins?|triplets|only child)\b"
    rf"|\b(?:eldest|oldest|youngest|middle) (?:of (?:the )?(?:{_NUMBER_WORDS}|\d+)|child|son|"
    r"daughter|brother|sister)\b"
    r"|\b(?:older|younger|elder|little|baby|big|twin|new-born|newborn) "
    r"(?:half-?)?(?:brothers?|sisters?|siblings?)\b"
    rf"|\b(?:{_NUMBER_WORDS}|\d+) (?:other |young |older |younger |small )?"
    r"(?:children|siblings|brothers|sisters|grandchildren|sons|daughters)\b"
    r"|\bgrandchildren\b"
    r"|\b(?:grand(?:mother|father|parents?)|aunt|uncle)'s care\b"
    r"|\b(?:mother|mum)'s (?:new )?(?:partner|boyfriend)\b|\bnew partner\b"
    r"|\b(?:his|her|their) (?:sister|brother) [a-z]+"
    r"|\b(?:his|her|the (?:boy|girl|child|baby)'s) (?:[\w-]+ ){0,2}?(?:mother|"
    r"father|mum|dad|parents|son|daughter|husband|wife|partner|sister|brother|siblings|"
    r"grandmother|grandfather|grandparents|aunt|uncle|cousin)s?\b"
    # 'their parents' is about children in general; 'their son' is about one family.
    r"|\btheir (?:[\w-]+ ){0,2}?(?:son|daughter|baby)\b",
)
_SENSITIVE = re.compile(
    r"\b(?:muslim|sikh|hindu|jewish|jew|christian|catholic|buddhist|rastafarian|"
    r"jehovah's witness(?:es)?|mosque|synagogue|gurdwara|"
    r"mixed[- ]race|dual heritage|(?:white|black) (?:british|african|caribbean)|"
    r"roma|gypsy|traveller|asylum[- ]seek\w*|refugee|unaccompanied|"
    r"somali|eritrean|nigerian|ghanaian|pakistani|bangladeshi|polish|romanian|lithuanian|"
    r"afghan|syrian|kurdish|vietnamese|chinese|indian|jamaican|irish traveller|heritage|"
    r"autis\w*|adhd|learning disabilit\w*|disabled|disability|cerebral palsy|"
    r"multiple sclerosis|epilep\w*|diabet\w*|heart condition|down'?s syndrome|deaf|blind|"
    r"wheelchair|pregnan\w*|hiv|cancer|schizophreni\w*|bipolar|psychosis|depressi\w*|"
    r"mental (?:health|illness)|self-harm\w*|anorexi\w*|terminally ill|sickle cell)\b",
)
_PLACE_PATTERN = re.compile(
    r"\b(?:the )?(?:[A-Z][\w'-]+ ){1,3}(?:estate|Estate)\b"
    r"|\b(?:St\.? |Saint )?(?:[A-Z][\w'-]+ ){1,3}(?:(?:Primary|Junior|Infant|Infants|Secondary|"
    r"High|Grammar|Nursery|Community|Church|C of E|Catholic|Free|Special) )*(?:School|Academy|"
    r"Nursery)\b"
    r"|\b(?:[A-Z][\w'-]+ ){1,3}(?:Surgery|Medical Centre|Health Centre|Medical Practice|"
    r"Children's Centre|Family Centre|Sure Start|Ward|ward)\b"
    rf"|\b(?:[A-Z][\w'-]+ ){{1,2}}(?:{_STREET_WORDS})\b"
)
# Speed: the patterns above are written in lower case and run on the text lowered (ASCII only,
# so offsets hold): case-insensitive matching of many alternatives is several times slower.
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# Capitalised words that start an organisation, a law or a title rather than a name or place.
_NOT_NAME = frozenset(
    """The A An This That These Those It In On At Of For And But Or If When While As By From
    With Without After Before Since Until Our My Your Their His Her Its We You They He She I
    Mr Mrs Ms Miss Dr Professor Sir Dame Lord Lady Baroness Judge Justice Prime Minister
    Secretary State Council County Borough City District Service Services Trust Board Panel
    Review Reviews Report Act Children Child Social Work Workers Care Court Family Department
    Education Health Home Office Government House Commons Lords Parliament Local Safeguarding
    Partnership Association National Royal College University School Academy Hospital NHS
    Ofsted God Christmas Easter Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    January February March April May June July August September October November December
    English British European Labour Conservative Tory Liberal Year Reception Street Road Yes No
    Not Some Every Each All One Two Three Four Five Six Seven Eight Nine Ten Many Most Much
    What Who Why How Where Which There Here Then Now So Yet Still Even Just Only Also Once
    Serious Case Chief Director Inspector Commissioner Chair Minister's People Person""".split()  # noqa: SIM905
)
_TITLES = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Master)\.? (?:and (?:Mr|Mrs|Ms)\.? )?(?P<n>[A-Z][\w'-]+)"
)
_PUBLIC_TITLES = re.compile(
    r"\b(?:Lord|Lady|Baroness|Sir|Dame|Professor|Prof|Dr|Judge|Justice|Cllr|Councillor|MP|"
    r"President|Minister|Secretary|Ofsted|Commissioner|Chancellor|Mayor|Chief|Director|"
    r"Inspector|Chair|Editor|minister|secretary|commissioner|director|chair|chairman|"
    r"chairwoman|spokesperson|spokesman|spokeswoman|editor|journalist|author|researcher|"
    r"professor|academic|inspector|chief executive|social worker for \w+|leader|mayor|"
    r"councillor|judge|MP|peer|QC|KC|research by|review by|report by|written by|by)\b[^.;]{0,25}$"
)
_CAPITALISED = re.compile(r"[A-Z][a-zà-ÿ]+(?:['’][A-Z][a-zà-ÿ]+)?(?:-[A-Z][a-zà-ÿ]+)?")
_SURNAME = re.compile(r" ((?:Ma?c|O['’])?[A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?)")
# "Ian Johnston, director of...", "Joanna Nicholas (in the Guardian)", "Colin Green said":
# a full name followed by a role or a quotation is someone speaking in public.
_PUBLIC_AFTER = re.compile(
    r"^(?:,? (?:the |a |an )?(?:[\w’'-]+ ){0,4}?(?:director|officer|chief|chair|author|professor|"
    r"minister|secretary|spokesperson|spokesman|spokeswoman|MP|editor|correspondent|journalist|"
    r"researcher|lecturer|head|leader|president|commissioner|inspector|manager|founder|"
    r"campaigner|adviser|advisor|judge|peer)\b"
    r"|(?:,[^,.]{0,80},)? (?:said|says|wrote|writes|argued|argues|told|asked|added|explained|"
    r"warned|claimed|noted)\b"
    r"| \((?:in |of |writing |for )"
    r"| in (?:yesterday|today|last week|this week)['’]s"
    r"|['’]s (?:article|book|report|review|research|study|blog|column|speech|letter|foreword))"
)
# "Jordan had told...": a first name at a sentence start followed by a verb is a name.
_NAME_VERB = re.compile(
    r"[,]? (?:was|is|had|has|said|told|and|who|would|could|did|went|came|ran|"
    r"lived|started|asked|wanted|never|always|still)\b"
)
_ORG_AFTER = re.compile(
    r"^(?:'s)? ?(?:[A-Z][\w'-]+ )*(?:review|report|inquiry|principles|Council|Trust|Review|"
    r"Report|Act|Inquiry|Centre|Hospital|"
    r"University|College|Foundation|Partnership|Board|Panel|Service|Services|Group|Committee|"
    r"Commission|Institute|Society|Agency|Court|House|Prize|Award|Street|Road|School|Academy)\b"
)


def _at_sentence_start(before):
    """True when the text BEFORE a word ends a sentence (or is empty, or a list marker)."""
    line = before.rsplit("\n", 1)[-1].strip()
    if not line or line in ("-", "*", "+") or re.fullmatch(r"\d+\.", line):
        return True
    return line[-1] in '.!?:;"“‘('


def _names(text, public_seen=None, sensitive=()):
    """Clues for people's names: Mr/Mrs X, First Surname, First alone where it must be a name.

    Full names that are public (listed, or a titled or quoted speaker) go into PUBLIC_SEEN;
    words inside SENSITIVE spans ('Christian', 'Roma') are not names."""
    found = []
    seen = public_seen if public_seen is not None else set()
    first, common = lists.first_names(), lists.name_words()
    places, authorities = lists.small_places(), lists.local_authorities()
    public = lists.public_names()
    for match in _TITLES.finditer(text) if "M" in text else ():
        found.append(Clue("name", match.group(), match.start(), match.end()))
    titled = [(c.start, c.end) for c in found]
    for match in _CAPITALISED.finditer(text):
        word, start = match.group(), match.start()
        if (titled and any(s <= start < e for s, e in titled)) or (
            sensitive and any(s <= start < e for s, e in sensitive)
        ):
            continue
        if word in _NOT_NAME or word not in first or word.lower() in authorities:
            continue
        before, after = text[max(0, start - 80) : start], text[match.end() : match.end() + 60]
        surname = _SURNAME.match(after)
        if surname and surname.group(1) in _NOT_NAME:
            surname = None
        possessive = after.startswith(("'s", "’s"))
        if not surname and not possessive:
            if word in common:
                continue  # 'Will', 'Grace', 'Hope': the word, unless it cannot be
            if _at_sentence_start(before) and not _NAME_VERB.match(after):
                continue  # a capital at a sentence start proves nothing
        if _ORG_AFTER.match(after):
            continue
        words = f"{word} {surname.group(1)}" if surname else word
        end = match.end() + (surname.end() if surname else 0)
        if words.lower() in places or word.lower() in places:
            continue
        if (
            words.lower() in public
            or (not surname and word.lower() in lists.public_surnames())
            or _PUBLIC_TITLES.search(before.split("\n")[-1])
            or (surname and _PUBLIC_AFTER.match(text[end : end + 120]))
        ):
            # "the Education Secretary, Damian Hinds"; "Ian Johnston, director of BASW"
            if surname:
                seen.add(words)
            continue
        found.append(Clue("name", words, start, end))
    return found


_CAP_RUN = re.compile(r"[A-Z][\w'-]+(?:(?: upon| on| in| le| under)? [A-Z][\w'-]+){0,2}")


def _places(text, spans):
    found = []
    authorities, places = lists.local_authorities(), lists.small_places()
    for match in _scan(_PLACE_PATTERN, text, spans):
        words = match.group()
        head = re.sub(r"^(?:the|The) ", "", words)
        generic = head.split(" ")[0] in _NOT_NAME and len(head.split(" ")) <= 2
        if generic and not head.startswith(("St ", "St. ", "Saint ")):
            continue  # "The Children's Centre", "Every School": a generic phrase, not a place
        found.append(Clue("place", words, match.start(), match.end()))
    taken = [(c.start, c.end) for c in found]
    for match in _CAP_RUN.finditer(text):
        if match.start() and (text[match.start() - 1].isalnum() or text[match.start() - 1] in "'-"):
            continue  # inside a word: the pattern has no leading \b, which would slow it down
        tokens = match.group().split(" ")
        if len(tokens) == 1 and tokens[0].lower() not in places:
            continue
        # Longest known place inside the run of capitalised words.
        offset = match.start()
        i = 0
        while i < len(tokens):
            for j in range(len(tokens), i, -1):
                candidate = " ".join(tokens[i:j])
                low = candidate.lower()
                if low in authorities:
                    i = j - 1
                    break
                if low in places:
                    start = offset + len(" ".join(tokens[:i])) + (1 if i else 0)
                    end = start + len(candidate)
                    if _ORG_AFTER.match(text[end : end + 60]):
                        break  # "Lund University" is not where anyone lives
                    if not any(s < end and start < e for s, e in taken):
                        found.append(Clue("place", candidate, start, end))
                    i = j - 1
                    break
            i += 1
    return found


def _ages(text, lowered, spans):
    """Age clues, looked for only in SPANS (the stretches around a number)."""
    found = []
    for match in _scan(_AGE, lowered, spans):
        number = re.match(r"\D*(\d+)", match.group())
        if number and int(number.group(1)) > 17 and not match.group().startswith("year"):
            continue  # "a 30-year-old system", "aged 45": an adult's age or not a person
        found.append(Clue("age", match.group(), match.start(), match.end()))
    for pattern in (_AGE_AFTER_VERB, _AGE_AT):
        for match in _scan(pattern, lowered, spans):
            number = match.group("n")
            if number.isdigit() and int(number) > 17:
                continue  # an adult's age is not a clue about a child on its own
            found.append(Clue("age", match.group(), match.start(), match.end()))
    for match in _scan(_RELATIVE_AGE, lowered, spans):
        found.append(Clue("age", match.group(), match.start(), match.end()))
    # The words as the author wrote them, not lowered.
    return [Clue(c.kind, text[c.start : c.end], c.start, c.end) for c in found]


def _sentence_around(text, start, end):
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    right = min(x for x in (text.find(". ", end), text.find("\n", end), len(text)) if x >= 0)
    return text[left + 1 : right]


def _dates(text, spans):
    found = []
    for match in _scan(_DATE, text, spans):
        if _PUBLIC_EVENT.search(_sentence_around(text, match.start(), match.end())):
            continue
        found.append(Clue("date", match.group(), match.start(), match.end()))
    return found


def _simple(kind, pattern, text, lowered, spans):
    return [
        Clue(kind, text[m.start() : m.end()], m.start(), m.end())
        for m in _scan(pattern, lowered, spans)
    ]


def _scan(pattern, text, spans):
    """PATTERN's matches in TEXT within SPANS ((start, end) pairs, in order), each once."""
    last = -1
    for start, end in spans:
        for match in pattern.finditer(text, start, end):
            if match.start() > last:
                last = match.start()
                yield match


_MASK = re.compile(
    r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"  # a Markdown link's or image's address
    r"|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"  # an HTML tag (its alt text is kept below)
    r"|\bhttps?://\S+|\bwww\.\S+"  # a bare address
    r"|`[^`\n]*`"  # inline code
)
_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def _masked(text):
    """TEXT with addresses, tags and code blanked out (same length, so offsets hold)."""

    def blank(match):
        chunk = match.group()
        alt = _ALT.search(chunk) if chunk.startswith("<") else None
        out = re.sub(r"[^\n]", " ", chunk)
        if alt:
            value = alt.group(1) if alt.group(1) is not None else alt.group(2)
            at = alt.start(1) if alt.group(1) is not None else alt.start(2)
            out = out[:at] + value + out[at + len(value) :]
        return out

    if not any(mark in text for mark in ("<", "](", "http", "`", "www.")):
        return text
    return _MASK.sub(blank, text)


# Speed: each pattern runs only near a word it needs (a dictionary lookup per word is far
# cheaper than a regex of many alternatives over the whole text).
_NUMBERS = frozenset(_NUMBER_WORDS.split("|")) | {"twenty"}


def _set(words):
    return frozenset(words.split())


_GATES = {
    "age": _set("aged age year years old olds month months week weeks day days"),
    "verb": _set("was is were turned turns at"),
    "family": _set(
        # Not 'children', 'sons' or 'daughters': they count only after a number, and every
        # number wakes the family patterns too. Not 'only': 'only child' is looked for whole.
        """half step stepfather stepmother stepbrother stepbrothers stepsister stepsisters
        stepson stepsons stepdaughter stepdaughters stepdad stepmum stepparent stepparents
        stepfamily twin twins triplets eldest oldest youngest middle brother brothers
        sister sisters sibling siblings grandchildren grandmother grandfather grandparent
        grandparents aunt uncle partner boyfriend mother father mum dad parents son daughter
        husband wife cousin cousins baby"""
    ),
    "sensitive": _set(
        # Each multi-word term is woken by its rarer word ('syndrome', not 'down').
        """muslim sikh hindu jewish jew christian catholic buddhist rastafarian jehovah mosque
        synagogue gurdwara race white black roma gypsy traveller asylum refugee
        unaccompanied somali eritrean nigerian ghanaian pakistani bangladeshi polish romanian
        lithuanian afghan syrian kurdish vietnamese chinese indian jamaican heritage
        autism autistic autist adhd disabled disability disabilities palsy sclerosis epilepsy
        epileptic diabetes diabetic condition syndrome deaf blind wheelchair pregnant pregnancy
        hiv cancer schizophrenia schizophrenic bipolar psychosis depression depressed
        depressive mental harm anorexia anorexic terminally sickle"""
    ),
    "place": _set("estate school academy nursery surgery centre ward start practice"),
    "street": frozenset(_STREET_WORDS.lower().split("|")),
    "date": frozenset(_MONTHS.lower().split("|")),
}
_ALPHA = re.compile(r"[a-z]+")
_DIGITS = re.compile(r"\d+")
# Each pattern needs a word near where it matches: the words that wake each kind.
_WAKES = {}
for _kind in ("family", "sensitive", "place", "street", "date"):
    for _word in _GATES[_kind]:
        _WAKES.setdefault(_word, set()).add(_kind)
for _word in _NUMBERS:
    _WAKES.setdefault(_word, set()).update(("age", "family"))
_WAKE_WORDS = frozenset(_WAKES)
_REACH = 70  # no pattern's match reaches further than this from the word that wakes it


def _spans(text, lowered):
    """{kind: [(start, end)...]}: where in TEXT each kind's patterns can match."""
    hits = {}
    for token in set(_ALPHA.findall(lowered)) & _WAKE_WORDS:
        kinds = _WAKES[token]
        at = lowered.find(token)
        while at >= 0:
            end = at + len(token)
            whole = (at == 0 or not lowered[at - 1].isalpha()) and (
                end == len(lowered) or not lowered[end].isalpha()
            )
            if whole:
                for kind in kinds:
                    if kind == "street" and not text[at].isupper():
                        continue  # 'the way', not 'Elm Way'
                    hits.setdefault("place" if kind == "street" else kind, []).append(at)
            at = lowered.find(token, end)
    if _DIGIT.search(text):
        for match in _DIGITS.finditer(text):
            short = match.end() - match.start() <= 2
            for kind in ("age", "date", "family") if short else ("date",):
                hits.setdefault(kind, []).append(match.start())
    at = lowered.find("only child")
    while at >= 0:
        hits.setdefault("family", []).append(at)
        at = lowered.find("only child", at + 1)
    for starts in hits.values():
        starts.sort()
    spans = {}
    limit = len(text)
    for kind, starts in hits.items():
        merged = []
        for at in starts:
            start, end = max(0, at - _REACH), min(limit, at + _REACH)
            # Whole words only: a window cut inside a word would let '\b' match there.
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            while end < limit and not text[end].isspace():
                end += 1
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        spans[kind] = merged
    return spans


def find_clues(text, public=(), public_seen=None):
    """Every clue in TEXT, in order; clues inside a PUBLIC item (name or fact) are left out.

    The full names of public people met in TEXT are added to the set PUBLIC_SEEN, so that a
    post can leave out 'Barnes' after 'David Barnes, BASW policy officer' (see drop_public)."""
    text = _masked(text)
    clues = _direct(text)
    lowered = text.translate(_LOWER)
    spans = _spans(text, lowered)
    sensitive = _simple("sensitive", _SENSITIVE, text, lowered, spans.get("sensitive", ()))
    seen = set()
    clues += _names(text, seen, [(c.start, c.end) for c in sensitive])
    if public_seen is not None:
        public_seen.update(seen)
    clues += _ages(text, lowered, spans.get("age", ()))
    clues += _dates(text, spans.get("date", ()))
    clues += _places(text, spans.get("place", ()))
    clues += _simple("family", _FAMILY, text, lowered, spans.get("family", ()))
    clues += sensitive
    if public or seen:
        clues = drop_public(text, clues, [*public, *sorted(seen)])
    # One clue per stretch of text: a direct identifier wins over what overlaps it.
    clues.sort(key=lambda c: (c.start, KINDS.index(c.kind) if c.kind in DIRECT else 99, -c.end))
    kept = []
    for clue in clues:
        overlaps = [k for k in kept if k.start < clue.end and clue.start < k.end]
        if any(k.kind == clue.kind or k.kind in DIRECT for k in overlaps):
            continue
        if clue.kind in ("name", "place") and any(k.kind in ("name", "place") for k in overlaps):
            continue  # "David Barnes" is a name, not a name and a place
        if clue.kind in DIRECT:
            kept = [k for k in kept if k not in overlaps]
        kept.append(clue)
    return sorted(kept, key=lambda c: (c.start, c.end))


def drop_public(text, clues, public):
    """CLUES less those inside, or made only of the words of, a PUBLIC name or fact."""
    lowered = text.translate(_LOWER)
    spans, tokens = [], set()
    for item in public:
        item = item.strip().lower()
        if not item:
            continue
        tokens.update(re.findall(r"[\w'-]+", item))
        at = lowered.find(item)
        while at >= 0:
            spans.append((at, at + len(item)))
            at = lowered.find(item, at + 1)

    def public_clue(clue):
        if any(s < clue.end and clue.start < e for s, e in spans):
            return True
        # "Ayeeshia-Jayne" alone, once "Ayeeshia-Jayne Smith" is public record.
        words = re.findall(r"[\w'-]+", clue.words.lower().replace("'s", ""))
        return clue.kind in ("name", "place") and words and all(w in tokens for w in words)

    return [c for c in clues if not public_clue(c)]


# ---------------------------------------------------------------- judging


def _quoted(clues):
    return ", ".join(f"'{c.words}' ({DESCRIBE[c.kind]})" for c in clues)


def judge(blocks):
    """Findings for one post from its BLOCKS (each with .clues): errors, warnings, notes."""
    findings, noted = [], set()
    for block in blocks:
        for clue in block.clues:
            if clue.kind in DIRECT:
                findings.append(
                    Finding(
                        block.path,
                        _line(block, clue),
                        ERROR,
                        (clue.kind,),
                        (clue.words,),
                        f"privacy: '{clue.words}' is {DESCRIBE[clue.kind]}, which identifies "
                        "a person directly",
                        FIX[clue.kind],
                    )
                )
        indirect = [c for c in block.clues if c.kind in INDIRECT]
        kinds = list(dict.fromkeys(c.kind for c in indirect))
        if len(kinds) >= 2:
            firsts = [next(c for c in indirect if c.kind == kind) for kind in kinds]
            fixes = "; ".join(FIX[kind][0].lower() + FIX[kind][1:] for kind in kinds)
            findings.append(
                Finding(
                    block.path,
                    _line(block, firsts[0]),
                    WARNING,
                    tuple(kinds),
                    tuple(c.words for c in firsts),
                    f"privacy: {_quoted(firsts)} together in one {_piece(block)} may identify a "
                    "child or family (jigsaw identification)",
                    f"Keep at most one of them: {fixes}",
                )
            )
        elif kinds and kinds[0] != "sensitive":
            for clue in indirect:
                key = (clue.kind, clue.words.lower())
                if key in noted:
                    continue
                noted.add(key)
                findings.append(
                    Finding(
                        block.path,
                        _line(block, clue),
                        NOTE,
                        (clue.kind,),
                        (clue.words,),
                        f"privacy: '{clue.words}' is {DESCRIBE[clue.kind]}; alone it is unlikely "
                        "to identify anyone, but with one more detail it may",
                        FIX[clue.kind],
                    )
                )
    return findings


def _piece(block):
    return {"title": "title", "summary": "summary", "comment": "comment"}.get(
        block.part, "paragraph"
    )


def _line(block, clue):
    return block.line + block.text.count("\n", 0, clue.start)


# Clues that point at one family when they recur: not ages or conditions, which many share.
_RECURRING = ("name", "place", "date", "family")


def across_posts(posts_blocks):
    """Warnings for a name, place, date or family detail that recurs in two or more posts.

    POSTS_BLOCKS maps each post's path to its blocks (with clues)."""
    where = {}
    for path, blocks in posts_blocks.items():
        for block in blocks:
            for clue in block.clues:
                if clue.kind not in _RECURRING:
                    continue
                key = (clue.kind, " ".join(clue.words.lower().replace("'s", "").split()))
                if clue.kind == "family" and not re.search(r"[A-Z]", clue.words[1:]):
                    continue  # 'twins' recurs in many families; 'his sister Chloe' does not
                where.setdefault(key, {}).setdefault(path, (block, clue))
    findings = []
    for (kind, _words), places in sorted(where.items()):
        if len(places) < 2:
            continue
        for path, (block, clue) in places.items():
            others = ", ".join(p for p in places if p != path)
            findings.append(
                Finding(
                    block.path,
                    _line(block, clue),
                    WARNING,
                    (kind,),
                    (clue.words,),
                    f"privacy: '{clue.words}' ({DESCRIBE[kind]}) also appears in {others}; the "
                    "same detail in several posts lets a reader put one family together",
                    FIX[kind],
                )
            )
    return findings
