"""Mastodon's entities built from our rows: every documented field, with ids as strings, times
as `api.http.iso` writes them and URLs absolute. Each module loads what a whole page needs in a
fixed number of queries (authors, mentions, media), never one per item."""
