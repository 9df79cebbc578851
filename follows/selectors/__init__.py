"""Reads of the follows app, by what they are about: `timelines` (home, public, industry, the
poll), `people` (directory, industries, follow lists) and `suggestions` (who to follow)."""

from follows.selectors import people, suggestions, timelines

__all__ = ["people", "suggestions", "timelines"]
