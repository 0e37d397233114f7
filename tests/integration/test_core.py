"""AppCore's two halves (the store opens alone, a failed start keeps it usable) and the contexts it hands out."""

from dataclasses import FrozenInstanceError, fields

import pytest

from pos_app.config import ConfigError, Settings
from pos_app.core import AppCore
from pos_app.testing.staff import log_in


def training(tmp_path):
    return Settings.load(environ={}, env_file=None).with_(data_dir=tmp_path)


def test_open_gives_the_store_without_servers(tmp_path):
    core = AppCore(training(tmp_path))
    local = core.open()
    try:
        assert local.store.catalogue.get("item1") is not None and core.open() is local
        assert not core.ready and core.url is None and core.payments is None
        payments = core.start_services()
        assert core.ready and core.url.startswith("http://127.0.0.1:") and payments.checkout is not None
        assert core.start_services() is payments and core.payments is payments
    finally:
        core.stop()


def test_a_failed_service_start_keeps_the_store_open(tmp_path, monkeypatch):
    core = AppCore(training(tmp_path))
    log_in(core.open())

    def broken_endpoint(*_wiring):  # a fault we can't cause for real: the endpoint failing after payments started
        raise ConfigError("endpoint could not start")

    monkeypatch.setattr(core, "_start_endpoint", broken_endpoint)
    try:
        with pytest.raises(ConfigError):
            core.start_services()
        assert not core.ready and core.sandbox_url is None  # the sandbox it had started was stopped
        core.local.store.carts.add("item1")  # the window can go on using the cart
        assert core.local.store.carts.snapshot().lines == {"item1": 1}
    finally:
        core.stop()


def test_the_contexts_are_frozen_and_complete_when_handed_out(tmp_path):
    core = AppCore(training(tmp_path))
    try:
        local = core.open()
        with pytest.raises(FrozenInstanceError):
            local.store = None  # type: ignore[misc]
        assert local.carts is local.store.carts and local.mode == "training"

        payments = core.start_services()
        with pytest.raises(FrozenInstanceError):
            payments.checkout = None  # type: ignore[misc]
        # Nothing in it is filled in later: every part is there, and works, as soon as it is handed out.
        assert all(getattr(payments, f.name) is not None for f in fields(payments))
        assert payments.events is payments.checkout.events
        assert payments.publishable_key.startswith("pk_test_") and payments.sandbox_url == core.sandbox_url
        assert payments.endpoint.url == core.url and payments.endpoint.token == core.token
        assert payments.endpoint.is_running() and payments.gateway.list_intents(created_gte=0, created_lt=1) == []
        assert payments.review_desk.items() == []
        assert "token" not in repr(payments.endpoint) and core.token not in repr(payments)
    finally:
        core.stop()
    assert not payments.endpoint.is_running()  # a context outliving its core says its endpoint has stopped
