"""Realistic article text for the simulated newsroom, generated deterministically from a seed."""

from __future__ import annotations

import random
import re

PEOPLE = [
    "Maria Alvarez",
    "James Okafor",
    "Chen Wei",
    "Sofia Rossi",
    "Daniel Novak",
    "Aisha Rahman",
    "Thomas Becker",
    "Lucía Fernández",
    "Kenji Watanabe",
    "Grace Mensah",
    "Pierre Dubois",
    "Olga Ivanova",
]
REPORTERS = ["Jane Doe", "Samuel Park", "Ingrid Holm", "Ravi Menon", "Amélie Laurent", "Tom Briggs"]
PLACES = [
    "Springfield",
    "the northern province",
    "Lisbon",
    "Nairobi",
    "the capital",
    "Taipei",
    "the coastal city of Marlow",
    "Québec",
    "the river valley",
    "Kraków",
]
TOPICS = [
    ("budget", "City council approves {amount} budget after marathon session"),
    ("transit", "New rail line to open in {place} after years of delays"),
    ("storm", "Storm leaves thousands without power in {place}"),
    ("trade", "Trade talks resume as officials seek a deal on tariffs"),
    ("election", "{person} wins runoff in tight mayoral race"),
    ("health", "Hospital waiting times fall for the first time in a decade"),
    ("schools", "School board delays vote on new curriculum"),
    ("energy", "Wind farm project wins approval despite local objections"),
    ("housing", "Rents rise {percent} as housing shortage deepens"),
    ("science", "Researchers report progress on drought-resistant wheat"),
    ("court", "Court blocks plan to close {place} library branches"),
    ("sport", "Underdogs reach final after stunning comeback"),
]
SENTENCES = [
    "Officials said the decision followed months of negotiations between {person} and regional leaders.",
    "The plan is expected to cost {amount}, according to figures released on {day}.",
    "Critics warned that the timetable was unrealistic and that residents of {place} would bear the cost.",
    "“We have listened carefully and we believe this is the right course,” {person} said in a statement.",
    "Turnout was {percent} higher than at the previous vote, election officials said.",
    "The measure passed by a vote of {n} to {m}, with two members abstaining.",
    "Supporters gathered outside the building in {place} on {day} evening, some carrying handmade signs.",
    "{person}, who has led the effort since {year}, declined to comment on the final figures.",
    "Analysts said the outcome could shape debates elsewhere in the region for years to come.",
    "The agency has not said when a full report will be published.",
    "Local businesses have reported a drop in revenue of about {percent} since the spring.",
    "A spokesperson for the ministry said the government would review the findings “with great care.”",
    "The project will create about {n}00 jobs, according to the developer.",
    "Residents of {place} said they had been given little notice of the changes.",
    "{person} told reporters that the next phase would begin in {month}.",
    "The figures were confirmed by an independent auditor on {day}.",
]
# the standfirst under the headline: one sentence, never a body sentence
STANDFIRSTS = [
    "The decision ends months of uncertainty for residents of {place}",
    "{person} says the plan will be reviewed again in {month}",
    "Critics say the cost, put at {amount}, has been badly underestimated",
    "Supporters and opponents alike expect a long fight over the details",
    "It is the first change of its kind in {place} since {year}",
]
STANDFIRST_REWRITES = [
    "Officials now say the cost could reach {amount}",
    "{person} has called for an independent inquiry into the figures",
    "The vote leaves the city divided, as {place} braces for the next phase",
]
# a photo's caption among the paragraphs: newsrooms correct captions (a misnamed person)
CAPTIONS = [
    "{person} speaks to reporters outside the town hall in {place} on {day}.",
    "Residents of {place} queue for the first public meeting on the plan in {month}.",
    "Workers inspect the site in {place}, where construction is due to begin in {month}.",
]
# the caption of the lead photo above the story (a field, not body text); corrected like any
LEAD_CAPTIONS = [
    "{person} arrives for the council session in {place} on {day}",
    "A view of {place} from the river, where the plan would be carried out",
    "{person} and supporters outside the hearing in {month}",
    "Protesters gather in central {place} ahead of the vote",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "March", "May", "September", "October", "December"]


def fill(template: str, rng: random.Random) -> str:
    return template.format(
        person=rng.choice(PEOPLE),
        place=rng.choice(PLACES),
        day=rng.choice(DAYS),
        month=rng.choice(MONTHS),
        amount=f"${rng.choice([1.2, 3.4, 17, 27.6, 4.8, 120])} {rng.choice(['million', 'billion'])}",
        percent=f"{rng.randint(2, 40)}%",
        n=rng.randint(5, 40),
        m=rng.randint(1, 4),
        year=rng.randint(2009, 2022),
    )


def make_article(index: int, seed: int) -> tuple[str, list[str], str]:
    """(headline, paragraphs, byline) for article number ``index``."""
    rng = random.Random(seed * 100_003 + index)
    _topic, headline = TOPICS[index % len(TOPICS)]
    title = fill(headline, rng)
    if index >= len(TOPICS):
        title = (
            f"{title} ({index // len(TOPICS) + 1})"
            if index % 3
            else f"{fill('{place}', rng).capitalize()}: {title}"
        )
    paragraphs = []
    for _ in range(rng.randint(5, 9)):
        paragraphs.append(
            " ".join(fill(rng.choice(SENTENCES), rng) for _ in range(rng.randint(2, 3)))
        )
    if index % 11 == 7:  # a few stories in other languages and scripts
        paragraphs[0] = (
            "Le conseil municipal a approuvé le budget après une séance marathon à Québec, a déclaré la mairesse."
        )
        paragraphs[1] = "市議會週二通過預算，官員表示將用於改善交通與教育。" + paragraphs[1]
    return title, paragraphs, rng.choice(REPORTERS)


def make_standfirst(index: int, seed: int) -> str:
    """The standfirst of article number ``index``."""
    rng = random.Random(seed * 100_019 + index)
    return fill(rng.choice(STANDFIRSTS), rng)


def make_lead_caption(index: int, seed: int) -> str:
    """The caption of the lead photo above article number ``index`` (one in three has one:
    0, 3, 6, …; 6 has a photo among its paragraphs too)."""
    if index % 3:
        return ""
    rng = random.Random(seed * 100_049 + index)
    return fill(rng.choice(LEAD_CAPTIONS), rng)


def slugify(title: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return s[:70].rstrip("-")


NEW_PARAGRAPH = (
    "“We have much work to do to reach an agreement that serves the people of this city,” "
    "{person} said in a statement after the meeting."
)
CORRECTION = "Correction: An earlier version of this article misstated the year the project began. It was 2015, not 2016."
BREAKING = ["Breaking update:", "Developing story:"]


def make_caption(index: int, seed: int) -> str:
    """The caption of the photo in article number ``index`` (two in four articles have one:
    1, 2, 5, 6, …; the even ones carry an articleBody, which holds no caption)."""
    if index % 4 not in (1, 2):
        return ""
    rng = random.Random(seed * 100_043 + index)
    return fill(rng.choice(CAPTIONS), rng)
