async def test_health_is_ok_with_a_reachable_database(client):
    r = await client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


async def test_openapi_schema_is_served(client):
    r = await client.get("/schema/openapi.json")
    assert r.status_code == 200
    assert "/health" in r.json()["paths"]
