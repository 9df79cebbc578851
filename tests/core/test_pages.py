def test_landing_page_invites_visitors_to_sign_up(client, db):
    response = client.get("/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "What are you working on?" in content
    assert 'href="/accounts/signup/"' in content


def test_pages_load_htmx_from_our_own_static_files(client, db):
    content = client.get("/").content.decode()

    assert "/static/django_htmx/htmx-2.min.js" in content
    assert "//unpkg.com" not in content and "cdn" not in content.lower()


def test_body_carries_csrf_token_for_htmx_requests(client, db):
    client.get("/")  # sets the CSRF cookie
    content = client.get("/").content.decode()

    assert 'hx-headers=\'{"X-CSRFToken": "' in content


def test_security_headers_are_sent(client, db):
    response = client.get("/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]


def test_unknown_page_is_a_designed_404(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
