"""A training till process that records a sale and dies the moment it is committed (os._exit: no
cleanup, no receipt shown, no window told), for the last-sale notice's restart test.

    python -m tests.gui.last_sale_crash_till <data_dir>
"""

from __future__ import annotations

import os
import sys

from pos_app.core import AppCore
from pos_app.testing.plugin import training_settings
from pos_app.testing.staff import log_in
from tests.integration.reports.sales import sell

KILLED = 137


def main(data_dir: str) -> None:
    core = AppCore(training_settings(data_dir)).start()
    log_in(core.open())

    def die_once_recorded(name: str) -> None:
        if name == "finalized":  # told after the sale's transaction committed
            os._exit(KILLED)

    core.start_services().events.subscribe(die_once_recorded)
    sell(core, {"latte": 2, "croissant": 1})
    sys.exit("the sale was recorded but the till did not die")


if __name__ == "__main__":
    main(sys.argv[1])
