"""Every policy of every pack as a Markdown table: claimable by which event, or why not."""

from __future__ import annotations

from datetime import date

from skillbridge.platform.policy import REGION_CODES, load_pack

from .catalogue import policy_entry
from .wording import render

__all__ = ["claimability_table"]

HEADER = (
    "| region | policy code | name | claimable by which event / or why not |",
    "|---|---|---|---|",
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def claimability_table(on: date) -> str:
    """The table, in Chinese (policy names with their English), with the validity on ``on``."""
    lines = list(HEADER)
    claimable = total = 0
    for code in REGION_CODES:
        pack = load_pack(code)
        for policy in pack.policies:
            entry = policy_entry(policy, on)
            claim = entry.claim
            total += 1
            if claim.claimable:
                claimable += 1
                ways = "；".join(render(route.how) for route in claim.routes)
                verdict = f"✅ `{claim.event_kind}`：{ways}"
            else:
                verdict = f"❌ `{claim.event_kind}`：" + "；".join(claim.reasons)
            state = entry.validity
            if state is not None and state.expired:
                ends = state.validity.ends_on.isoformat()
                if state.validity.extension is not None:
                    verdict += f"（文件有效期含延期已于{ends}届满：申领不予支付）"
                else:
                    verdict += f"（文件有效期已于{ends}届满，未登记延期：申领不予支付）"
            name = f"{policy.name_zh}（{policy.name_en}）"
            row = (f"{pack.name_zh} `{code}`", f"`{policy.id}`", name, verdict)
            lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    lines.append("")
    lines.append(f"{claimable} / {total} 项政策可在平台申领（{on.isoformat()}）。")
    return "\n".join(lines)
