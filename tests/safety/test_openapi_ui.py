"""The API documentation works on a closed network: no asset from another host."""

import re


async def test_the_swagger_page_loads_only_local_assets(client):
    r = await client.get("/schema/swagger")
    assert r.status_code == 200
    urls = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", r.text)
    assert urls, "the page references its assets"
    for url in urls:
        assert url.startswith("/static/"), url
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 0


async def test_the_schema_describes_the_contract_paths(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in ["/health", "/api/v1/auth/token", "/api/v1/me", "/api/v1/enterprises"]:
        assert path in paths
