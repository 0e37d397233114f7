"""The card-iframe and 3-D Secure driving techniques now live in the tester kit
(pos_app.testing.webdriving); this module keeps the names the lookalike's own tests import."""

from pos_app.testing.webdriving import (answer_challenge, card_field_value, card_frame,  # noqa: F401
                                        challenge_frame, click, click_element, element_center,
                                        focused_id, press, replace_card_number, run_js, type_card,
                                        type_keys, wait_for_js)
