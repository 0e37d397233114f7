"""The catalogue search indexes' triggers, shared by the till's migrations and the catalogue file's."""

from __future__ import annotations

#: The search indexes' triggers, quiet while items_bulk_write holds a row (migration 4; the catalogue's
#: own file has them too, catalogue_db.py).
BULK_AWARE_TRIGGERS = """
    CREATE TRIGGER items_ai AFTER INSERT ON items WHEN NOT EXISTS (SELECT 1 FROM items_bulk_write) BEGIN
        INSERT INTO items_fts (rowid, sku, name, barcode) VALUES (new.rowid, new.sku, new.name, new.barcode);
    END;
    CREATE TRIGGER items_ad AFTER DELETE ON items WHEN NOT EXISTS (SELECT 1 FROM items_bulk_write) BEGIN
        INSERT INTO items_fts (items_fts, rowid, sku, name, barcode)
            VALUES ('delete', old.rowid, old.sku, old.name, old.barcode);
    END;
    CREATE TRIGGER items_au AFTER UPDATE ON items WHEN NOT EXISTS (SELECT 1 FROM items_bulk_write) BEGIN
        INSERT INTO items_fts (items_fts, rowid, sku, name, barcode)
            VALUES ('delete', old.rowid, old.sku, old.name, old.barcode);
        INSERT INTO items_fts (rowid, sku, name, barcode) VALUES (new.rowid, new.sku, new.name, new.barcode);
    END;
    CREATE TRIGGER items_words_ai AFTER INSERT ON items WHEN NOT EXISTS (SELECT 1 FROM items_bulk_write) BEGIN
        INSERT INTO items_words (rowid, sku, name) VALUES (new.rowid, new.sku, new.name);
    END;
    CREATE TRIGGER items_words_ad AFTER DELETE ON items WHEN NOT EXISTS (SELECT 1 FROM items_bulk_write) BEGIN
        INSERT INTO items_words (items_words, rowid, sku, name) VALUES ('delete', old.rowid, old.sku, old.name);
    END;
    CREATE TRIGGER items_words_au AFTER UPDATE ON items WHEN NOT EXISTS (SELECT 1 FROM items_bulk_write) BEGIN
        INSERT INTO items_words (items_words, rowid, sku, name) VALUES ('delete', old.rowid, old.sku, old.name);
        INSERT INTO items_words (rowid, sku, name) VALUES (new.rowid, new.sku, new.name);
    END;
"""
