"""Read the fields the staff and family answer forms share."""


def ratings(form, prefix=""):
    """Return a rate-each form's ratings, {option id: value}, from its fields named "<prefix>rating-<option id>"."""
    start = f"{prefix}rating-"
    return {key.removeprefix(start): value for key, value in form.items() if key.startswith(start)}
