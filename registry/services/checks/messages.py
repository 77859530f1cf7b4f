"""What a designer reads about a check's state and failures, in Chinese and English."""

MESSAGES = {
    "check.not_found": ("找不到能耗校核 #{id}。", "Energy check #{id} not found."),
    "check.not_cancellable": (
        "该校核已结束（{status}），无法取消。",
        "This check has already ended ({status}).",
    ),
    "check.model_missing": (
        "上传的模型文件已丢失，请重新上传。",
        "The uploaded model file is missing; upload it again.",
    ),
    "check.internal_error": (
        "校核过程中出现内部错误（{error}），未保存任何结果。请重试或联系管理员。",
        "The check hit an internal error ({error}); no result was stored. Try again or "
        "contact the administrator.",
    ),
    "check.too_many_attempts": (
        "计算进程 {attempts} 次意外中断，已停止重试。请联系管理员。",
        "The simulation worker stopped unexpectedly {attempts} times; no more retries. "
        "Contact the administrator.",
    ),
    "check.workdir_error": (
        "服务器临时目录不可写（磁盘已满？），校核未能运行：{error}",
        "The server's temporary folder is not writable (disk full?); the check could not "
        "run: {error}",
    ),
    "check.file_required": ("请选择要上传的 IDF 模型文件。", "Choose an IDF model file to upload."),
    "check.wrong_extension": (
        "只接受 .idf 文件（收到“{name}”）。",
        "Only .idf files are accepted (got “{name}”).",
    ),
    "check.too_large": (
        "文件过大（{size_mb} MB），上限为 {max_mb} MB。",
        "The file is too large ({size_mb} MB); the limit is {max_mb} MB.",
    ),
    "check.too_many_queued": (
        "您已有 {count} 个校核在排队（每位用户最多 {max} 个），请等其中一些完成后再提交。",
        "You already have {count} checks waiting (at most {max} per user); submit more once "
        "some have finished.",
    ),
    "check.broker_unavailable": (
        "模型已保存并排队；任务队列暂时不可用，恢复后将自动开始计算。",
        "The model is saved and queued; the job queue is unavailable right now and the run "
        "will start automatically when it is back.",
    ),
    "energyplus.timeout": (
        "EnergyPlus 计算超过时限（{seconds} 秒）被终止。请缩短模拟期或简化模型。",
        "EnergyPlus was stopped after its time limit ({seconds} s). Shorten the run period or "
        "simplify the model.",
    ),
    "energyplus.failed": (
        "EnergyPlus 计算失败（退出码 {returncode}），请查看下方的错误信息。",
        "EnergyPlus failed (exit code {returncode}); see the messages below.",
    ),
    # One line each in `registry check`'s plain output (rendered by the server, so the client
    # over the API needs no catalogue of its own).
    "check.summary.official": (
        "正式判定：{basis} {value} {unit}，{band}（{standard} {table}）",
        "Official verdict: {basis} {value} {unit}, {band} ({standard} {table})",
    ),
    "check.summary.official_no_quota": ("正式判定：{reason}", "Official verdict: {reason}"),
    "check.summary.withheld": (
        "不予正式判定（以下数值仅供参考）：",
        "No official verdict (the figures are for reference only):",
    ),
    "check.summary.weather_official": (
        "气象数据：{name}（登记系统指定的青岛气象年）",
        "Weather: {name} (the registry's official Qingdao year)",
    ),
    "check.summary.weather_other": (
        "气象数据：{name}（不是登记系统指定的青岛气象年）",
        "Weather: {name} (not the registry's official Qingdao year)",
    ),
    "check.summary.cached": (
        "结果复用了此前一次完全相同的计算（模型、气象与引擎均相同），并按本建筑的登记信息判定。",
        "Reused an identical earlier run (same model, weather and engine), judged against this "
        "building's registration.",
    ),
    "check.summary.fresh": (
        "结果来自本次新的计算（未复用已有结果）。",
        "Computed by a new run (no earlier run reused).",
    ),
    "check.summary.engine": (
        "EnergyPlus 提示：警告 {warnings} 个，严重错误 {severes} 个，致命错误 {fatals} 个。",
        "EnergyPlus messages: {warnings} warnings, {severes} severe errors, {fatals} fatal.",
    ),
}

STATE_NAMES = {
    "queued": ("排队中", "Queued"),
    "validating": ("校验模型", "Validating"),
    "running": ("计算中", "Running"),
    "reading": ("读取结果", "Reading results"),
    "done": ("完成", "Done"),
    "failed": ("失败", "Failed"),
    "cancelled": ("已取消", "Cancelled"),
}
