"""Name the errors the library raises for a person to read and put right."""


class Invalid(ValueError):
    """Input a person gave cannot be used; ``problems`` maps each field to what is wrong."""

    def __init__(self, problems):
        if isinstance(problems, str):
            problems = {"": problems}
        self.problems = dict(problems)
        super().__init__("; ".join(self.problems.values()))

    @property
    def message(self):
        """Return the one problem (as it was given, so a page can still translate it), or all of them joined."""
        if len(self.problems) == 1:
            return next(iter(self.problems.values()))
        return "; ".join(self.problems.values())


class NotFound(LookupError):
    """A record asked for by id is not there, or not in this home."""

    def __init__(self, what, ident):
        self.what = what
        self.ident = ident
        super().__init__(f"There is no {what} with id {ident}.")
