def test_app_starts_and_link_redirects(client, make_invitation):
    invitation = make_invitation()
    response = client.get(f"/s/{invitation.token}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/s/"
