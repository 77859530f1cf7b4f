"""Messages for spreadsheet cells that cannot be read, in Chinese and English."""

MESSAGES: dict[str, tuple[str, str]] = {
    "value.blank": ("此项为空。", "The value is blank."),
    "number.unreadable": ("“{value}”不是数字。", "“{value}” is not a number."),
    "number.ambiguous_separator": (
        "“{value}”中的逗号含义不明：千位分隔请写成 12,345，小数请用小数点。",
        "The comma in “{value}” is ambiguous: write thousands as 12,345 and decimals with a point.",
    ),
    "area.unreadable": (
        "面积“{value}”无法识别，请填写数字（平方米），或写明单位如“1.2万平方米”。",
        "Area “{value}” cannot be read; give a number of m² or a unit such as 1.2万平方米.",
    ),
    "area.unit_unknown": (
        "面积“{value}”的单位“{unit}”无法识别；请用平方米（m²）或万平方米。",
        "Area “{value}” has an unknown unit “{unit}”; use m² (平方米) or 10,000 m² (万平方米).",
    ),
    "star.unknown": (
        "“{value}”不是绿色建筑等级（基本级、一星级、二星级、三星级）。",
        "“{value}” is not a green-building level (basic, one, two or three star).",
    ),
    "star.hollow": (
        "“{value}”含空心星“☆”，无法判断等级；请写“一星级”或“★”。",
        "“{value}” contains a hollow star ☆, which is not a rating; write 一星级 or ★.",
    ),
    "stage.unknown": (
        "“{value}”不是评价阶段（预评价或评价）。",
        "“{value}” is not a stage (pre-evaluation or evaluation).",
    ),
    "energy.unknown": (
        "“{value}”不是能耗等级（超低能耗、近零能耗、零能耗）。",
        "“{value}” is not an energy level (ultra-low, nearly zero or zero energy).",
    ),
    "energy.carbon_not_a_level": (
        "“{value}”是碳排放说法，不是《近零能耗建筑技术标准》GB/T 51350 的等级；"
        "请填写超低能耗、近零能耗或零能耗。",
        "“{value}” is a carbon claim, not a GB/T 51350 level; "
        "use ultra-low, nearly zero or zero energy.",
    ),
    "retrofit.unknown": (
        "“{value}”不是改造类型（既有居住建筑绿色改造、公共建筑能效提升、老旧小区改造）。",
        "“{value}” is not a retrofit type (residential green retrofit, public-building "
        "efficiency upgrade, old-community renovation).",
    ),
    "retrofit.ambiguous": (
        "“{value}”未说明是居住建筑还是公共建筑；请写“既有居住建筑节能改造”或“公共建筑能效提升”。",
        "“{value}” does not say whether residential or public; write 既有居住建筑节能改造 "
        "(residential) or 公共建筑能效提升 (public).",
    ),
    "date.unreadable": (
        "“{value}”不是日期；可写 2021-03-05、2021/3/5、2021.3.5、2021年3月5日 或 20210305。",
        "“{value}” is not a date; write 2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日 or 20210305.",
    ),
    "date.invalid": ("“{value}”不是存在的日期。", "“{value}” is not a real calendar date."),
    "date.year_only": (
        "“{value}”只有年份，请填写完整日期（年月日）。",
        "“{value}” is only a year; give the full date.",
    ),
    "date.excel_phantom_leap_day": (
        "Excel 日期序号 60 对应不存在的 1900-02-29，请核对该日期。",
        "Excel serial 60 is the non-existent 1900-02-29; check this date.",
    ),
    "date.serial_out_of_range": (
        "“{value}”不是有效的 Excel 日期序号。",
        "“{value}” is not a valid Excel date serial.",
    ),
    "yes_no.unknown": (
        "“{value}”应为“是”或“否”（也可写 Y/N、√/×、1/0）。",
        "“{value}” should be yes or no (also Y/N, √/×, 1/0).",
    ),
    "percent.unreadable": ("“{value}”不是百分数。", "“{value}” is not a percentage."),
    "percent.out_of_range": (
        "百分数“{value}”应在 0% 到 100% 之间。",
        "Percentage “{value}” must be between 0 and 100%.",
    ),
}
