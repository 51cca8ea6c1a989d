"""Build the restricted grammar a resident may say for the options on screen, and map words back to an option."""

import re
from dataclasses import dataclass, field

ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth"]
NUMBERS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
#: The most options one question listens for: every option of the question, not only those on screen.
MAX_OPTIONS = len(ORDINALS)
SMALL_NUMBERS = {str(n): word for n, word in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
     "nineteen", "twenty"])}

# Polite words around a choice; kept short because every extra path is a chance to mishear.
# Polite words around a choice. Every filler path is also one more way for unrelated speech to fit
# the grammar; on the test voices this list scored better than both a shorter and a longer one.
PREFIXES = ["i'd like", "i would like", "i'll have", "can i have", "could i have", "i want",
            "i choose", "i'd prefer", "i'd like to", "let's have"]
ARTICLES = ["the", "a", "some"]
SUFFIXES = ["please", "thank you", "thanks", "please thank you"]

# Not "i do", "i don't" or "no i wouldn't": other speech fell onto them ("where are my glasses" was heard
# as "i do", a yes that recorded the answer). Without them, 2 of 60 other sentences in six espeak-ng
# voices were taken for a yes or a no instead of 4, and 47 of 54 yes/no answers were right instead of 43.
YES_PHRASES = ["yes", "yes please", "yeah", "yes thank you", "yep", "that's right", "ok", "okay", "yes i would"]
NO_PHRASES = ["no", "no thanks", "no thank you", "nope", "not really", "that's wrong", "not that one"]
YES_LABELS = {"yes", "yeah", "agree", "right", "correct", "ie", "ydw", "oes", "do", "cytuno"}
NO_LABELS = {"no", "disagree", "wrong", "not right", "na", "nac ydw", "nac oes", "naddo", "anghytuno"}

# Welsh screens: the polite words, yes/no and numbers a resident says around a Welsh option.
# Not "ga i", "hoffwn i" or "y": each mutates the word after it ("ga i de", not "ga i te"), so they
# never came before a label as written, and their short sounds fitted half-heard words: "ie" came back
# as "ga". Nor "do" and "naddo", the yes and no of the past tense, which no screen here asks in, and
# which an English model hears as "no".
WELSH = {
    "prefixes": ["dw i eisiau"],
    "articles": [],
    "suffixes": ["plis", "diolch", "os gwelwch yn dda"],
    "yes": ["ie", "ie plis", "ie diolch", "ydw", "ydy", "oes"],
    "no": ["na", "na diolch", "nac ydw", "nac ydy", "nac oes"],
    "numbers": ["un", "dau", "tri", "pedwar", "pump", "chwech", "saith", "wyth", "naw", "deg", "un ar ddeg",
                "deuddeg"],
}
# Words of Welsh option labels on a care home's screens; most of a screen's words in here makes it Welsh.
WELSH_WORDS = {"te", "coffi", "siocled", "poeth", "dŵr", "dwr", "llaeth", "sudd", "oren", "afal", "cawl", "pysgod",
               "sglodion", "cinio", "brecwast", "swper", "bara", "brith", "menyn", "caws", "cig", "llysiau",
               "pwdin", "hufen", "iâ", "ia", "ie", "na", "ydw", "oes", "naddo", "canu", "cerdded", "gardd",
               "gerddoriaeth", "cerddoriaeth", "darllen", "gemau", "ffilm", "teledu", "lolfa", "ystafell", "cyw",
               "iâr", "cacen", "gyda", "heb", "ac", "neu", "y", "yr", "un", "dau", "tri", "pedwar"}


def normalise(text):
    """Return *text* as lower-case words with digits spelt out and punctuation dropped."""
    text = text.lower().replace("&", " and ").replace("’", "'").replace("-", " ")
    text = re.sub(r"[^\w' ]+", " ", text)
    words = []
    for word in text.split():
        word = word.strip("'")
        if not word:
            continue
        words.append(SMALL_NUMBERS.get(word, word))
    return " ".join(words)


def parse_options(options):
    """Turn a list of labels or ``{"label", "synonyms"}`` dicts into ``(label, [phrases])`` pairs.

    :raises ValueError: when there are no options, more than twelve, or an option has no words.
    """
    if not options:
        raise ValueError("give at least one option to listen for")
    if len(options) > MAX_OPTIONS:
        raise ValueError(f"listen for at most {MAX_OPTIONS} options at a time, not {len(options)}")
    parsed = []
    for option in options:
        if isinstance(option, str):
            label, synonyms = option, []
        elif isinstance(option, dict) and isinstance(option.get("label"), str):
            label, synonyms = option["label"], list(option.get("synonyms") or [])
            if "spoken" in option and option["spoken"]:
                synonyms.append(option["spoken"])
        else:
            raise ValueError(f"an option is a label or a dict with a 'label', not {option!r}")
        phrases = []
        for text in [label, *synonyms]:
            phrase = normalise(str(text))
            if phrase and phrase not in phrases:
                phrases.append(phrase)
        if not phrases:
            raise ValueError(f"option {label!r} has no words a resident could say")
        parsed.append((label, phrases))
    return parsed


def is_yesno(parsed):
    """Return True when the options are a yes and a no (a yesno topic or a confirmation)."""
    firsts = {phrases[0] for _label, phrases in parsed}
    return len(parsed) == 2 and bool(firsts & YES_LABELS) and bool(firsts & NO_LABELS)


def language_of(labels):
    """Return ``ko`` for Hangul labels, ``cy`` when most of the labels' words are Welsh, else ``en``."""
    text = " ".join(labels)
    if re.search(r"[\uac00-\ud7a3]", text):
        return "ko"
    words = normalise(text).split()
    if re.search(r"[ŵŷâêîôû]", text.lower()) or (words and sum(w in WELSH_WORDS for w in words) > len(words) / 2):
        return "cy"
    return "en"


@dataclass
class Grammar:
    """The phrases that choose each option, and the polite words allowed around them."""

    labels: list
    language: str = "en"
    cores: dict = field(default_factory=dict)  # phrase -> option index
    prefixes: list = field(default_factory=lambda: list(PREFIXES))
    articles: list = field(default_factory=lambda: list(ARTICLES))
    suffixes: list = field(default_factory=lambda: list(SUFFIXES))
    #: Per option, its label, synonyms and spoken words as staff wrote them (capitals and all).
    written: list = field(default_factory=list)
    yesno: bool = False
    numbered: set = field(default_factory=set)  # the cores that are ordinals or numbers
    answers: set = field(default_factory=set)  # the cores that are a yes or a no

    def spoken_numbers(self):
        """Return ``(option index, phrase)`` for each ordinal or number that chooses an option."""
        return [(i, p) for p, i in self.cores.items() if p in self.numbered]

    def yes_no_phrases(self):
        """Return ``(option index, phrase)`` for each way of saying yes or no that chooses an option."""
        return [(i, p) for p, i in self.cores.items() if p in self.answers]

    def phrases_of(self, index):
        """Return the core phrases that choose option *index*."""
        return [phrase for phrase, i in self.cores.items() if i == index]

    def words(self):
        """Return every word the grammar can produce."""
        found = set()
        for phrase in [*self.cores, *self.prefixes, *self.articles, *self.suffixes]:
            found.update(phrase.split())
        return found

    def match(self, text):
        """Return the option index that *text* chooses, or None when it is not a grammar sentence."""
        words = normalise(text).split()
        for pre in ["", *self.prefixes]:
            rest = _strip_front(words, pre)
            if rest is None:
                continue
            for art in ["", *self.articles]:
                core = _strip_front(rest, art)
                if core is None:
                    continue
                for suf in ["", *self.suffixes]:
                    body = _strip_back(core, suf)
                    if body:
                        index = self.cores.get(" ".join(body))
                        if index is not None:
                            return index
        return None

    def sentences(self, short=False):
        """Return whole sentences for engines that take a phrase list (all cores, a few with fillers)."""
        out = []
        for phrase in self.cores:
            out.append(phrase)
            if short:
                continue
            out += [f"{phrase} please", f"{phrase} thank you"]
            if "the" in self.articles and "i'd like" in self.prefixes:
                out += [f"the {phrase}", f"i'd like {phrase}", f"i'd like the {phrase}"]
        return list(dict.fromkeys(out))

    def jsgf(self, token=lambda w: w, garbage=None, garbage_weight=1e-3):
        """Return a JSGF grammar; *token* maps a word to its dictionary name; *garbage* lists filler words."""

        def alt(phrases):
            return " | ".join(" ".join(token(w) for w in p.split()) for p in phrases)

        lines = ["#JSGF V1.0;", "grammar choice;"]
        rules = {"pre": self.prefixes, "art": self.articles, "core": self.cores, "post": self.suffixes}
        choice = " ".join(f"<{name}>" if name == "core" else f"[<{name}>]" for name in rules if rules[name])
        if garbage:
            lines.append(f"public <utt> = /1/ ({choice}) | /{garbage_weight:g}/ <garbage>;")
            lines.append(f"<garbage> = ({' | '.join(garbage)})+;")
        else:
            lines.append(f"public <utt> = {choice};")
        lines += [f"<{name}> = {alt(phrases)};" for name, phrases in rules.items() if phrases]
        return "\n".join(lines) + "\n"


def _strip_front(words, phrase):
    parts = phrase.split()
    if words[: len(parts)] == parts:
        return words[len(parts):]
    return None


def _strip_back(words, phrase):
    parts = phrase.split()
    if not parts:
        return words
    if len(words) > len(parts) and words[-len(parts):] == parts:
        return words[: -len(parts)]
    return None


def _written(option):
    """Return an option's label, synonyms and spoken words as written, without closing punctuation."""
    if isinstance(option, str):
        texts = [option]
    else:
        spoken = [option["spoken"]] if option.get("spoken") else []
        texts = [option["label"], *(option.get("synonyms") or []), *spoken]
    found = []
    for text in texts:
        text = re.sub(r"\s+", " ", str(text)).strip().rstrip(".!?,;:").strip()
        if text and text not in found:
            found.append(text)
    return found


def build_grammar(options, yesno=None, language=None):
    """Build the grammar for *options*: labels, synonyms, ordinals and, for a yes/no pair, yes/no phrases.

    *language* (``en`` or ``cy``; guessed from the labels when None) picks the polite words and the
    yes/no phrases; a Welsh screen accepts the English ones too, since many residents speak both.
    """
    parsed = parse_options(options)
    language = language or language_of([label for label, _phrases in parsed])
    grammar = Grammar(labels=[label for label, _phrases in parsed], language=language,
                      written=[_written(option) for option in options])
    welsh = language == "cy"
    if welsh:
        grammar.prefixes += WELSH["prefixes"]
        grammar.articles += WELSH["articles"]
        grammar.suffixes += WELSH["suffixes"]
    owners = {}
    for index, (_label, phrases) in enumerate(parsed):
        for phrase in phrases:
            owners.setdefault(phrase, set()).add(index)
    if yesno is None:
        yesno = is_yesno(parsed)
    yesno = yesno and len(parsed) == 2
    if yesno:
        # Nobody says "the yes": before a yes or a no an article only caught half-heard speech ("nac ydw"
        # heard as "a ydw", a yes). The longer polite words stay, odd as "i'd like yes" is: speech that
        # is neither often fits them and then ends part-way, which is no choice. On the tuning corpus,
        # dropping both let 8 % of other speech through; dropping articles alone, 3 % as before, with
        # 2.5 % more right answers.
        grammar.articles = []
        yes_index = 0 if parsed[0][1][0] in YES_LABELS or parsed[1][1][0] in NO_LABELS else 1
        for phrase in YES_PHRASES + (WELSH["yes"] if welsh else []):
            owners.setdefault(phrase, set()).add(yes_index)
            grammar.answers.add(phrase)
        for phrase in NO_PHRASES + (WELSH["no"] if welsh else []):
            owners.setdefault(phrase, set()).add(1 - yes_index)
            grammar.answers.add(phrase)
    grammar.yesno = yesno
    explicit = set(owners)
    last = len(parsed) - 1
    # A yes or a no is said, not counted: "number two" for "no" only caught other speech ("ydw" heard as
    # "rhif dau", a no).
    for index in range(len(parsed) if not yesno else 0):
        ordinal, number = ORDINALS[index], NUMBERS[index]
        # Not "option two", nor a bare "third" or "last": short phrases like these fitted all sorts of
        # other speech. On the tuning corpus dropping them cut out-of-grammar accepts from 15 % to 0 %
        # and wrong options from 8 % to 3 %, with as many right.
        spoken = [f"{ordinal} one", f"the {ordinal} one", f"number {number}"]
        if welsh:
            spoken.append(f"rhif {WELSH['numbers'][index]}")
        if index == last and index > 0:
            spoken += ["the last one", "last one"]
        for phrase in spoken:
            # A label or synonym always wins over an ordinal that sounds the same ("One", "The first one").
            if phrase not in explicit:
                owners.setdefault(phrase, set()).add(index)
                grammar.numbered.add(phrase)
    for phrase, indices in owners.items():
        # A phrase two options share chooses neither: asking again beats guessing.
        if len(indices) == 1:
            grammar.cores[phrase] = next(iter(indices))
    return grammar
