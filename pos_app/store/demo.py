"""First-run seeding of the demo catalogue (resources/demo_catalogue.csv)."""

from __future__ import annotations

import logging

from pos_app.resources import resource_path
from pos_app.store.catalogue import CatalogueStore
from pos_app.store.catalogue_csv import CatalogueImportError

log = logging.getLogger(__name__)

DEMO_CATALOGUE = "demo_catalogue.csv"


def seed_demo_catalogue(catalogue: CatalogueStore) -> int:
    """Import the demo items; their prices are written in the store's currency's units."""
    try:
        result = catalogue.import_csv(resource_path(DEMO_CATALOGUE))
    except CatalogueImportError as exc:
        log.warning("demo catalogue not loaded for currency %s: %s", catalogue.currency, exc)
        return 0
    log.info("seeded the demo catalogue: %d items", result.added)
    return result.added
