def test_app_starts_and_link_opens_its_start_page(client, make_invitation):
    invitation = make_invitation()
    response = client.get(f"/s/{invitation.token}")
    assert response.status_code == 200
    # The page's own address without the token: the script puts it in the address bar.
    assert 'data-url="/s/"' in response.text
