"""The full-text index of posts, and the statements that read it, for each database.

PostgreSQL: a stored, generated tsvector column `search` on posts' table with a GIN index. The
text is read twice, by English and by German rules (two text search configurations that first
take accents off with `unaccent`, then stem), and the two vectors are joined: "Häuser" is found
by "haus", "mixes" by "mixing", "café" by "cafe". A search is turned into a tsquery by each
configuration with `websearch_to_tsquery`, and a post matches either.

SQLite: an FTS5 table over posts' text (external content: the text is not stored twice), kept in
step by triggers, with FTS5's Porter stemmer for English and accents removed (no German stems).

Either way the index answers "which post ids match, newest first" (`candidate_ids`) or "which
of the newest matches match best" (`ranked_candidates`); `search.selectors` then keeps what the
viewer may find, by the same queryset rules as the timelines.

PostgreSQL will not change the type of a column a generated column reads: a migration that
alters posts' `text` must drop `search` first and add it back (`index_drop`, `index_create`).
"""

import json

from django.db import connection, transaction

from core.query import MAX_ID
from posts.models import Post
from search.query import SearchQuery

POSTS = Post._meta.db_table
POST_TAGS = Post.hashtags.through._meta.db_table
SQLITE_TABLE = "search_post"
CONFIGURATIONS = {"microblog_en": "english", "microblog_de": "german"}
# The tsquery of a search: a post matches the English or the German reading of it.
_TSQUERY = "(websearch_to_tsquery('microblog_en', %s) || websearch_to_tsquery('microblog_de', %s))"
# Ranks are floats; as integers they make an exact keyset cursor.
RANK_SCALE = 1_000_000
# FTS5's bm25 is lower for a better match.
_SQLITE_SCORE = f"CAST(-bm25({SQLITE_TABLE}) * {RANK_SCALE} AS INTEGER)"

_SQLITE_TRIGGERS = {
    f"{SQLITE_TABLE}_insert": (
        f"AFTER INSERT ON {POSTS} BEGIN "
        f"INSERT INTO {SQLITE_TABLE}(rowid, text) VALUES (new.id, new.text); END"
    ),
    f"{SQLITE_TABLE}_delete": (
        f"AFTER DELETE ON {POSTS} BEGIN "
        f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, text) "
        f"VALUES ('delete', old.id, old.text); END"
    ),
    f"{SQLITE_TABLE}_update": (
        f"AFTER UPDATE OF text ON {POSTS} BEGIN "
        f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, text) "
        f"VALUES ('delete', old.id, old.text); "
        f"INSERT INTO {SQLITE_TABLE}(rowid, text) VALUES (new.id, new.text); END"
    ),
}


# --- building the index ------------------------------------------------------------------------


def index_create(schema_editor) -> None:
    """Create the index for the database `schema_editor` works on, from the posts there."""
    if schema_editor.connection.vendor == "postgresql":
        # unaccent is a trusted extension: the database's owner may create it.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        for name, language in CONFIGURATIONS.items():
            schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {language})")
            schema_editor.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {name} "
                f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {language}_stem"
            )
        schema_editor.execute(
            f"ALTER TABLE {POSTS} ADD COLUMN search tsvector GENERATED ALWAYS AS ("
            "to_tsvector('microblog_en'::regconfig, text) || "
            "to_tsvector('microblog_de'::regconfig, text)) STORED"
        )
        schema_editor.execute(f"CREATE INDEX search_post_gin ON {POSTS} USING gin (search)")
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {SQLITE_TABLE} USING fts5(text, content='{POSTS}', "
            "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
        )
        _sqlite_triggers_create(schema_editor.connection)


def index_drop(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {POSTS} DROP COLUMN search")
        for name in CONFIGURATIONS:
            schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION {name}")
    elif schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            for trigger in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")


def _sqlite_triggers_create(db) -> bool:
    """Create the triggers that are missing; if any was, rebuild the index from the posts (it
    missed what was written without them). Whether it had to."""
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [POSTS]
        )
        present = {name for (name,) in cursor.fetchall()}
        missing = [name for name in _SQLITE_TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(f"CREATE TRIGGER {name} {_SQLITE_TRIGGERS[name]}")
        if missing:
            cursor.execute(f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES ('rebuild')")
    return bool(missing)


def index_repair(*, using="default", **kwargs) -> None:
    """After migrations: SQLite alters a table by copying it to a new one, which drops the
    table's triggers; put them back (and rebuild the index) if a migration did so."""
    from django.db import connections

    db = connections[using]
    if db.vendor != "sqlite":
        return
    with db.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [SQLITE_TABLE])
        if cursor.fetchone() is None:  # not migrated this far
            return
    with transaction.atomic(using=using):
        _sqlite_triggers_create(db)


# --- reading it --------------------------------------------------------------------------------


def _websearch(query: SearchQuery) -> str:
    """The query as websearch_to_tsquery reads it: each word and phrase quoted, exclusions
    after a minus."""
    positive = [f'"{term}"' for term in (*query.words, *query.phrases)]
    return " ".join(positive + [f'-"{term}"' for term in query.excluded])


def _fts5(terms, operator: str) -> str:
    """FTS5 query syntax: every term a quoted string (so nothing in it is an operator)."""
    return f" {operator} ".join(f'"{term}"' for term in terms)


_NOT_A_REPOST = "p.repost_of_id IS NULL"


def _narrowed(filters: list[str]) -> bool:
    """Whether `filters` (from `_filters`) ask more than that a post not be a repost."""
    return filters != [_NOT_A_REPOST]


def _filters(*, author_ids, tag_ids) -> tuple[list[str], list]:
    """WHERE conditions on posts (alias p) besides the text, and their parameters."""
    conditions, params = [_NOT_A_REPOST], []
    if author_ids is not None:
        conditions.append(f"p.author_id IN ({', '.join(['%s'] * len(author_ids))})")
        params += list(author_ids)
    for tag_id in tag_ids or ():
        conditions.append(f"p.id IN (SELECT post_id FROM {POST_TAGS} WHERE hashtag_id = %s)")
        params.append(tag_id)
    return conditions, params


def _sqlite_match(query: SearchQuery) -> str:
    """The FTS5 query of a search with words: all of them, none of the excluded."""
    match = f"({_fts5((*query.words, *query.phrases), 'AND')})"
    if query.excluded:
        match += f" NOT ({_fts5(query.excluded, 'OR')})"
    return match


def _text_condition(query: SearchQuery) -> tuple[list[str], list]:
    """The text as a condition on posts (alias p): PostgreSQL's tsvector, or SQLite's FTS5
    table asked for every post it matches (`_sqlite_newest` reads it in order where it can)."""
    if not (query.has_text or query.excluded):
        return [], []
    if connection.vendor == "postgresql":
        text = _websearch(query)
        return [f"p.search @@ {_TSQUERY}"], [text, text]
    if query.has_text:
        matching = f"p.id IN (SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s)"
        return [matching], [_sqlite_match(query)]
    matching = f"p.id NOT IN (SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s)"
    return [matching], [_fts5(query.excluded, "OR")]


# Both databases first read the newest matches in order, then, if a page is not full, ask for
# the rest another way. PostgreSQL walks the newest WALK posts, where a common word fills a page
# at once, and asks the GIN index for the rest, which finds a rare word at once: left to itself,
# the planner picks one of the two by its estimate of how common the words are, and a wrong
# estimate made a rare word walk a hundred thousand posts. SQLite's FTS5 gives matches newest
# first; with a from: or a #tag, the newest WALK matches are looked through first (a prolific
# author's), then the rest is read as one list of matches (a rare author's). Figures:
# bench/README.md.
WALK = 5_000
WALK_BEST = 10_000


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ids(rows) -> list[int]:
    return [post_id for (post_id,) in rows]


def _newest_ids(query, filters, params, *, before, limit, walk) -> list[int]:
    """Ids of the newest `limit` posts below `before` matching `query`'s text and meeting
    `filters` (conditions on posts, alias p)."""
    if connection.vendor == "postgresql":
        return _postgresql_newest(query, filters, params, before=before, limit=limit, walk=walk)
    return _sqlite_newest(query, filters, params, before=before, limit=limit, walk=walk)


def _statement(conditions: list[str]) -> str:
    return (
        f"SELECT p.id FROM {POSTS} p WHERE {' AND '.join(conditions)} ORDER BY p.id DESC LIMIT %s"
    )


def _postgresql_newest(query, filters, params, *, before, limit, walk) -> list[int]:
    text, text_params = _text_condition(query)
    where, where_params = text + filters, text_params + params
    upper = MAX_ID if before is None else before
    # Settings made with SET LOCAL last until the transaction ends: when it is not this one's
    # (a view or a test that holds one), they are put back, or later queries would keep them.
    outer = connection.in_atomic_block
    settings = ["plan_cache_mode"]
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            steps = {"upper": upper, "limit": limit, "walk": walk, "settings": settings}
            return _postgresql_steps(cursor, query, where, where_params, **steps)
        finally:
            if outer:
                for name in settings:
                    cursor.execute(f"SET LOCAL {name} TO DEFAULT")


def _postgresql_steps(cursor, query, where, where_params, *, upper, limit, walk, settings):
    """The walk, its extension and the index (`_postgresql_newest`); `settings` gets the
    names of the settings changed."""
    # Planned for these words each time, even once psycopg has prepared the statement.
    cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
    if not query.has_text:  # by an author's or a tag's index, as the planner chooses
        cursor.execute(_statement([*where, "p.id < %s"]), [*where_params, upper, limit])
        return _ids(cursor.fetchall())
    cursor.execute(f"SELECT max(id), min(id) FROM {POSTS} WHERE id < %s", [upper])
    top, bottom = cursor.fetchone()
    if top is None:
        return []
    ceiling, floor = top, top - walk
    newest = _statement([*where, "p.id <= %s", "p.id > %s"])
    cursor.execute(newest, [*where_params, ceiling, floor, limit])
    ids = _ids(cursor.fetchall())
    if len(ids) >= limit or floor < bottom:
        return ids
    # How common the words were in the walk tells how far the rest lie: near enough, the walk
    # goes on there; too far (or nothing found), the index is asked.
    needed = limit - len(ids)
    # The posts to walk for the rest at the rate seen, and half as many again.
    span = needed * walk * 3 // (2 * len(ids)) if ids else None
    if span is not None and span <= 8 * walk:
        ceiling, floor = floor, floor - span
        cursor.execute(newest, [*where_params, ceiling, floor, needed])
        ids += _ids(cursor.fetchall())
        if len(ids) >= limit or floor < bottom:
            return ids
    settings += ["enable_indexscan", "enable_seqscan"]
    cursor.execute("SET LOCAL enable_indexscan = off")
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute(_statement([*where, "p.id <= %s"]), [*where_params, floor, limit - len(ids)])
    return ids + _ids(cursor.fetchall())


def _sqlite_newest(query, filters, params, *, before, limit, walk) -> list[int]:
    below = ["p.id < %s"] if before is not None else []
    below_params = [before] if before is not None else []
    if not query.has_text:
        text, text_params = _text_condition(query)
        conditions = [*text, *filters, *below]
        return _ids(_rows(_statement(conditions), [*text_params, *params, *below_params, limit]))
    match = _sqlite_match(query)
    fts_below = " AND rowid < %s" if before is not None else ""
    newest = (
        f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s{fts_below} "
        "ORDER BY rowid DESC LIMIT %s"
    )
    # A post with text is never a repost: unless from: or a #tag narrows, the text decides.
    if not _narrowed(filters):
        return _ids(_rows(newest, [match, *below_params, limit]))
    walked = (
        f"SELECT p.id FROM ({newest}) s JOIN {POSTS} p ON p.id = s.rowid "
        f"WHERE {' AND '.join(filters)} ORDER BY p.id DESC LIMIT %s"
    )
    ids = _ids(_rows(walked, [match, *below_params, walk, *params, limit]))
    if len(ids) >= limit:
        return ids
    ((floor, count),) = _rows(
        f"SELECT min(rowid), count(*) FROM ({newest})", [match, *below_params, walk]
    )
    if count < walk:  # every match was looked at
        return ids
    text, text_params = _text_condition(query)
    rest = _statement([*text, *filters, "p.id < %s"])
    return ids + _ids(_rows(rest, [*text_params, *params, floor, limit - len(ids)]))


def candidate_ids(
    query: SearchQuery, *, author_ids=None, tag_ids=(), before: int | None, limit: int
) -> list[int]:
    """Ids of the newest `limit` posts below `before` matching `query`'s text, by one of
    `author_ids` (None: anyone) and with every tag of `tag_ids`, reposts left out. Nothing
    about who may see them: that is the selector's."""
    filters, params = _filters(author_ids=author_ids, tag_ids=tag_ids)
    return _newest_ids(query, filters, params, before=before, limit=limit, walk=WALK)


def ranked_candidates(
    query: SearchQuery, *, author_ids=None, tag_ids=(), window: int
) -> list[tuple[int, int]]:
    """(id, score) of the newest `window` posts matching `query`, best match first (then
    newest). Ranking every match of a common word would read them all; the window bounds it."""
    filters, params = _filters(author_ids=author_ids, tag_ids=tag_ids)
    if connection.vendor == "sqlite" and query.has_text and not _narrowed(filters):
        rows = _rows(
            f"SELECT rowid, {_SQLITE_SCORE} FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s "
            "ORDER BY rowid DESC LIMIT %s",
            [_sqlite_match(query), window],
        )
        return sorted(rows, key=lambda row: (-row[1], -row[0]))
    ids = _newest_ids(query, filters, params, before=None, limit=window, walk=WALK_BEST)
    if not query.has_text or not ids:
        return [(post_id, 0) for post_id in ids]
    if connection.vendor == "postgresql":
        text = _websearch(query)
        rows = _rows(
            f"SELECT id, (ts_rank(search, {_TSQUERY}) * {RANK_SCALE})::bigint "
            f"FROM {POSTS} WHERE id = ANY(%s)",
            [text, text, ids],
        )
    else:
        # FTS5 scores a post only while reading its matches: read those between the oldest and
        # the newest candidate, scoring only the candidates (a JSON list, one parameter). The
        # "+" keeps SQLite from asking FTS5 for each candidate alone (4.7 s for 1,000 "mix").
        rows = _rows(
            f"SELECT rowid, {_SQLITE_SCORE} FROM {SQLITE_TABLE} "
            f"WHERE {SQLITE_TABLE} MATCH %s AND rowid BETWEEN %s AND %s "
            "AND +rowid IN (SELECT value FROM json_each(%s))",
            [_sqlite_match(query), min(ids), max(ids), json.dumps(ids)],
        )
    return sorted(rows, key=lambda row: (-row[1], -row[0]))
