"""Why a spreadsheet cell cannot be read: English templates, whose Chinese is in the
catalogue (registry.i18n.render)."""

MESSAGES: dict[str, str] = {
    "value.blank": "The value is blank.",
    "number.unreadable": "“{value}” is not a number.",
    "number.ambiguous_separator": (
        "The comma in “{value}” is ambiguous: write thousands as 12,345 and decimals with a point."
    ),
    "area.unreadable": (
        "Area “{value}” cannot be read; give a number of m² or a unit such as 1.2万平方米."
    ),
    "area.unit_unknown": (
        "Area “{value}” has an unknown unit “{unit}”; use m² (平方米) or 10,000 m² (万平方米)."
    ),
    "star.unknown": "“{value}” is not a green-building level (basic, one, two or three star).",
    "star.hollow": "“{value}” contains a hollow star ☆, which is not a rating; write 一星级 or ★.",
    "stage.unknown": "“{value}” is not a stage (pre-evaluation or evaluation).",
    "energy.unknown": "“{value}” is not an energy level (ultra-low, nearly zero or zero energy).",
    "energy.carbon_not_a_level": (
        "“{value}” is a carbon claim, not a GB/T 51350 level; use ultra-low, nearly zero or zero "
        "energy."
    ),
    "retrofit.unknown": (
        "“{value}” is not a retrofit type (residential green retrofit, public-building efficiency "
        "upgrade, old-community renovation)."
    ),
    "retrofit.ambiguous": (
        "“{value}” does not say whether residential or public; write "
        "既有居住建筑节能改造 (residential) or 公共建筑能效提升 (public)."
    ),
    "date.unreadable": (
        "“{value}” is not a date; write 2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日 or 20210305."
    ),
    "date.invalid": "“{value}” is not a real calendar date.",
    "date.year_only": "“{value}” is only a year; give the full date.",
    "date.excel_phantom_leap_day": (
        "Excel serial 60 is the non-existent 1900-02-29; check this date."
    ),
    "date.serial_out_of_range": "“{value}” is not a valid Excel date serial.",
    "yes_no.unknown": "“{value}” should be yes or no (also Y/N, √/×, 1/0).",
    "percent.unreadable": "“{value}” is not a percentage.",
    "percent.out_of_range": "Percentage “{value}” must be between 0 and 100%.",
}
