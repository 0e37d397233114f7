"""A disk that fills up mid-sale, through the HTTP cart API: 507 with a clear message, the cart as it
was, and selling again once space returns (a real size-limited tmpfs, nothing mocked)."""

from __future__ import annotations

import pytest

from pos_app.config import Settings
from tests.integration.store.disks import mount_small_disk, unmount
from tests.integration.web.web_helpers import ENDPOINT, TOKEN, ApiClient, build_services, endpoint_app


@pytest.fixture
def disk(tmp_path):
    small = mount_small_disk(tmp_path, "4m")
    yield small
    unmount(small)


def test_a_full_disk_answers_507_keeps_the_cart_and_recovers(disk, sandbox):
    services = build_services(Settings(data_dir=disk.path / "till"), sandbox.url, sandbox.url)
    try:
        api = ApiClient(endpoint_app(services, {"TOKEN": TOKEN, "ENDPOINT_URL": ENDPOINT}).test_client())
        skus = [item.sku for item in services.store.catalogue.search("", limit=100)]
        assert api.put(f"/cart/items/{skus[0]}", {"qty": 1}).status_code == 200
        disk.fill()
        acknowledged = {skus[0]: 1}
        for sku in skus[1:]:  # the WAL may still have room for a few lines: add until the disk refuses
            response = api.put(f"/cart/items/{sku}", {"qty": 1})
            if response.status_code != 200:
                break
            acknowledged[sku] = 1
        assert response.status_code == 507, response.get_json()
        assert "is full" in response.get_json()["error"]["message"]
        assert {sku: line["qty"] for sku, line in api.get("/cart").get_json()["items"].items()} == acknowledged
        disk.free()
        assert api.put(f"/cart/items/{sku}", {"qty": 1}).status_code == 200
    finally:
        services.store.close()
