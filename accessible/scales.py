"""The answer scales: the values of a rating and of a yes/no, with their words and symbols everywhere they show.

One table for every part of the product: the database's allowed values, the words staff and families read, the
kiosk's first-person words and what a resident may say aloud, and the OpenMoji symbols on screen and on paper.
Every English word here has its Welsh in the catalogues (web and print domains).
"""

#: The three-point scale of `rate` topics and of every "How is it going?" (a topic's follow-up).
RATINGS = ("like", "unsure", "dislike")
YESNO = ("yes", "no")

#: What staff and families read for each value (on pages, in results and on printed forms).
RATING_NAMES = {"like": "Like", "unsure": "Not sure", "dislike": "Don't like"}
YESNO_NAMES = {"yes": "Yes", "no": "No"}
VALUE_NAMES = {**RATING_NAMES, **YESNO_NAMES}

#: What a resident reads on the kiosk: in the first person, as they would say it.
RATING_WORDS = {"like": "I like it", "unsure": "I'm not sure", "dislike": "I don't like it"}
YESNO_WORDS = YESNO_NAMES

#: The OpenMoji symbol of each value (faces for the scale, a tick and a cross for yes and no).
RATING_SYMBOLS = {"like": "1F642", "unsure": "1F610", "dislike": "1F641"}
YESNO_SYMBOLS = {"yes": "2705", "no": "274C"}

#: What else a resident may say for each answer, in each language (the on-screen words always count).
SPOKEN_SYNONYMS = {
    "en": {"like": ["like", "I like it", "good"], "unsure": ["not sure", "maybe", "I don't know"],
           "dislike": ["don't like", "I don't like it", "not for me"],
           "yes": ["yes", "yes please"], "no": ["no", "no thanks"]},
    "cy": {"like": ["hoffi", "da"], "unsure": ["ddim yn siŵr", "efallai"], "dislike": ["ddim yn hoffi"],
           "yes": ["ie", "ydw", "ydy"], "no": ["na", "nac ydw"]},
}
