import pytest

from pos_app.resources import ResourceNotFound, resource_path


def test_demo_catalogue_is_found():
    assert resource_path("demo_catalogue.csv").read_text().startswith("sku,name,price")


def test_missing_resource_names_the_path():
    with pytest.raises(ResourceNotFound, match=r"nope\.txt"):
        resource_path("nope.txt")
