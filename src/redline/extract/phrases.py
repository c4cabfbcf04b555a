"""The one table of furniture phrases, per language (regular-expression fragments, any case).

- `label`: what introduces another story's headline ("Read more: …", "[Related: …]",
  "Leia também …"); a paragraph that is such a label, alone or with a short headline after it,
  is a teaser.
- `lead`: how a short furniture line begins (follow, subscribe, newsletter, reprints, share,
  contact and credit lines, "Filed under:").
- `whole`: a line that is nothing but a label or a counter ("Comments", "12 Kommentare").

Pages mix languages (an English share bar on a Spanish page), so every list applies to every
page; the languages are kept apart only so that the table can be read and extended.
"""

from __future__ import annotations

PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "label": (
            r"read more", r"read also", r"also read", r"read next", r"see more", r"see also",
            r"related(?: stories| articles| content| coverage| links| news| video)?",
            r"more on (?:this|[\w' .-]{1,30}?)", r"more from [\w' .-]{1,30}?",
            r"also on [\w' .-]{1,30}?", r"don'?t miss", r"do not miss", r"must read",
            r"most (?:read|popular|viewed|shared)(?: in [\w' .-]{1,30}?)?", r"trending(?: now)?",
            r"recommended(?: for you)?", r"you (?:may|might) also like", r"editor'?s picks?",
            r"up next", r"top stories", r"more stories", r"more headlines", r"previously",
            r"click here", r"watch", r"video", r"photos", r"gallery", r"(?:next|previous) (?:story|article)",
        ),
        "lead": (
            r"follow (?:us|me|him|her|them|@\w+|[\w .'-]{1,40}? on (?:twitter|facebook|instagram|x|google\+?))",
            r"sign up (?:for|to|here)", r"subscribe (?:to|now|here|for)", r"get (?:our|the) [\w ]{0,30}newsletter",
            r"(?:our|the) [\w ]{0,20}newsletter", r"newsletter\b", r"reprints?\b", r"for reprint",
            r"click to tweet", r"tweet this", r"share (?:this|on|via)\b", r"(?:link|digg|email|print|save) this\b", r"email this", r"print this",
            r"filed under", r"posted in", r"tags?:", r"topics?:", r"categories:", r"more about:",
            r"contact (?:the )?(?:author|reporter|writer|us|editor)", r"to contact", r"email (?:the )?(?:author|reporter)",
            r"(?:photo|image|picture|video)s?(?: credits?)?\s*:", r"credits?:", r"copyright\b", r"©",
            r"all rights reserved", r"view comments", r"leave a comment", r"join the (?:conversation|discussion)",
            r"like us on facebook", r"download (?:our|the) app",
        ),
        "whole": (
            r"comments?", r"\d+ comments?", r"comments? \(\d+\)", r"share", r"tweet", r"email", r"print",
            r"advertisement", r"sponsored", r"tags", r"topics", r"related", r"more", r"permalink",
        ),
    },
    "pt": {
        "label": (
            r"leia (?:mais|também|tambem|a seguir)", r"veja (?:mais|também|tambem)", r"saiba mais",
            r"relacionad[ao]s?", r"not[ií]cias relacionadas", r"mais lid[ao]s", r"confira(?: também)?",
            r"assista(?: também)?", r"mais (?:sobre|em) [\w .-]{1,30}?",
        ),
        "lead": (
            r"siga(?:-nos)?\b", r"assine\b", r"inscreva-se", r"receba (?:as )?not[ií]cias",
            r"compartilh(?:e|ar)\b", r"(?:foto|imagem|v[ií]deo)s?\s*:", r"cr[ée]ditos?:",
            r"arquivado em", r"tags?:", r"t[óo]picos:",
        ),
        "whole": (
            r"coment[áa]rios?", r"\d+ coment[áa]rios?", r"publicidade", r"compartilhe",
        ),
    },
    "es": {
        "label": (
            r"le[ea] (?:m[áa]s|tambi[ée]n)", r"leer m[áa]s", r"ver (?:m[áa]s|tambi[ée]n)",
            r"vea (?:tambi[ée]n|m[áa]s)", r"(?:te|le) puede interesar", r"relacionad[ao]s?",
            r"noticias relacionadas", r"lo m[áa]s (?:le[ií]do|visto)", r"m[áa]s le[ií]d[ao]s",
            r"no te pierdas", r"mira(?: tambi[ée]n)?", r"m[áa]s (?:sobre|de) [\w .-]{1,30}?",
        ),
        "lead": (
            r"s[ií]guenos\b", r"sigue a\b", r"suscr[ií]bete", r"rec[ií]be(?:las)?\b", r"bolet[ií]n\b",
            r"compart(?:e|ir)\b", r"archivado en", r"etiquetas:", r"temas:",
            r"(?:foto|imagen|v[ií]deo)s?\s*:", r"cr[ée]ditos?:",
        ),
        "whole": (
            r"comentarios?", r"\d+ comentarios?", r"publicidad", r"comparte",
        ),
    },
    "de": {
        "label": (
            r"lesen sie (?:auch|mehr|hier)", r"(?:auch|ebenfalls) interessant", r"mehr zum thema",
            r"weiterlesen", r"weitere artikel", r"verwandte artikel", r"meistgelesene?",
            r"das k[öo]nnte sie (?:auch )?interessieren", r"siehe auch", r"zum thema", r"mehr dazu",
            r"mehr (?:aus|zu|über) [\w .-]{1,30}?",
        ),
        "lead": (
            r"folgen sie\b", r"abonnieren sie", r"jetzt abonnieren", r"newsletter\b",
            r"(?:artikel )?teilen\b", r"schlagw[öo]rter:", r"themen:", r"(?:foto|bild|video)s?\s*:",
        ),
        "whole": (
            r"kommentare?", r"\d+ kommentare?", r"anzeige", r"teilen",
        ),
    },
    "fr": {
        "label": (
            r"(?:à |a )?lire aussi", r"voir aussi", r"lire la suite", r"sur le m[êe]me sujet",
            r"les plus lus", r"(?:à |a )?voir aussi", r"en savoir plus",
        ),
        "lead": (
            r"suivez-nous", r"abonnez-vous", r"inscrivez-vous", r"partager\b", r"mots-cl[ée]s:",
            r"(?:photo|crédit|vid[ée]o)s?\s*:",
        ),
        "whole": (
            r"commentaires?", r"\d+ commentaires?", r"publicit[ée]",
        ),
    },
    "ru": {
        "label": (
            r"читайте (?:также|тоже|ещ[её])", r"читать (?:далее|также)", r"смотрите(?: также)?",
            r"подробнее", r"по теме", r"новости по теме", r"материалы по теме", r"самое читаемое",
            r"популярное",
        ),
        "lead": (
            r"подписывайтесь", r"подпишитесь", r"подписаться", r"поделиться", r"теги:", r"метки:",
            r"фото:", r"видео:",
        ),
        "whole": (
            r"комментари[ийя]+", r"\d+ комментари\w*", r"реклама",
        ),
    },
    "ja": {
        "label": (
            r"関連記事", r"関連ニュース", r"あわせて読みたい", r"合わせて読みたい", r"続きを読む",
            r"もっと見る", r"こちらもおすすめ", r"おすすめ記事", r"人気記事", r"よく読まれている記事",
        ),
        "lead": (
            r"フォローする", r"フォローして", r"購読する", r"シェアする", r"ツイートする", r"タグ[:：]",
            r"写真[:：]",
        ),
        "whole": (
            r"コメント", r"コメント\s*\d+件?", r"\d+件?のコメント", r"広告",
        ),
    },
}


def kind(name: str) -> tuple[str, ...]:
    """Every language's fragments of one kind ('label', 'lead' or 'whole')."""
    return tuple(p for table in PHRASES.values() for p in table.get(name, ()))
