"""Words the templates show for codes (translated where shown; these lines put them in the catalogue)."""

from __future__ import annotations

from dualuse.i18n import N_

JURISDICTION = {
    "cn_export": N_("export from China"),
    "cn_origin_transfer": N_("transfer abroad of a China-origin item"),
    "cn_content": N_("foreign-made item with China-origin content"),
    "origin_unknown": N_("origin not established"),
    "outside": N_("outside Chinese dual-use export controls"),
}
ITEM_STATUS = {
    "controlled": N_("controlled"),
    "not_controlled": N_("not controlled"),
    "needs_classification": N_("needs classification"),
    "unknown_code": N_("unknown control code"),
}
WORDS = (
    N_("active"), N_("lapsed"), N_("revoked"), N_("related"), N_("match"), N_("possible match"),
    N_("possible_match"), N_("review_hit"), N_("review"), N_("list_change"), N_("counterparty_list_change"),
    N_("false_positive"), N_("escalated"), N_("confirmed"), N_("exporter"), N_("consignee"), N_("end user"), N_("intermediary"),
)
FOUR_EYES = N_("four eyes: the alert was opened by your own screening; another reviewer must decide it")  # service.users.four_eyes_problem
DECISION_WORDS = {"confirmed": N_("Confirm (the hit or concern stands)"), "false_positive": N_("False positive (not the listed entity / no concern)"), "escalated": N_("Escalate (someone more senior decides)")}
