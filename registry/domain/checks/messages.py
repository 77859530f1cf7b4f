"""What a designer reads when a model is refused or warned about, in Chinese and English."""

MESSAGES = {
    "idf.empty": ("上传的模型文件为空。", "The uploaded model file is empty."),
    "idf.too_large": (
        "模型文件过大（{size_mb} MB），上限为 {max_mb} MB。",
        "The model file is too large ({size_mb} MB); the limit is {max_mb} MB.",
    ),
    "idf.encoding": (
        "模型文件编码为 {encoding}，请另存为 UTF-8（或 GBK）文本。",
        "The model file is encoded as {encoding}; save it as UTF-8 (or GBK) text.",
    ),
    "idf.binary": (
        "这不是文本格式的 IDF 文件（可能是 .imf、.epJSON 压缩包或其他二进制文件）。",
        "This is not a text IDF file (perhaps a zip, an .imf or another binary file).",
    ),
    "idf.no_version": (
        "模型中没有 Version 对象，无法判断 EnergyPlus 版本。请添加“Version,25.2;”。",
        "The model has no Version object, so its EnergyPlus version is unknown. Add "
        "“Version,25.2;”.",
    ),
    "idf.wrong_version": (
        "模型为 EnergyPlus {found} 版本，本系统使用 EnergyPlus 25.2。请用 EnergyPlus 自带的 "
        "IDFVersionUpdater（Windows 版在 PreProcess 目录）逐版升级到 25.2 后再上传。",
        "The model is for EnergyPlus {found}; the registry runs EnergyPlus 25.2. Transition "
        "it to 25.2 with IDFVersionUpdater (in the PreProcess folder of an EnergyPlus "
        "install), one version at a time, then upload it again.",
    ),
    "idf.older_version_accepted": (
        "模型为 EnergyPlus {found} 版本，已按 25.2 运行。若计算出错，请先用 IDFVersionUpdater "
        "升级到 25.2。",
        "The model is for EnergyPlus {found}; it is run as 25.2. If the run fails, "
        "transition it to 25.2 with IDFVersionUpdater first.",
    ),
    "idf.ems_while_loop": (
        "EMS 程序 {program} 含 WHILE 循环（“{line}”）。循环可能永不结束并长期占用计算资源，"
        "本系统不运行含 WHILE 的 EMS 程序；请改用 IF 语句和固定的步数后再上传。",
        "The EMS program {program} has a WHILE loop (“{line}”). A loop may never end and "
        "would hold a simulation worker, so the registry runs no EMS WHILE; write it with IF "
        "blocks and a fixed number of steps, then upload again.",
    ),
    "idf.ems_recursion": (
        "EMS 子程序相互调用形成循环（{chain}），会无限递归。请去掉循环调用后再上传。",
        "EMS subroutines call each other in a circle ({chain}) and would recurse without "
        "end. Remove the circular RUN and upload again.",
    ),
    "idf.forbidden_object": (
        "模型含有 {object} 对象。出于安全原因，本系统不运行调用外部程序、脚本或联合仿真的对象，"
        "请删除后再上传。",
        "The model contains {object}. For safety the registry does not run objects that "
        "call scripts, external programs or co-simulation; remove it and upload again.",
    ),
    "idf.external_file": (
        "模型的 {object}“{name}”引用外部文件，而系统只接收单个 IDF 文件。请改用 "
        "Schedule:Compact 等内嵌数据。",
        "{object} “{name}” reads an external file, but only the IDF itself is uploaded. "
        "Use embedded data (e.g. Schedule:Compact) instead.",
    ),
    "idf.unknown_object": (
        "EnergyPlus 25.2 不认识这些对象：{objects}。请检查拼写或版本。",
        "EnergyPlus 25.2 does not know these objects: {objects}. Check the spelling or "
        "the model's version.",
    ),
    "idf.parse_error": (
        "无法读取模型（{error}）。请在 EnergyPlus 25.2 的 IDF Editor 中打开并另存后再上传。",
        "The model could not be read ({error}). Open and save it in the EnergyPlus 25.2 "
        "IDF Editor, then upload it again.",
    ),
    "idf.no_zones": ("模型中没有 Zone（热区）对象。", "The model has no Zone objects."),
    "idf.no_surfaces": (
        "模型中没有建筑表面（BuildingSurface:Detailed 等）。",
        "The model has no building surfaces (BuildingSurface:Detailed or similar).",
    ),
    "idf.absurd_size": (
        "模型的楼面面积为 {area} m²，超过 {max} m²，几何尺寸不合理（坐标是否误用了毫米？）。",
        "The model's floor area is {area} m², over {max} m²: its geometry is implausible "
        "(coordinates in millimetres?).",
    ),
    "idf.no_run_period": (
        "模型中没有 RunPeriod，无法计算全年能耗。请添加 1 月 1 日至 12 月 31 日的 RunPeriod。",
        "The model has no RunPeriod, so there is no annual run. Add a RunPeriod from "
        "1 January to 31 December.",
    ),
    "idf.multiple_run_periods": (
        "模型有 {count} 个 RunPeriod；结果会把各时段相加。请只保留一个全年 RunPeriod。",
        "The model has {count} RunPeriods, whose results would be added together. Keep "
        "one full-year RunPeriod.",
    ),
    "idf.not_full_year": (
        "RunPeriod 为 {begin} 至 {end}，不是全年；能耗指标只对全年模拟有意义。",
        "The RunPeriod runs from {begin} to {end}, not a whole year; the energy use "
        "intensity is only meaningful for a full year.",
    ),
    # EMS is accepted: see _check_safety for why.
    "idf.ems_present": (
        "模型含有 {count} 个能源管理系统（EMS）对象。EMS 程序可改写控制和负荷，审核时请留意。",
        "The model has {count} EnergyManagementSystem objects. EMS programs can override "
        "controls and loads; reviewers should look at them.",
    ),
    "idf.weather_run_enabled": (
        "模型的 SimulationControl 未开启全年（气象文件）模拟，校核时已开启。",
        "The model's SimulationControl had the weather-file (annual) run switched off; "
        "the check switches it on.",
    ),
    "idf.sizing_period_runs_skipped": (
        "模型的 SimulationControl 要求模拟设计日（Sizing Period）；校核只读取全年（气象文件）"
        "模拟的结果，故不做这些模拟（设计日的负荷计算照常进行），全年结果不受影响。",
        "The model's SimulationControl asks for its sizing periods to be simulated; the check "
        "reads only the weather-file (annual) run, so it leaves those simulations out (sizing "
        "calculations still run). Annual results are unaffected.",
    ),
    "idf.outputs_dropped": (
        "模型中 {count} 个输出请求（Output:Variable / Output:Meter / Output:Table）"
        "不参与校核，已忽略。",
        "{count} output requests (Output:Variable / Output:Meter / Output:Table) are not "
        "needed for the check and were left out.",
    ),
}
