"""The POS_SANDBOX_* settings: a shop's one training sandbox, all three or none, never a key in a message or repr."""

from __future__ import annotations

import pytest

from pos_app.config import ConfigError, Settings
from pos_app.shared_sandbox import write_keys_file

SECRET, PUBLISHABLE = "sk_test_" + "S3cr3t" * 8, "pk_test_" + "Publ1c" * 8
SHOP = {"POS_SANDBOX_URL": "http://192.168.1.10:8477/", "POS_SANDBOX_PUBLISHABLE_KEY": PUBLISHABLE,
        "POS_SANDBOX_SECRET_KEY": SECRET}


def load(**environ: str) -> Settings:
    return Settings.load(environ=environ, env_file=None)


def test_the_three_settings_name_the_shops_sandbox_in_training_mode():
    settings = load(**SHOP)
    assert settings.training and settings.shared_sandbox is not None
    assert settings.shared_sandbox.url == "http://192.168.1.10:8477"
    assert (settings.shared_sandbox.publishable_key, settings.shared_sandbox.secret_key) == (PUBLISHABLE, SECRET)
    assert SECRET not in repr(settings) and SECRET not in repr(settings.shared_sandbox)
    assert load().shared_sandbox is None  # none: each till its own sandbox


@pytest.mark.parametrize("missing", sorted(SHOP))
def test_one_of_the_three_missing_is_refused(missing):
    with pytest.raises(ConfigError, match="together") as refused:
        load(**{k: v for k, v in SHOP.items() if k != missing})
    assert SECRET not in str(refused.value)


@pytest.mark.parametrize("name, value", [("POS_SANDBOX_URL", "ftp://shop/"), ("POS_SANDBOX_URL", "shop:8477"),
                                         ("POS_SANDBOX_SECRET_KEY", "sk_live_" + "x" * 20),
                                         ("POS_SANDBOX_PUBLISHABLE_KEY", SECRET)])
def test_a_bad_value_is_refused_without_repeating_a_key(name, value):
    with pytest.raises(ConfigError, match=name) as refused:
        load(**{**SHOP, name: value})
    assert SECRET not in str(refused.value)


def test_with_stripe_keys_the_shop_sandbox_is_refused():
    with pytest.raises(ConfigError, match="training mode"):
        load(**SHOP, STRIPE_SECRET_KEY="sk_test_abc", STRIPE_PUBLISHABLE_KEY="pk_test_abc")


def test_the_keys_file_is_the_tills_settings_lines_for_the_owner_only(tmp_path):
    path = tmp_path / "sandbox-keys.env"
    path.write_text("old\n")
    path.chmod(0o644)
    write_keys_file(path, load(**SHOP).shared_sandbox)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load(**dict(line.split("=", 1) for line in path.read_text().splitlines())).shared_sandbox == \
        load(**SHOP).shared_sandbox
