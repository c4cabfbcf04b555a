"""Which changes and removals a subscription hears about: pure functions."""

from redline.notify.rules import (
    DestinationKind,
    Level,
    Rule,
    destination_kind,
    matches_change,
    matches_removal,
)

URL = "https://daily.example/news/a.html"


def change(
    rule: Rule,
    level: str = "minor",
    classes: tuple[str, ...] = ("wording",),
    stealth: bool = False,
    source: str | None = "daily",
    url: str = URL,
) -> bool:
    return matches_change(
        rule, source=source, url=url, level=level, classes=classes, stealth=stealth
    )


def test_defaults_are_minor_and_up_with_removals() -> None:
    rule = Rule()
    assert rule.min_level == Level.MINOR and rule.removals
    assert not change(rule, "cosmetic", ("typo",))
    assert not change(rule, "none", ())
    assert change(rule, "minor") and change(rule, "major")
    assert matches_removal(rule, source="daily", url=URL, kind="deleted")
    assert matches_removal(rule, source="daily", url=URL, kind="redirected")
    assert not matches_removal(rule, source="daily", url=URL, kind="restored")
    assert not matches_removal(Rule(removals=False), source="daily", url=URL, kind="gone")


def test_level_classes_and_stealth() -> None:
    assert not change(Rule(min_level=Level.SUBSTANTIVE), "minor")
    assert change(Rule(min_level=Level.COSMETIC), "cosmetic", ("typo",))
    headline = Rule(classes=("headline", "correction"))
    assert change(headline, classes=("wording", "headline"))
    assert not change(headline, classes=("wording",))
    assert not change(Rule(stealth_only=True), stealth=False)
    assert change(Rule(stealth_only=True), stealth=True)


def test_sources_articles_and_patterns() -> None:
    assert not change(Rule(sources=("other",)))
    assert change(Rule(sources=("daily", "other")))
    assert change(Rule(articles=(URL,)))
    assert not change(Rule(articles=(URL,)), url=URL + "?x")
    assert change(Rule(url_pattern="https://daily.example/news/*"))
    assert not change(Rule(url_pattern="*/sport/*"))
    both = Rule(sources=("daily",), url_pattern="*/sport/*")
    assert not change(both) and not matches_removal(both, source="daily", url=URL, kind="gone")


def test_rule_round_trip_and_destinations() -> None:
    rule = Rule(sources=("a",), min_level=Level.MAJOR, classes=("number",), stealth_only=True)
    assert Rule.from_json(rule.to_json()) == rule
    assert destination_kind("https://hooks.example/x") == DestinationKind.WEBHOOK
    assert destination_kind("json://127.0.0.1:9/x") == DestinationKind.APPRISE
    assert destination_kind("mailto://u:p@example.com") == DestinationKind.APPRISE
