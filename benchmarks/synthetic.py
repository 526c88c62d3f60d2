"""A reproducible list of synthetic organisations in mixed scripts, for scale benchmarks.

``synthetic_records(n, seed)`` yields ``n`` :class:`NameRecord` objects whose
names look like the companies and agencies on real lists: English names
("Northern Precision Aerospace Systems Co., Ltd."), romanised Japanese
("Kawamoto Seimitsu Kogyo K.K."), Japanese ("川本精密工業株式会社",
"テクノロジーズ"), simplified and traditional Chinese ("华宇航空电子有限公司",
"華宇航空電子股份有限公司"). About half carry a second name in another
script, the way the shipped lists do. The words are drawn from fixed pools,
so a name shares tokens with thousands of others: retrieval is tested
against realistic collisions, not against unique strings.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from dualuse.matching.records import NameRecord

EN_WORDS = (
    "Northern Southern Eastern Western Central Pacific Atlantic Global United General Advanced Applied Integrated "
    "Precision Dynamic Strategic Allied Summit Apex Vector Quantum Orbital Stellar Horizon Frontier Pioneer Liberty "
    "Eagle Falcon Hawk Phoenix Titan Atlas Nova Delta Sigma Omega Alpha Beta Gamma Crown Royal Imperial Metro Urban "
    "Coastal Harbor River Mountain Valley Forest Lake Ocean Marine Maritime Aero Aerospace Aviation Space Defense "
    "Security Systems Technologies Solutions Electronics Electric Engineering Machinery Materials Metals Chemicals "
    "Industries Manufacturing Logistics Trading Holdings Instruments Sensors Optics Photonics Robotics Networks Software "
    "Energy Power Motors Components Devices Research Laboratories Sciences Composites Ceramics Magnetics Semiconductor"
).split()
ROMAJI = (
    "Kawamoto Yamada Tanaka Suzuki Takahashi Nakamura Kobayashi Watanabe Ito Sato Kato Yoshida Yamamoto Sasaki "
    "Matsumoto Inoue Kimura Hayashi Shimizu Yamazaki Mori Abe Ikeda Hashimoto Ishikawa Ogawa Okada Hasegawa Fujita "
    "Goto Kondo Murakami Endo Aoki Sakamoto Nishimura Fukuda Ota Miura Fujii Okamoto Matsuda Nakagawa Harada Ono "
    "Seimitsu Kogyo Denki Denshi Kikai Shoji Sangyo Zosen Jukogyo Kinzoku Kagaku Tsushin Koki Giken Seisakusho"
).split()
JA_KANJI = (
    "川本 山田 田中 鈴木 高橋 中村 小林 渡辺 伊藤 佐藤 加藤 吉田 山本 佐々木 松本 井上 木村 林 清水 山崎 森 阿部 池田 "
    "橋本 石川 小川 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本 西村 福田 太田 三浦 藤井 岡本 松田 中川 原田 小野"
).split()
JA_WORDS = (
    "精密 工業 電機 電子 機械 商事 産業 造船 重工 金属 化学 通信 光機 技研 製作所 航空 宇宙 防衛 システム "
    "テクノロジーズ エンジニアリング マテリアル エレクトロニクス ソリューションズ インダストリー ロボティクス"
).split()
ZH_NAMES = (
    "华宇 中航 天成 东方 恒信 金桥 宏达 瑞丰 安泰 华晨 远景 凯旋 鑫源 博远 华盛 永泰 新锐 锦程 盛世 海诚 "
    "光明 长城 昆仑 泰山 黄河 长江 神州 华夏 中兴 联合 国泰 振华 嘉禾 富华 银河 星辰 宇航 鼎盛 亿丰 德润"
).split()
ZH_WORDS = (
    "航空 航天 电子 电气 机械 精密 材料 金属 化工 科技 技术 系统 工程 贸易 物流 光电 动力 船舶 仪器 通信 "
    "智能 新材料 半导体 传感器 无人机 装备 制造 实业 能源"
).split()
EN_FORMS = ("Co., Ltd.", "Corporation", "Inc.", "Ltd.", "LLC", "Limited", "Corp.", "GmbH", "S.A.", "")
JA_FORMS = ("株式会社", "有限会社", "合同会社")
ROMAJI_FORMS = ("K.K.", "Kabushiki Kaisha", "Co., Ltd.", "Corporation")
ZH_FORMS = ("有限公司", "股份有限公司", "集团有限公司", "科技有限公司")
COUNTRIES = ("JP", "CN", "US", "DE", "KR", "TW", "SG", "FR", "GB", "IN")

_TRADITIONAL = str.maketrans("华航电机气东达丰晨远凯鑫锦诚长国银辰鼎亿润实业贸易术统学体传导无人装备制造能源与", "華航電機氣東達豐晨遠凱鑫錦誠長國銀辰鼎億潤實業貿易術統學體傳導無人裝備製造能源與")


_ONSETS = ("b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cr", "dr", "tr", "st", "pl", "gr", "x")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "io", "ea")
_CODAS = ("", "n", "r", "x", "s", "l", "m", "t", "nd", "rk")
_KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
_HANZI = (
    "安奥百宝北贝本必博彩灿昌晨成诚驰崇楚创春达大德登鼎东栋恩方飞丰峰锋福富钢高冠光广国海翰瀚浩禾和恒弘宏虹"
    "华辉汇惠佳嘉建剑江金锦晶精景敬久聚俊开凯康科可坤朗乐雷力立利联良林霖龙隆路伦迈茂美铭明纳南能攀鹏品平"
    "普齐启千乾强桥勤青清晴庆秋泉瑞润睿森山善尚申盛胜石世仕顺硕思泰腾天通同拓万旺威维伟文沃祥翔鑫新信星兴"
)


def _coined(rng: random.Random) -> str:
    """A pronounceable invented word ("Koravel"), so names have a long tail of distinctive tokens."""
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(2, 3))) + rng.choice(_CODAS)


def _english(rng: random.Random) -> str:
    words = rng.sample(EN_WORDS, rng.randint(1, 3))
    return f"{_coined(rng).title()} {' '.join(words)} {rng.choice(EN_FORMS)}".strip()


def _romaji(rng: random.Random) -> tuple[str, str]:
    family = rng.randrange(len(JA_KANJI))
    romaji_family = ROMAJI[family % 46] + rng.choice(("", _coined(rng)))
    words = rng.sample(ROMAJI[46:], rng.randint(1, 2))
    kanji = JA_KANJI[family] + "".join(rng.sample(JA_WORDS[:16], len(words)))
    form = rng.choice(ROMAJI_FORMS)
    romaji = f"{form} {romaji_family} {' '.join(words)}" if form == "Kabushiki Kaisha" else f"{romaji_family} {' '.join(words)} {form}"
    return romaji, kanji + rng.choice(JA_FORMS)


def _japanese(rng: random.Random) -> str:
    coined = "".join(rng.choice(_KANA) for _ in range(rng.randint(3, 6)))
    return rng.choice(JA_KANJI) + coined + "".join(rng.sample(JA_WORDS, rng.randint(1, 2))) + rng.choice(JA_FORMS)


def _chinese(rng: random.Random) -> tuple[str, str]:
    brand = rng.choice(ZH_NAMES) if rng.random() < 0.3 else "".join(rng.sample(_HANZI, 2))
    name = brand + "".join(rng.sample(ZH_WORDS, rng.randint(1, 3)))
    simplified = name + rng.choice(ZH_FORMS)
    return simplified, simplified.translate(_TRADITIONAL)


def synthetic_records(n: int, seed: int = 20261129) -> Iterator[NameRecord]:
    """Yield ``n`` synthetic organisations (deterministic for a given seed).

    Mix: 35% English, 20% romanised Japanese with a kanji name, 15% Japanese
    only, 20% simplified Chinese with a traditional form, 10% English with a
    Chinese name.
    """
    rng = random.Random(seed)
    for i in range(n):
        roll = rng.random()
        if roll < 0.35:
            names = [_english(rng)]
        elif roll < 0.55:
            names = list(_romaji(rng))
        elif roll < 0.70:
            names = [_japanese(rng)]
        elif roll < 0.90:
            names = list(_chinese(rng))
        else:
            names = [_english(rng), _chinese(rng)[0]]
        forms = tuple((name, "primary" if j == 0 else "alias") for j, name in enumerate(names))
        yield NameRecord(id=f"SYN-{i:07d}", list="XX-SYNTHETIC", name=names[0], forms=forms, countries=(rng.choice(COUNTRIES),))
