async def test_the_api_docs_render_without_internet(page, live_server):
    # Chromium here has no route to the internet: a CDN asset would leave the page blank.
    await page.goto(live_server + "/schema/swagger")
    await page.wait_for_selector(".swagger-ui .information-container", timeout=15000)
    assert "/api/v1/enterprises" in await page.inner_text("body")
