"""Chinese personal names for the demo city: surnames common in Shanxi, given names by generation and sex.

The lists are written for this project (common names, no real person meant). Surname weights roughly follow
their frequency in northern Shanxi; given names follow the fashions of each generation (拴柱, 桂英 for the
elderly; 建军, 丽萍 for those born in the 1960s-70s; 伟, 婷 for the 1980s-90s; 子轩, 欣怡 after 2000).
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

__all__ = ["child_name", "name_typo", "person_name", "surname"]

_SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 90),
    ("李", 70),
    ("张", 65),
    ("刘", 60),
    ("赵", 40),
    ("杨", 38),
    ("郭", 36),
    ("武", 30),
    ("高", 28),
    ("贾", 24),
    ("陈", 22),
    ("韩", 22),
    ("田", 20),
    ("梁", 20),
    ("任", 18),
    ("薛", 16),
    ("白", 16),
    ("郝", 16),
    ("孙", 15),
    ("胡", 14),
    ("马", 14),
    ("侯", 13),
    ("段", 12),
    ("宋", 12),
    ("吕", 11),
    ("石", 11),
    ("乔", 11),
    ("史", 10),
    ("冯", 10),
    ("范", 10),
    ("霍", 10),
    ("闫", 10),
    ("温", 9),
    ("秦", 9),
    ("樊", 8),
    ("牛", 8),
    ("贺", 8),
    ("崔", 8),
    ("申", 7),
    ("杜", 7),
    ("程", 7),
    ("许", 7),
    ("柴", 6),
    ("苏", 6),
    ("卫", 6),
    ("邢", 6),
    ("孟", 6),
    ("董", 6),
    ("姚", 5),
    ("康", 5),
    ("岳", 5),
    ("要", 4),
    ("亢", 3),
    ("续", 3),
    ("智", 3),
    ("弓", 2),
)
_SURNAME_LIST = [s for s, _ in _SURNAMES]
_SURNAME_CUMULATIVE = list(accumulate(w for _, w in _SURNAMES))

# (last birth year of the generation, male names, female names)
_GIVEN: tuple[tuple[int, str, str], ...] = (
    (
        1959,
        "根生 福堂 来喜 贵明 宝山 守仁 银贵 金锁 拴成 存义 玉林 德胜 海旺 满仓 二小 三娃 富贵 拴柱 有才 "
        "福全 来成 银锁 存喜 保全 德旺 树林 补元 润生",
        "桂英 秀英 玉兰 翠花 凤英 兰英 秀兰 二女 金花 改兰 桂兰 润兰 巧英 俊英 变梅 爱莲 存梅 粉莲 "
        "拉弟 转娥 秀珍 菊花 月娥 银花",
    ),
    (
        1979,
        "建军 国强 志刚 卫东 建国 红兵 海平 永红 俊峰 文斌 小平 志明 跃进 晋生 新华 建平 利军 "
        "二平 保平 拉明 振华 向东 拥军 树平 旭东",
        "丽萍 红梅 秀珍 艳梅 春燕 玉梅 美玲 彩霞 俊梅 晓红 云霞 金凤 爱萍 建英 巧梅 润梅 桃花 翠萍 小燕 海英 玉琴 二梅",
    ),
    (
        1999,
        "伟 强 磊 鹏 涛 军 杰 斌 浩 勇 晓东 建华 鹏飞 晋军 海龙 宇 亮 超 刚 文龙 俊杰 志强 利平 晓军 国庆 鑫 帅",
        "丽 娟 芳 燕 婷 敏 静 晓丽 丽娜 慧敏 艳芳 亚楠 瑞芳 晓燕 丽霞 霞 倩 佳 雪 园园 晓敏 慧芳 娜 美霞",
    ),
    (
        2099,
        "子轩 浩然 宇航 俊杰 梓豪 博文 一鸣 家乐 子豪 皓轩 宇轩 浩宇 梓轩 俊熙 晨阳 天佑 嘉豪 锦程 奕辰 泽宇",
        "欣怡 梓涵 雨涵 诗琪 佳琪 子涵 一诺 思雨 梦瑶 可馨 欣妍 雨桐 语嫣 佳怡 紫萱 若汐 梓萱 心怡 雨萱 依诺",
    ),
)
_GIVEN_SPLIT = tuple((year, male.split(), female.split()) for year, male, female in _GIVEN)

# Characters staff mistype for one another (same sound or look); used for a re-entered name.
_TYPO = dict(
    pair.split(":")
    for pair in (
        "英:瑛 兰:岚 明:铭 军:君 伟:玮 丽:莉 强:蔷 华:桦 平:萍 红:宏 梅:玫 燕:艳 芳:方 娟:涓 杰:洁 "
        "斌:彬 涛:滔 鹏:朋 宇:雨 涵:含 轩:萱 浩:皓 琪:棋 怡:仪 萱:轩 林:琳 生:升 贵:桂 福:富 玉:钰 "
        "秀:绣 凤:风 花:华 珍:真 霞:侠 金:今 银:印 德:得 成:诚 喜:禧 全:泉 娜:纳 敏:民 静:婧"
    ).split()
)
_SURNAME_TYPO = dict(zip("王张李刘杨陈程韩郭武高贾", "汪章理柳阳程陈寒国吴郜价", strict=True))


def surname(rng: random.Random) -> str:
    """A surname drawn by its frequency."""
    return _SURNAME_LIST[bisect(_SURNAME_CUMULATIVE, rng.random() * _SURNAME_CUMULATIVE[-1])]


def child_name(rng: random.Random, family: str, male: bool, year: int) -> str:
    """A full name with ``family`` as surname, given names of the birth ``year``'s generation."""
    for last_year, male_names, female_names in _GIVEN_SPLIT:
        if year <= last_year:
            return family + rng.choice(male_names if male else female_names)
    raise AssertionError("the last generation covers every year")


def person_name(rng: random.Random, male: bool, year: int) -> str:
    """A full name with a surname drawn by frequency."""
    return child_name(rng, surname(rng), male, year)


def name_typo(name: str) -> str:
    """The name as staff might re-enter it wrongly: one character replaced by a look- or sound-alike."""
    for i in range(len(name) - 1, 0, -1):
        if name[i] in _TYPO:
            return name[:i] + _TYPO[name[i]] + name[i + 1 :]
    if name[0] in _SURNAME_TYPO:
        return _SURNAME_TYPO[name[0]] + name[1:]
    return name[0] + "小" + name[1:]
