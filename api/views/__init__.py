"""The client API's views, one module a group of Mastodon's methods; each module lists its
`urlpatterns`, which api.urls puts under /api/."""
