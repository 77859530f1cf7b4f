"""The State Council's holiday arrangements the calendar starts with, each with its source.

Transcribed from the General Office's yearly notices (国务院办公厅关于 XXXX 年部分节假日安排的
通知) and checked day by day against the data of the `chinese-calendar` package (1.11.0),
which transcribes the same notices; 2025 and 2026 were also read against Xinhua's text of
the notice. Seeded unconfirmed: an administrator confirms each year against the notice on
www.gov.cn, and enters each new year when its notice is published (usually in November).
Holiday ranges are the notices' "放假" spans, weekends inside them included; workdays are the
weekend days the notices make working days ("上班"). A span belongs to the notice that
states it (2023's 元旦 starts on 2022-12-31); weekends a notice only calls "连休" are not listed.
"""

from __future__ import annotations

from datetime import date

# year -> (source, [(first day, last day, holiday)], [(weekend day worked, holiday)])
HOLIDAY_ARRANGEMENTS: dict[int, tuple[str, list, list]] = {
    2021: (
        "国务院办公厅关于2021年部分节假日安排的通知（国办发明电〔2020〕27号，2020-11-25）",
        [
            (date(2021, 1, 1), date(2021, 1, 3), "元旦"),
            (date(2021, 2, 11), date(2021, 2, 17), "春节"),
            (date(2021, 4, 3), date(2021, 4, 5), "清明节"),
            (date(2021, 5, 1), date(2021, 5, 5), "劳动节"),
            (date(2021, 6, 12), date(2021, 6, 14), "端午节"),
            (date(2021, 9, 19), date(2021, 9, 21), "中秋节"),
            (date(2021, 10, 1), date(2021, 10, 7), "国庆节"),
        ],
        [
            (date(2021, 2, 7), "春节"),
            (date(2021, 2, 20), "春节"),
            (date(2021, 4, 25), "劳动节"),
            (date(2021, 5, 8), "劳动节"),
            (date(2021, 9, 18), "中秋节"),
            (date(2021, 9, 26), "国庆节"),
            (date(2021, 10, 9), "国庆节"),
        ],
    ),
    2022: (
        "国务院办公厅关于2022年部分节假日安排的通知（国办发明电〔2021〕11号，2021-10-25）",
        [
            (date(2022, 1, 1), date(2022, 1, 3), "元旦"),
            (date(2022, 1, 31), date(2022, 2, 6), "春节"),
            (date(2022, 4, 3), date(2022, 4, 5), "清明节"),
            (date(2022, 4, 30), date(2022, 5, 4), "劳动节"),
            (date(2022, 6, 3), date(2022, 6, 5), "端午节"),
            (date(2022, 9, 10), date(2022, 9, 12), "中秋节"),
            (date(2022, 10, 1), date(2022, 10, 7), "国庆节"),
        ],
        [
            (date(2022, 1, 29), "春节"),
            (date(2022, 1, 30), "春节"),
            (date(2022, 4, 2), "清明节"),
            (date(2022, 4, 24), "劳动节"),
            (date(2022, 5, 7), "劳动节"),
            (date(2022, 10, 8), "国庆节"),
            (date(2022, 10, 9), "国庆节"),
        ],
    ),
    2023: (
        "国务院办公厅关于2023年部分节假日安排的通知（国办发明电〔2022〕16号，2022-12-08）",
        [
            (date(2022, 12, 31), date(2023, 1, 2), "元旦"),
            (date(2023, 1, 21), date(2023, 1, 27), "春节"),
            (date(2023, 4, 5), date(2023, 4, 5), "清明节"),
            (date(2023, 4, 29), date(2023, 5, 3), "劳动节"),
            (date(2023, 6, 22), date(2023, 6, 24), "端午节"),
            (date(2023, 9, 29), date(2023, 10, 6), "中秋节、国庆节"),
        ],
        [
            (date(2023, 1, 28), "春节"),
            (date(2023, 1, 29), "春节"),
            (date(2023, 4, 23), "劳动节"),
            (date(2023, 5, 6), "劳动节"),
            (date(2023, 6, 25), "端午节"),
            (date(2023, 10, 7), "国庆节"),
            (date(2023, 10, 8), "国庆节"),
        ],
    ),
    2024: (
        "国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号，2023-10-25）",
        [
            (date(2024, 1, 1), date(2024, 1, 1), "元旦"),
            (date(2024, 2, 10), date(2024, 2, 17), "春节"),
            (date(2024, 4, 4), date(2024, 4, 6), "清明节"),
            (date(2024, 5, 1), date(2024, 5, 5), "劳动节"),
            (date(2024, 6, 10), date(2024, 6, 10), "端午节"),
            (date(2024, 9, 15), date(2024, 9, 17), "中秋节"),
            (date(2024, 10, 1), date(2024, 10, 7), "国庆节"),
        ],
        [
            (date(2024, 2, 4), "春节"),
            (date(2024, 2, 18), "春节"),
            (date(2024, 4, 7), "清明节"),
            (date(2024, 4, 28), "劳动节"),
            (date(2024, 5, 11), "劳动节"),
            (date(2024, 9, 14), "中秋节"),
            (date(2024, 9, 29), "国庆节"),
            (date(2024, 10, 12), "国庆节"),
        ],
    ),
    2025: (
        "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024-11-12）",
        [
            (date(2025, 1, 1), date(2025, 1, 1), "元旦"),
            (date(2025, 1, 28), date(2025, 2, 4), "春节"),
            (date(2025, 4, 4), date(2025, 4, 6), "清明节"),
            (date(2025, 5, 1), date(2025, 5, 5), "劳动节"),
            (date(2025, 5, 31), date(2025, 6, 2), "端午节"),
            (date(2025, 10, 1), date(2025, 10, 8), "国庆节、中秋节"),
        ],
        [
            (date(2025, 1, 26), "春节"),
            (date(2025, 2, 8), "春节"),
            (date(2025, 4, 27), "劳动节"),
            (date(2025, 9, 28), "国庆节"),
            (date(2025, 10, 11), "国庆节"),
        ],
    ),
    2026: (
        "国务院办公厅关于2026年部分节假日安排的通知（2025-11-04，新华社全文）",
        [
            (date(2026, 1, 1), date(2026, 1, 3), "元旦"),
            (date(2026, 2, 15), date(2026, 2, 23), "春节"),
            (date(2026, 4, 4), date(2026, 4, 6), "清明节"),
            (date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
            (date(2026, 6, 19), date(2026, 6, 21), "端午节"),
            (date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
            (date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
        ],
        [
            (date(2026, 1, 4), "元旦"),
            (date(2026, 2, 14), "春节"),
            (date(2026, 2, 28), "春节"),
            (date(2026, 5, 9), "劳动节"),
            (date(2026, 9, 20), "国庆节"),
            (date(2026, 10, 10), "国庆节"),
        ],
    ),
}
