"""Risk registers for the demo (safety.demo.load): the five key enterprises and the demo
enterprise's login carry full registers (LEC and LS, every colour, every kind of measure),
the others one to three typical points of their trade, and every ninth none (未评估), so
the colour map and the due list show real shapes. Entered through the same service as the
pages (``create_point``), as the demo officer: graded with the bands in force, audited,
and the enterprise colour rolled up."""

from __future__ import annotations

from typing import Any

from inspections.risk.rules import add_months
from inspections.risk.service import create_point
from safety.actors import actor_from_user
from safety.settings import local_today
from safety.tables import Enterprise, User

# (name, hazard factors, accident types, method, L, E, C or S, tier, measures)
LEC, LS = "LEC", "LS"
_M = {
    "engineering": "设置防护装置、联锁及警示标识",
    "management": "制定操作规程，班前检查，隐患排查台账",
    "training": "岗前三级安全教育，每年复训",
    "ppe": "按规定佩戴劳动防护用品",
    "emergency": "编制现场处置方案，每半年演练一次",
}
MANUFACTURING = [
    (
        "喷涂作业",
        "油漆稀释剂挥发，静电，明火",
        ["火灾", "其它爆炸", "中毒和窒息"],
        LEC,
        3,
        6,
        40,
        "company",
    ),
    (
        "有限空间作业（污水井、储罐）",
        "缺氧、有毒气体积聚",
        ["中毒和窒息", "淹溺"],
        LS,
        4,
        None,
        5,
        "company",
    ),
    ("焊接作业", "弧光、高温熔渣、焊机漏电", ["灼烫", "触电", "火灾"], LEC, 3, 6, 15, "workshop"),
    (
        "行车吊装作业",
        "吊索具磨损、超载、斜拉歪吊",
        ["起重伤害", "物体打击"],
        LEC,
        3,
        6,
        15,
        "workshop",
    ),
    (
        "危化品暂存间",
        "油漆、稀释剂存放超量，通风不良",
        ["火灾", "中毒和窒息"],
        LS,
        3,
        None,
        4,
        "workshop",
    ),
    ("冲压作业", "双手按钮失效，模具区无防护", ["机械伤害"], LEC, 3, 6, 7, "team"),
    ("配电室", "线路老化，绝缘垫缺失", ["触电", "火灾"], LEC, 1, 6, 15, "workshop"),
    ("空压机房", "储气罐超压，安全阀未校验", ["容器爆炸"], LEC, 1, 6, 15, "team"),
    ("设备检修高处作业", "无防护栏，未系安全带", ["高处坠落"], LS, 2, None, 4, "team"),
    ("叉车作业", "无证驾驶，超速，视线受阻", ["车辆伤害"], LEC, 3, 6, 3, "post"),
    ("砂轮打磨工位", "砂轮破碎，粉尘", ["机械伤害", "其它伤害"], LEC, 1, 6, 7, "post"),
    ("办公区域", "电器私拉乱接", ["火灾", "触电"], LS, 1, None, 3, "post"),
]
TRADE = {
    "F": [
        ("仓库货物堆垛", "堆垛过高、货架超载", ["物体打击", "坍塌"], LS, 2, None, 3, "team"),
        ("装卸作业区", "车辆倒车无人指挥", ["车辆伤害"], LS, 2, None, 4, "team"),
        ("配电箱", "配电箱门缺失", ["触电"], LS, 1, None, 3, "post"),
    ],
    "G": [
        ("营业场所", "疏散通道堵塞，电动车室内充电", ["火灾"], LS, 3, None, 3, "workshop"),
        ("库房", "货物堆垛过高", ["物体打击"], LS, 2, None, 2, "post"),
    ],
    "H": [
        (
            "液化气瓶间",
            "气瓶未固定，无燃气报警装置",
            ["火灾", "其它爆炸"],
            LS,
            4,
            None,
            5,
            "company",
        ),
        ("后厨燃气灶具", "软管老化，熄火保护缺失", ["火灾", "灼烫"], LS, 3, None, 4, "workshop"),
        ("油烟管道", "油垢积聚未定期清洗", ["火灾"], LS, 2, None, 4, "team"),
    ],
    "E": [
        (
            "脚手架作业",
            "连墙件缺失，未满铺脚手板",
            ["高处坠落", "坍塌"],
            LS,
            3,
            None,
            5,
            "workshop",
        ),
        ("施工临时用电", "一闸多机，无漏电保护", ["触电"], LS, 2, None, 4, "team"),
    ],
}
OTHER = [
    ("配电室", "线路老化", ["触电", "火灾"], LS, 2, None, 3, "team"),
    ("办公区域", "电器私拉乱接，消防通道堵塞", ["火灾"], LS, 1, None, 3, "post"),
]


def _body(spec: tuple, person: str, review_month: int) -> dict[str, Any]:
    name, factors, types, method, l_value, e_value, last, tier = spec
    data: dict[str, Any] = {
        "name": name,
        "hazard_factors": factors,
        "accident_types": types,
        "method": method,
        "likelihood": l_value,
        "control_tier": tier,
        "responsible_person": person,
        "review_on": add_months(local_today(), review_month),
        **{f"measure_{k}": v for k, v in _M.items()},
    }
    if method == LEC:
        data.update(exposure=e_value, consequence=last)
    else:
        data["severity"] = last
    return data


async def load_risk_points(officer_username: str = "officer", demo_uscc: str = "") -> int:
    """Add the demo registers; returns how many points were made."""
    officer = actor_from_user(
        await User.select().where(User.username == officer_username).first().run()
    )
    enterprises = (
        await Enterprise.select(
            Enterprise.id,
            Enterprise.uscc,
            Enterprise.industry,
            Enterprise.is_key,
            Enterprise.contact_name,
        )
        .order_by(Enterprise.id)
        .run()
    )
    made = 0
    for i, e in enumerate(enterprises):
        person = e["contact_name"] or "安全负责人"
        if e["is_key"] or e["uscc"] == demo_uscc:
            specs = MANUFACTURING if e["is_key"] else MANUFACTURING[2:8]
        elif i % 9 == 0:
            continue  # 未评估: no register yet
        else:
            pool = TRADE.get(
                e["industry"] or "", MANUFACTURING[2:] if e["industry"] == "C" else OTHER
            )
            count = 1 + i % 3
            specs = [pool[(i + k) % len(pool)] for k in range(min(count, len(pool)))]
            # Red points stay rare outside the key enterprises: one restaurant in four.
            if not (e["industry"] == "H" and i % 4 == 0):
                specs = [s for s in specs if s[0] != "液化气瓶间"] or [OTHER[1]]
        for k, spec in enumerate(specs):
            await create_point(officer, e["id"], _body(spec, person, 1 + (i + k) % 12))
            made += 1
    return made
