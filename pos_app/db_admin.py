"""`pos-app db upgrade`: migrate the configured database (the data folder's SQLite file, or POS_DATABASE_URL)."""

from __future__ import annotations

from pos_app.config import Settings
from pos_app.i18n import _


def run_db_upgrade(settings: Settings) -> int:
    """Apply the migrations and say from which version to which; a newer schema, a server out of
    reach or a folder in use by a till are refused by main() (exit 2) with their message."""
    from pos_app.store.schema_upgrade import upgrade_database
    if settings.shared_database:  # the shop's server: each till's data folder is its own business
        upgrade = upgrade_database(settings.database_location)
    else:  # a till's own file: not under a running till (or import), which holds the folder
        from pos_app.datalock import DataFolderLock
        from pos_app.store.faults import prepare_data_dir
        prepare_data_dir(settings.data_dir)
        with DataFolderLock(settings.data_dir, "pos-app db upgrade"):
            upgrade = upgrade_database(settings.database_location)
    if upgrade.changed:
        print(_("{database}: upgraded from schema {before} to {after}").format(
            database=upgrade.where, before=upgrade.before, after=upgrade.after))
    else:
        print(_("{database}: already at schema {version}").format(database=upgrade.where, version=upgrade.after))
    return 0
