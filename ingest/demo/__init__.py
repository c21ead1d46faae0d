"""The demo city: a seeded synthetic Xinzhou (忻州市) written as messy ledger workbooks, with an answer key.

``generate_city(out_dir, scale=..., seed=...)`` writes ``sites.csv``, ``ledgers/<county>/<file>`` (.xlsx,
.xls and GBK/GB18030/UTF-8 CSV in the layouts of ``shared/examples/ledger_layouts.md``) and
``answer_key.json`` (every planted problem with file, sheet, Excel row, column header and code of
``ingest.problem``). It imports nothing of the importer: it is the importer's test oracle. The key's
reading order (which occurrence of a duplicate is the later one) is set out in ``ingest.demo.generate``.

Behaviour model (defaults, see the modules for the numbers):

- Full scale is Xinzhou's published totals exactly: 68 sites in the 14 county-level units (1..10 a county,
  more in the poorer north-west), 34,434 households, 84,505 people. Small scale: 8 of the sites in 4
  counties, 800 households, 1,963 people.
- Households of 1..7 (mean 2.45): lone elderly, elderly couples, couples with children, three generations
  with 儿媳 and grandchildren, some with a parent of the head. About 10% children under 16, 65% aged
  16-64, 25% 65 and over. Categories: 脱贫户 82%, 同步搬迁户 10%, 监测户 8%. Origin villages of the
  site's own county, about 42 households a village.
- Education by birth cohort (文盲/小学 for the old, 初中 the mode, more 中专/技校/大专 for the young);
  health worsening with age; labour capacity: none for children, pupils and most people over 65,
  丧失劳动力 mostly through serious illness or disability, 技能劳动力 about one in six healthy adults.
- Of people with labour, about 70% work (县内, 省内县外, 省外, 乡镇内, 公益性岗位, 帮扶车间, 灵活就业,
  自主创业), with employer, place, months and monthly income that fit the kind of work; weak labour and
  people over 60 go mostly to 公益性岗位 and 帮扶车间. The rest are 未就业 with a reason, or 无就业意愿.
  Children at school are 在校生.
- Job wishes (意向工种, 意向地点, 期望月薪), training wish (about 45%) and past training (about 20%, more
  for skilled workers); skills for about a quarter, certificates (taxonomy names and aliases) for about 7%
  of ordinary and 55% of skilled workers.
- ID numbers are valid GB 11643 numbers of the county, unique city-wide; mobiles unique, some landlines.
- About 1% of rows carry one planted problem each (see ``ingest.demo.errors``).
- Two earlier yearly snapshots of the same ledgers (填报日期 2024年11月 and 2025年11月, under
  ``snapshots/``): the same people, fewer of them at work and earning less further back, no planted
  problem (``ingest.demo.snapshots``; ``anye demo load`` imports them oldest first, ``ingest.demo.load``).

Sources: places from jionlp 1.5.31 (Apache-2.0) and coordinates from cpca 0.5.5 (MIT), through
``shared/data``; certificate names from the project's taxonomy; personal names from lists written for
this project (``ingest.demo.names``). Everyone in the demo city is invented.
"""

from ingest.demo.generate import CitySummary, generate_city

__all__ = ["CitySummary", "generate_city"]
